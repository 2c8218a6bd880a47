/**
 * One finding applied on its own: lock its open entry, update it or raise a new one. applyEvaluation
 * works in sets (apply-chunk.ts) and comes here only for the few findings the set-based path
 * cannot settle: an open entry another process inserted while we were inserting the same one, or
 * one key found twice in one evaluation.
 */
import { sql } from 'kysely';
import type { DbTransaction } from '../../platform/db/database.ts';
import { type NewLedgerEvent, recordEvent } from './events.ts';
import type { EvaluationCounts, Finding } from './finding.ts';
import { isOpenWithKey, type ItemKey, keyLabel, matchesKey, OPEN_PREDICATE } from './item-key.ts';
import type { LedgerItemRow } from './records.ts';
import { TERMINAL_STATUSES } from './schemas.ts';

export type Outcome = keyof EvaluationCounts;

/** Attempts at one finding while a concurrent transaction keeps inserting or closing its entry. */
const FINDING_ATTEMPTS = 3;

type OpenRow = LedgerItemRow & { same_evidence: boolean };

export async function applyFinding(trx: DbTransaction, finding: Finding, now: Date, actor: string): Promise<Outcome> {
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

/**
 * What a finding does to the open entry of its key (docs/ledger.md, "Findings", case 1). The entry
 * is written in every case; `unchanged` writes no event (nothing changed, or the same condition
 * refreshed: see Finding.fingerprint).
 */
export interface DetectionUpdate {
  outcome: 'recurred' | 'updated' | 'unchanged';
  windowStart: Date;
  windowEnd: Date;
}

type DetectedEntry = Pick<
  LedgerItemRow,
  'window_start' | 'window_end' | 'condition_cleared_at' | 'summary' | 'county_code' | 'fingerprint'
>;

export function detectionUpdate(open: DetectedEntry, sameEvidence: boolean, finding: Finding): DetectionUpdate {
  // The window only widens: an entry covers every period in which the problem was seen.
  const windowStart = new Date(Math.min(open.window_start.getTime(), finding.windowStartMs));
  const windowEnd = new Date(Math.max(open.window_end.getTime(), finding.windowEndMs));
  const changed =
    !sameEvidence ||
    open.summary !== finding.summary ||
    open.county_code !== finding.countyCode ||
    windowStart.getTime() !== open.window_start.getTime() ||
    windowEnd.getTime() !== open.window_end.getTime();
  // The same condition found again (its figures moving on): a refresh, not a change.
  const sameCondition = finding.fingerprint !== undefined && finding.fingerprint === open.fingerprint;
  const outcome = open.condition_cleared_at !== null ? 'recurred' : changed && !sameCondition ? 'updated' : 'unchanged';
  return { outcome, windowStart, windowEnd };
}

/**
 * The very detection a person already judged (dismissed, or closed after verification): raising
 * it again would undo their decision each time the same data is evaluated again.
 */
export function alreadyJudged(
  previous: { status: string; fingerprint: string | null; window_end: Date; same_evidence: boolean } | undefined,
  finding: Finding,
): boolean {
  if (previous === undefined) return false;
  // A dismissal covers the whole episode of a continuing condition, however its figures move;
  // a closure does not: the same episode going on after it means the fix did not hold.
  if (previous.status === 'dismissed' && finding.fingerprint !== undefined && previous.fingerprint === finding.fingerprint) return true;
  return previous.same_evidence && finding.windowEndMs <= previous.window_end.getTime();
}

/** What an event keeps of a detection, so the history survives later updates of the entry. */
export function detection(finding: Finding, windowStart: Date, windowEnd: Date) {
  return { evidence: finding.evidence, windowStart: windowStart.toISOString(), windowEnd: windowEnd.toISOString() };
}

/** The event of a detection that changed the open entry (`updated` or `recurred`); its status stays. */
export function detectionEvent(
  open: Pick<LedgerItemRow, 'id' | 'status'>,
  finding: Finding,
  outcome: 'recurred' | 'updated',
  window: Pick<DetectionUpdate, 'windowStart' | 'windowEnd'>,
  actor: string,
  now: Date,
): NewLedgerEvent {
  return {
    itemId: open.id,
    action: outcome,
    actor,
    at: now,
    fromStatus: open.status,
    toStatus: open.status,
    note: finding.summary,
    data: detection(finding, window.windowStart, window.windowEnd),
  };
}

async function updateOpen(
  trx: DbTransaction,
  open: OpenRow,
  finding: Finding,
  evidence: string,
  now: Date,
  actor: string,
): Promise<Outcome> {
  const update = detectionUpdate(open, open.same_evidence, finding);
  const { outcome, windowStart, windowEnd } = update;
  await trx
    .updateTable('ledger_items')
    .set({
      evidence,
      summary: finding.summary,
      county_code: finding.countyCode,
      window_start: windowStart,
      window_end: windowEnd,
      fingerprint: finding.fingerprint ?? null,
      last_detected_at: sql<Date>`greatest(last_detected_at, ${now})`,
      detections: sql<number>`detections + 1`,
      condition_cleared_at: null,
      updated_at: now,
    })
    .where('id', '=', open.id)
    .execute();
  if (outcome === 'unchanged') return outcome;
  await recordEvent(trx, detectionEvent(open, finding, outcome, update, actor, now));
  return outcome;
}

async function raiseNew(
  trx: DbTransaction,
  key: ItemKey,
  finding: Finding,
  evidence: string,
  now: Date,
  actor: string,
): Promise<Outcome | null> {
  const previous = await trx
    .selectFrom('ledger_items')
    .select(['id', 'status', 'fingerprint', 'window_end'])
    .select(sql<boolean>`evidence = ${evidence}::jsonb`.as('same_evidence'))
    .where(matchesKey(key))
    .where('status', 'in', TERMINAL_STATUSES)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (alreadyJudged(previous, finding)) return 'unchanged';
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
      fingerprint: finding.fingerprint ?? null,
      first_detected_at: now,
      last_detected_at: now,
      previous_item_id: previous?.id ?? null,
      created_at: now,
      updated_at: now,
    })
    // The conflict target must name the partial unique index's expressions and predicate exactly.
    .onConflict((oc) =>
      oc
        .expression(sql`(coalesce(intake_id, 0)), rule, subject`)
        .where(OPEN_PREDICATE)
        .doNothing(),
    )
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
    data: {
      ...detection(finding, new Date(finding.windowStartMs), new Date(finding.windowEndMs)),
      ...(previous ? { recurrenceOf: previous.id } : {}),
    },
  });
  return 'raised';
}
