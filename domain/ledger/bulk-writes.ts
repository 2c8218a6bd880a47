/**
 * What applyEvaluation writes for a whole chunk at once: new entries, detections on open entries,
 * cleared items and resolved notices. One statement each, whatever the number of rows; the rows
 * travel as parallel arrays through unnest(...). The events go through recordEvents (events.ts).
 */
import { sql } from 'kysely';
import type { DbTransaction } from '../../platform/db/database.ts';
import type { Finding } from './finding.ts';
import { OPEN_PREDICATE } from './item-key.ts';
import type { LedgerStatus } from './schemas.ts';

export interface NewEntry {
  finding: Finding;
  previousItemId: string | null;
}

export interface InsertedEntry {
  id: string;
  status: LedgerStatus;
  intake_id: string | null;
  rule: string;
  subject: string;
}

/**
 * Inserts the entries in the given order. One whose key already has an open entry (another
 * process inserted it since we looked; PostgreSQL waited for that process to end) is not inserted
 * and not returned.
 */
export async function insertEntries(trx: DbTransaction, entries: readonly NewEntry[], now: Date): Promise<InsertedEntry[]> {
  if (entries.length === 0) return [];
  const f = entries.map((e) => e.finding);
  const { rows } = await sql<InsertedEntry>`
    insert into ledger_items (kind, rule, intake_id, county_code, subject, summary, evidence, window_start, window_end,
                              fingerprint, first_detected_at, last_detected_at, previous_item_id, created_at, updated_at)
    select v.kind, v.rule, v.intake_id, v.county_code, v.subject, v.summary, v.evidence::jsonb, v.window_start, v.window_end,
           v.fingerprint, ${now}::timestamptz, ${now}::timestamptz, v.previous_item_id, ${now}::timestamptz, ${now}::timestamptz
    from unnest(${f.map((x) => x.kind)}::text[], ${f.map((x) => x.rule)}::text[], ${f.map((x) => x.intakeId)}::bigint[],
                ${f.map((x) => x.countyCode)}::text[], ${f.map((x) => x.subject)}::text[], ${f.map((x) => x.summary)}::text[],
                ${f.map((x) => JSON.stringify(x.evidence))}::text[], ${f.map((x) => iso(x.windowStartMs))}::timestamptz[],
                ${f.map((x) => iso(x.windowEndMs))}::timestamptz[], ${f.map((x) => x.fingerprint ?? null)}::text[],
                ${entries.map((e) => e.previousItemId)}::bigint[])
      with ordinality as v(kind, rule, intake_id, county_code, subject, summary, evidence, window_start, window_end, fingerprint, previous_item_id, ord)
    order by v.ord
    -- The conflict target must name the partial unique index's expressions and predicate exactly.
    on conflict ((coalesce(intake_id, 0)), rule, subject) where ${OPEN_PREDICATE} do nothing
    returning id, status, intake_id, rule, subject`.execute(trx);
  return rows;
}

export interface Detection {
  id: string;
  finding: Finding;
  windowStart: Date;
  windowEnd: Date;
}

/**
 * A detection on each open entry: latest evidence, summary, county and fingerprint, widened window,
 * one more detection, not cleared. Also for a detection that writes no event (unchanged, refreshed).
 */
export async function updateDetections(trx: DbTransaction, detections: readonly Detection[], now: Date): Promise<void> {
  if (detections.length === 0) return;
  const f = detections.map((d) => d.finding);
  await sql`
    update ledger_items li
    set evidence = v.evidence::jsonb, summary = v.summary, county_code = v.county_code,
        window_start = v.window_start, window_end = v.window_end, fingerprint = v.fingerprint,
        last_detected_at = greatest(li.last_detected_at, ${now}::timestamptz), detections = li.detections + 1,
        condition_cleared_at = null, updated_at = ${now}::timestamptz
    from unnest(${detections.map((d) => d.id)}::bigint[], ${f.map((x) => JSON.stringify(x.evidence))}::text[],
                ${f.map((x) => x.summary)}::text[], ${f.map((x) => x.countyCode)}::text[],
                ${detections.map((d) => d.windowStart.toISOString())}::timestamptz[], ${detections.map((d) => d.windowEnd.toISOString())}::timestamptz[],
                ${f.map((x) => x.fingerprint ?? null)}::text[])
      as v(id, evidence, summary, county_code, window_start, window_end, fingerprint)
    where li.id = v.id`.execute(trx);
}

/** Open items whose condition is gone: marked cleared, left open for the verifier. */
export async function markCleared(trx: DbTransaction, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('ledger_items')
    .set({ condition_cleared_at: now, updated_at: now })
    .where(sql<boolean>`id = any(${ids}::bigint[])`)
    .execute();
}

/** Open notices whose condition is gone: resolved. */
export async function resolveNotices(trx: DbTransaction, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('ledger_items')
    .set({ status: 'resolved', condition_cleared_at: sql<Date>`coalesce(condition_cleared_at, ${now})`, updated_at: now })
    .where(sql<boolean>`id = any(${ids}::bigint[])`)
    .execute();
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
