/**
 * Turns one evaluation (findings, and what was evaluated clean) into ledger entries, in one
 * transaction (docs/ledger.md, "Findings"). Several monitor processes may apply evaluations of the
 * same intake at once; correctness rests on the unique index ledger_items_one_open_idx (one open
 * entry per intake, rule and subject) and on row locks, not on the callers taking turns.
 */
import { sql } from 'kysely';
import type { Db, DbTransaction } from '../../common/db/database.ts';
import { recordEvent } from './events.ts';
import type { ClearKey, EvaluationCounts, EvaluationInput, Finding } from './finding.ts';
import { compareKeys, isOpenWithKey, type ItemKey, keyLabel, matchesKey, OPEN_PREDICATE } from './item-key.ts';
import type { LedgerItemRow } from './records.ts';
import { TERMINAL_STATUSES } from './schemas.ts';

type Outcome = keyof EvaluationCounts;

type Operation = { key: ItemKey; finding: Finding } | { key: ItemKey; clear: ClearKey };

const DEFAULT_ACTOR = 'monitor';
/** Attempts at the whole transaction when PostgreSQL aborts it as a deadlock victim. */
const TRANSACTION_ATTEMPTS = 3;
/** Attempts at one finding while a concurrent transaction keeps inserting or closing its entry. */
const FINDING_ATTEMPTS = 3;

export async function applyEvaluation(db: Db, input: EvaluationInput): Promise<EvaluationCounts> {
  const actor = input.actor ?? DEFAULT_ACTOR;
  const operations = plan(input);
  const subjectsFound = findingSubjectsByRule(input.findings);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const counts: EvaluationCounts = { raised: 0, updated: 0, recurred: 0, cleared: 0, resolved: 0, unchanged: 0 };
        for (const op of operations) {
          const outcomes =
            'finding' in op
              ? [await applyFinding(trx, op.finding, input.now, actor)]
              : await applyClear(trx, op.clear, subjectsFound.get(ruleKey(op.clear)) ?? [], input.now, actor);
          for (const outcome of outcomes) counts[outcome]++;
        }
        return counts;
      });
    } catch (err) {
      if (attempt >= TRANSACTION_ATTEMPTS || !isRetriable(err)) throw err;
    }
  }
}

/** All work in one key order, so that concurrent evaluations lock rows in the same order. */
function plan(input: EvaluationInput): Operation[] {
  const operations: Operation[] = [
    ...input.findings.map((finding) => ({ key: { intakeId: finding.intakeId, rule: finding.rule, subject: finding.subject }, finding })),
    ...input.clear.map((clear) => ({ key: clear, clear })),
  ];
  return operations.sort((a, b) => compareKeys(a.key, b.key));
}

function ruleKey(k: { intakeId: string | null; rule: string }): string {
  return JSON.stringify([k.intakeId, k.rule]);
}

/** A subject found in this evaluation is not cleared by it, whatever the clear list says. */
function findingSubjectsByRule(findings: readonly Finding[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const f of findings) map.set(ruleKey(f), [...(map.get(ruleKey(f)) ?? []), f.subject]);
  return map;
}

// ------------------------------------------------------------------------------------- findings

type OpenRow = LedgerItemRow & { same_evidence: boolean };

async function applyFinding(trx: DbTransaction, finding: Finding, now: Date, actor: string): Promise<Outcome> {
  const key: ItemKey = { intakeId: finding.intakeId, rule: finding.rule, subject: finding.subject };
  const evidence = JSON.stringify(finding.evidence);
  for (let attempt = 1; attempt <= FINDING_ATTEMPTS; attempt++) {
    // The lock makes a concurrent evaluation of the same entry wait for ours (and then see it).
    const open = await trx
      .selectFrom('ledger_items')
      .selectAll()
      .select(sql<boolean>`evidence = ${evidence}::jsonb`.as('same_evidence'))
      .where(isOpenWithKey(key))
      .forUpdate()
      .executeTakeFirst();
    if (open) return updateOpen(trx, open, finding, evidence, now, actor);
    const raised = await raiseNew(trx, key, finding, evidence, now, actor);
    // Null: another transaction inserted the open entry after our select; it has committed by now
    // (the insert waited for it), so the next select finds and locks it.
    if (raised) return raised;
  }
  throw new Error(`ledger: could not apply the finding for ${keyLabel(key)}: its open entry kept changing under concurrent evaluations`);
}

async function updateOpen(trx: DbTransaction, open: OpenRow, finding: Finding, evidence: string, now: Date, actor: string): Promise<Outcome> {
  // The window only widens: an entry covers every period in which the problem was seen.
  const windowStart = new Date(Math.min(open.window_start.getTime(), finding.windowStartMs));
  const windowEnd = new Date(Math.max(open.window_end.getTime(), finding.windowEndMs));
  const recurred = open.condition_cleared_at !== null;
  const changed =
    !open.same_evidence ||
    open.summary !== finding.summary ||
    open.county_code !== finding.countyCode ||
    windowStart.getTime() !== open.window_start.getTime() ||
    windowEnd.getTime() !== open.window_end.getTime();
  await trx
    .updateTable('ledger_items')
    .set({
      evidence,
      summary: finding.summary,
      county_code: finding.countyCode,
      window_start: windowStart,
      window_end: windowEnd,
      last_detected_at: sql<Date>`greatest(last_detected_at, ${now})`,
      detections: sql<number>`detections + 1`,
      condition_cleared_at: null,
      updated_at: now,
    })
    .where('id', '=', open.id)
    .execute();
  if (!recurred && !changed) return 'unchanged';
  await recordEvent(trx, {
    itemId: open.id,
    action: recurred ? 'recurred' : 'updated',
    actor,
    at: now,
    fromStatus: open.status,
    toStatus: open.status,
    note: finding.summary,
    data: detection(finding, windowStart, windowEnd),
  });
  return recurred ? 'recurred' : 'updated';
}

async function raiseNew(trx: DbTransaction, key: ItemKey, finding: Finding, evidence: string, now: Date, actor: string): Promise<Outcome | null> {
  const previous = await trx
    .selectFrom('ledger_items')
    .select(['id', 'window_end'])
    .select(sql<boolean>`evidence = ${evidence}::jsonb`.as('same_evidence'))
    .where(matchesKey(key))
    .where('status', 'in', TERMINAL_STATUSES)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  // The very detection a person already judged (dismissed, or closed after verification): raising
  // it again would undo their decision each time the same data is evaluated again.
  if (previous?.same_evidence && finding.windowEndMs <= previous.window_end.getTime()) return 'unchanged';
  const inserted = await trx
    .insertInto('ledger_items')
    .values({
      kind: finding.kind,
      rule: finding.rule,
      intake_id: finding.intakeId,
      county_code: finding.countyCode,
      subject: finding.subject,
      summary: finding.summary,
      evidence,
      window_start: new Date(finding.windowStartMs),
      window_end: new Date(finding.windowEndMs),
      first_detected_at: now,
      last_detected_at: now,
      previous_item_id: previous?.id ?? null,
      created_at: now,
      updated_at: now,
    })
    // The conflict target must name the partial unique index's expressions and predicate exactly.
    .onConflict((oc) => oc.expression(sql`(coalesce(intake_id, 0)), rule, subject`).where(OPEN_PREDICATE).doNothing())
    .returning(['id', 'status'])
    .executeTakeFirst();
  if (!inserted) return null;
  await recordEvent(trx, {
    itemId: inserted.id,
    action: 'raised',
    actor,
    at: now,
    fromStatus: null,
    toStatus: inserted.status,
    note: finding.summary,
    data: { ...detection(finding, new Date(finding.windowStartMs), new Date(finding.windowEndMs)), ...(previous ? { recurrenceOf: previous.id } : {}) },
  });
  return 'raised';
}

/** What an event keeps of a detection, so the history survives later updates of the entry. */
function detection(finding: Finding, windowStart: Date, windowEnd: Date) {
  return { evidence: finding.evidence, windowStart: windowStart.toISOString(), windowEnd: windowEnd.toISOString() };
}

// --------------------------------------------------------------------------------------- clears

async function applyClear(trx: DbTransaction, clear: ClearKey, subjectsFound: readonly string[], now: Date, actor: string): Promise<Outcome[]> {
  const rows = await trx
    .selectFrom('ledger_items')
    .selectAll()
    .where(isOpenWithKey(clear))
    .$if(subjectsFound.length > 0, (qb) => qb.where('subject', 'not in', subjectsFound))
    .orderBy('subject')
    .forUpdate()
    .execute();
  const outcomes: Outcome[] = [];
  for (const row of rows) outcomes.push(await clearEntry(trx, row, now, actor));
  return outcomes;
}

async function clearEntry(trx: DbTransaction, row: LedgerItemRow, now: Date, actor: string): Promise<Outcome> {
  if (row.kind === 'notice') {
    // A notice only informs: once its condition is gone there is nothing left for anyone to do.
    await trx
      .updateTable('ledger_items')
      .set({ status: 'resolved', condition_cleared_at: row.condition_cleared_at ?? now, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    await recordEvent(trx, { itemId: row.id, action: 'resolved', actor, at: now, fromStatus: row.status, toStatus: 'resolved', note: null });
    return 'resolved';
  }
  // An item stays open: the rule no longer seeing the problem is evidence for the verifier, not a verdict.
  if (row.condition_cleared_at !== null) return 'unchanged';
  await trx.updateTable('ledger_items').set({ condition_cleared_at: now, updated_at: now }).where('id', '=', row.id).execute();
  await recordEvent(trx, { itemId: row.id, action: 'cleared', actor, at: now, fromStatus: row.status, toStatus: row.status, note: null });
  return 'cleared';
}

/** Deadlock victim or serialization failure: the transaction rolled back and may simply run again. */
function isRetriable(err: unknown): boolean {
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  return code === '40P01' || code === '40001';
}
