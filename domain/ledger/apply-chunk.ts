/**
 * One chunk of an evaluation, set-based (docs/ledger.md, "Findings" and "Concurrency"): lock the
 * open entries of all its keys in one statement, decide in memory what each finding and clear
 * does, then write with a handful of statements. Findings the sets cannot settle (an entry another
 * process inserted meanwhile, a key found twice) go through applyFinding, one at a time.
 */
import type { DbTransaction } from '../../platform/db/database.ts';
import { latestEnded, lockOpenEntries, type EndedEntry, type LockedRow } from './bulk-reads.ts';
import { type Detection, insertEntries, markCleared, type NewEntry, resolveNotices, updateDetections } from './bulk-writes.ts';
import { type Operation, problemId } from './evaluation-plan.ts';
import { type NewLedgerEvent, recordEvents } from './events.ts';
import type { EvaluationCounts, Finding } from './finding.ts';
import { alreadyJudged, applyFinding, detection, detectionEvent, detectionUpdate } from './single-finding.ts';

/** A finding without an open entry: raised unless already judged, or settled one by one if another process raised it first. */
interface Candidate {
  ord: number;
  finding: Finding;
  previous?: EndedEntry;
  raised?: { id: string; status: NewLedgerEvent['toStatus'] };
}

/** The chunk's writes, gathered in operation order. */
interface Work {
  counts: EvaluationCounts;
  detections: Detection[];
  cleared: string[];
  resolved: string[];
  candidates: Candidate[];
  oneByOne: { ord: number; finding: Finding }[];
  /** Events in operation order; a candidate's place holds the candidate until it is inserted. */
  events: (NewLedgerEvent | Candidate)[];
}

export async function applyChunk(trx: DbTransaction, ops: readonly Operation[], now: Date, actor: string): Promise<EvaluationCounts> {
  const work: Work = {
    counts: { raised: 0, updated: 0, recurred: 0, cleared: 0, resolved: 0, unchanged: 0 },
    detections: [],
    cleared: [],
    resolved: [],
    candidates: [],
    oneByOne: [],
    events: [],
  };
  const locked = await lockOpenEntries(trx, ops);
  const foundTwice = keysFoundTwice(ops);
  const clearedHere = new Map<string, 'cleared' | 'resolved'>();
  ops.forEach((op, ord) => {
    const rows = locked.get(ord) ?? [];
    if (!('finding' in op)) {
      for (const row of rows) clearEntry(work, row, clearedHere, now, actor);
    } else if (foundTwice.has(problemOf(op.finding))) {
      work.oneByOne.push({ ord, finding: op.finding });
    } else if (rows[0]) {
      detect(work, rows[0], op.finding, now, actor);
    } else {
      const candidate = { ord, finding: op.finding };
      work.candidates.push(candidate);
      work.events.push(candidate);
    }
  });
  await raiseCandidates(trx, work, now);
  await updateDetections(trx, work.detections, now);
  await markCleared(trx, work.cleared, now);
  await resolveNotices(trx, work.resolved, now);
  await recordEvents(
    trx,
    work.events.flatMap((e) => ('finding' in e ? raisedEvent(e, now, actor) : [e])),
  );
  // Not raised and not judged: another process raised the entry meanwhile; update it one by one.
  for (const c of work.candidates) if (!c.raised && !alreadyJudged(c.previous, c.finding)) work.oneByOne.push(c);
  for (const { finding } of work.oneByOne.sort((a, b) => a.ord - b.ord)) work.counts[await applyFinding(trx, finding, now, actor)]++;
  return work.counts;
}

function detect(work: Work, open: LockedRow, finding: Finding, now: Date, actor: string): void {
  const update = detectionUpdate(open, open.same_evidence === true, finding);
  const { outcome, windowStart, windowEnd } = update;
  work.counts[outcome]++;
  work.detections.push({ id: open.id, finding, windowStart, windowEnd });
  // Nothing changed, or the same condition (fingerprint) refreshed: the row is written, no event.
  if (outcome === 'unchanged') return;
  work.events.push(detectionEvent(open, finding, outcome, update, actor, now));
}

/**
 * `clearedHere`: entries an earlier clear of this chunk already cleared or resolved (clears may
 * overlap: a whole rule and one of its subjects); a resolved notice is no longer open.
 */
function clearEntry(work: Work, row: LockedRow, clearedHere: Map<string, 'cleared' | 'resolved'>, now: Date, actor: string): void {
  const before = clearedHere.get(row.id);
  if (before === 'resolved') return;
  const event = { itemId: row.id, actor, at: now, fromStatus: row.status, note: null };
  if (row.kind === 'notice') {
    // A notice only informs: once its condition is gone there is nothing left for anyone to do.
    clearedHere.set(row.id, 'resolved');
    work.resolved.push(row.id);
    work.counts.resolved++;
    work.events.push({ ...event, action: 'resolved', toStatus: 'resolved' });
    return;
  }
  // An item stays open: the rule no longer seeing the problem is evidence for the verifier, not a verdict.
  if (row.condition_cleared_at !== null || before === 'cleared') {
    work.counts.unchanged++;
    return;
  }
  clearedHere.set(row.id, 'cleared');
  work.cleared.push(row.id);
  work.counts.cleared++;
  work.events.push({ ...event, action: 'cleared', toStatus: row.status });
}

/** Looks up the candidates' ended entries, then inserts those not already judged. */
async function raiseCandidates(trx: DbTransaction, work: Work, now: Date): Promise<void> {
  const previous = await latestEnded(
    trx,
    work.candidates.map((c) => c.finding),
  );
  const toInsert: Candidate[] = [];
  work.candidates.forEach((c, i) => {
    c.previous = previous.get(i);
    if (alreadyJudged(c.previous, c.finding)) work.counts.unchanged++;
    else toInsert.push(c);
  });
  const entries: NewEntry[] = toInsert.map((c) => ({ finding: c.finding, previousItemId: c.previous?.id ?? null }));
  const inserted = new Map((await insertEntries(trx, entries, now)).map((row) => [problemId(row.intake_id, row.rule, row.subject), row]));
  for (const c of toInsert) {
    const row = inserted.get(problemOf(c.finding));
    if (!row) continue;
    c.raised = { id: row.id, status: row.status };
    work.counts.raised++;
  }
}

function raisedEvent(c: Candidate, now: Date, actor: string): NewLedgerEvent[] {
  if (!c.raised) return [];
  const f = c.finding;
  const data = {
    ...detection(f, new Date(f.windowStartMs), new Date(f.windowEndMs)),
    ...(c.previous ? { recurrenceOf: c.previous.id } : {}),
  };
  return [{ itemId: c.raised.id, action: 'raised', actor, at: now, fromStatus: null, toStatus: c.raised.status, note: f.summary, data }];
}

function problemOf(f: Finding): string {
  return problemId(f.intakeId, f.rule, f.subject);
}

function keysFoundTwice(ops: readonly Operation[]): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const op of ops) {
    if (!('finding' in op)) continue;
    const key = problemOf(op.finding);
    if (seen.has(key)) twice.add(key);
    seen.add(key);
  }
  return twice;
}
