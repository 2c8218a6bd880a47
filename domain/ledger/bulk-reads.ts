/**
 * What applyEvaluation reads for a whole chunk of keys at once: the open entries (locked), and the
 * latest ended entry of keys that have none. Keys travel as parallel arrays through unnest(...)
 * with ordinality, so one statement serves any number of them and `ord` ties each row to its key.
 */
import { sql } from 'kysely';
import type { DbTransaction } from '../../platform/db/database.ts';
import type { Finding } from './finding.ts';
import { TERMINAL_LIST } from './item-key.ts';
import type { Operation } from './evaluation-plan.ts';
import type { LedgerItemRow } from './records.ts';

/** An open entry matched by the operation at index `ord`; `same_evidence` only for findings. */
export type LockedRow = LedgerItemRow & { ord: number; same_evidence: boolean | null };

/**
 * Locks the open entries of every operation, in the operations' order (then by subject within a
 * clear of a whole rule), and returns them by operation index. A clear leaves out the subjects
 * found by the chunk's findings (the chunk holds all findings of each of its rules).
 */
export async function lockOpenEntries(trx: DbTransaction, ops: readonly Operation[]): Promise<Map<number, LockedRow[]>> {
  const intakeIds = ops.map((op) => op.key.intakeId);
  const rules = ops.map((op) => op.key.rule);
  const subjects = ops.map((op) => op.key.subject ?? null);
  const evidence = ops.map((op) => ('finding' in op ? JSON.stringify(op.finding.evidence) : null));
  const found = ops.map((op) => 'finding' in op);
  const { rows } = await sql<LockedRow>`
    with k as materialized (
      select * from unnest(${intakeIds}::bigint[], ${rules}::text[], ${subjects}::text[], ${evidence}::text[], ${found}::boolean[])
        with ordinality as k(k_intake, k_rule, k_subject, k_evidence, k_found, ord)
    )
    select li.*, (k.ord - 1)::int as ord, li.evidence = k.k_evidence::jsonb as same_evidence
    from k
    join ledger_items li
      on coalesce(li.intake_id, 0) = coalesce(k.k_intake, 0) and li.rule = k.k_rule and li.subject = coalesce(k.k_subject, li.subject)
    where li.status not in (${TERMINAL_LIST})
      and (k.k_found or not exists (
        select 1 from k f
        where f.k_found and coalesce(f.k_intake, 0) = coalesce(li.intake_id, 0) and f.k_rule = li.rule and f.k_subject = li.subject))
    order by k.ord, li.subject
    for update of li`.execute(trx);
  const byOp = new Map<number, LockedRow[]>();
  for (const row of rows) {
    const list = byOp.get(row.ord);
    if (list) list.push(row);
    else byOp.set(row.ord, [row]);
  }
  return byOp;
}

export interface EndedEntry {
  id: string;
  status: string;
  fingerprint: string | null;
  window_end: Date;
  /** The ended entry's evidence equals the finding's (as jsonb). */
  same_evidence: boolean;
}

/** The latest ended (dismissed, closed, resolved) entry of each finding's key, by index in `findings`. */
export async function latestEnded(trx: DbTransaction, findings: readonly Finding[]): Promise<Map<number, EndedEntry>> {
  if (findings.length === 0) return new Map();
  const { rows } = await sql<EndedEntry & { ord: number }>`
    select distinct on (k.ord) (k.ord - 1)::int as ord, li.id, li.status, li.fingerprint, li.window_end, li.evidence = k.k_evidence::jsonb as same_evidence
    from unnest(${findings.map((f) => f.intakeId)}::bigint[], ${findings.map((f) => f.rule)}::text[],
                ${findings.map((f) => f.subject)}::text[], ${findings.map((f) => JSON.stringify(f.evidence))}::text[])
      with ordinality as k(k_intake, k_rule, k_subject, k_evidence, ord)
    join ledger_items li on coalesce(li.intake_id, 0) = coalesce(k.k_intake, 0) and li.rule = k.k_rule and li.subject = k.k_subject
    where li.status in (${TERMINAL_LIST})
    order by k.ord, li.id desc`.execute(trx);
  return new Map(rows.map(({ ord, ...entry }) => [ord, entry]));
}
