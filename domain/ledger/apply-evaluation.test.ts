import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { applyEvaluation } from './apply-evaluation.ts';
import { transitionItem } from './lifecycle.ts';
import { getItemWithEvents } from './queries.ts';
import { day, eventsOf, finding, HOUR_MS, openEntriesOf, raise, registeredIntake, ZERO_COUNTS } from './testing/fixtures.ts';

const testDb = useTestDatabase();

const intake = (prefix: string) => registeredIntake(testDb.db, prefix);
const openEntries = (intakeId: string) => openEntriesOf(testDb.db, intakeId);

describe('applyEvaluation: one open entry per problem', () => {
  it('raises, updates with new evidence, ignores the same data, marks cleared, then records the recurrence', async () => {
    const db = testDb.db;
    const id = await intake('LA');
    const first = finding(id);
    const now1 = new Date(day('2026-06-02'));
    expect(await applyEvaluation(db, { findings: [first], clear: [], now: now1 })).toEqual({ ...ZERO_COUNTS, raised: 1 });

    // New evidence and a later window: the same item, widened, one more detection.
    const second = finding(id, {
      windowStartMs: day('2026-06-02'),
      windowEndMs: day('2026-06-03'),
      evidence: { silentDays: 4, lastReadingMs: day('2026-05-29') },
    });
    const now2 = new Date(day('2026-06-03'));
    expect(await applyEvaluation(db, { findings: [second], clear: [], now: now2 })).toEqual({ ...ZERO_COUNTS, updated: 1 });
    const [item, ...others] = await openEntries(id);
    expect(others).toEqual([]);
    expect(item).toMatchObject({
      status: 'raised',
      detections: 2,
      evidence: { silentDays: 4, lastReadingMs: day('2026-05-29') },
      window_start: new Date(day('2026-06-01')),
      window_end: new Date(day('2026-06-03')),
      first_detected_at: now1,
      last_detected_at: now2,
    });
    const itemId = item?.id ?? '';

    // The same data again (keys in another order: jsonb compares by value): no new event.
    const sameAgain = { ...second, evidence: { lastReadingMs: day('2026-05-29'), silentDays: 4 } };
    expect(await applyEvaluation(db, { findings: [sameAgain], clear: [], now: now2 })).toEqual({ ...ZERO_COUNTS, unchanged: 1 });
    expect((await eventsOf(db, itemId)).map((e) => e.action)).toEqual(['raised', 'updated']);

    // Clean evaluation: the item stays open, marked cleared, once.
    const now3 = new Date(day('2026-06-04'));
    const clear = [{ intakeId: id, rule: 'meter-silent', subject: 'M-1' }];
    expect(await applyEvaluation(db, { findings: [], clear, now: now3 })).toEqual({ ...ZERO_COUNTS, cleared: 1 });
    expect(await applyEvaluation(db, { findings: [], clear, now: new Date(day('2026-06-05')) })).toEqual({ ...ZERO_COUNTS, unchanged: 1 });
    expect((await openEntries(id))[0]).toMatchObject({ id: itemId, status: 'raised', condition_cleared_at: now3 });

    // The problem is back: the same item again, no longer cleared.
    const back = finding(id, {
      windowStartMs: day('2026-06-06'),
      windowEndMs: day('2026-06-07'),
      evidence: { silentDays: 3, lastReadingMs: day('2026-06-03') },
    });
    expect(await applyEvaluation(db, { findings: [back], clear: [], now: new Date(day('2026-06-07')) })).toEqual({
      ...ZERO_COUNTS,
      recurred: 1,
    });
    const after = await getItemWithEvents(db, itemId);
    expect(after?.item).toMatchObject({ conditionClearedAt: null, detections: 4, windowEnd: new Date(day('2026-06-07')).toISOString() });
    expect(after?.events.map((e) => [e.action, e.actor])).toEqual([
      ['raised', 'monitor'],
      ['updated', 'monitor'],
      ['cleared', 'monitor'],
      ['recurred', 'monitor'],
    ]);
    // Each detection event keeps the evidence it saw, so later updates lose nothing.
    expect(after?.events[0]?.data).toMatchObject({ evidence: first.evidence });
    expect(after?.events[3]?.data).toMatchObject({ evidence: back.evidence });
  });

  it('writes an update event when only the window widens', async () => {
    const id = await intake('LB');
    await raise(testDb.db, finding(id));
    const counts = await applyEvaluation(testDb.db, {
      findings: [finding(id, { windowEndMs: day('2026-06-02') + HOUR_MS })],
      clear: [],
      now: new Date(day('2026-06-02')),
    });
    expect(counts).toEqual({ ...ZERO_COUNTS, updated: 1 });
  });

  it('resolves a notice when its condition clears, and a later finding raises a new notice linked to it', async () => {
    const db = testDb.db;
    const id = await intake('LC');
    const notice = finding(id, { rule: 'meter-offline', kind: 'notice' });
    const noticeId = await raise(db, notice);
    const counts = await applyEvaluation(db, {
      findings: [],
      clear: [{ intakeId: id, rule: 'meter-offline' }],
      now: new Date(day('2026-06-03')),
    });
    expect(counts).toEqual({ ...ZERO_COUNTS, resolved: 1 });
    expect(await eventsOf(db, noticeId)).toMatchObject([
      { action: 'raised' },
      { action: 'resolved', from_status: 'raised', to_status: 'resolved' },
    ]);

    const again = finding(id, { rule: 'meter-offline', kind: 'notice', windowStartMs: day('2026-06-05'), windowEndMs: day('2026-06-06') });
    const againId = await raise(db, again);
    expect(againId).not.toBe(noticeId);
    const stored = await getItemWithEvents(db, againId);
    expect(stored?.item).toMatchObject({ previousItemId: noticeId, status: 'raised', kind: 'notice' });
    expect(stored?.events[0]?.data).toMatchObject({ recurrenceOf: noticeId });
  });

  it('keeps two subjects of one intake and rule apart; a clear without subject clears both unless one is found', async () => {
    const db = testDb.db;
    const id = await intake('LD');
    const a = finding(id, { subject: 'M-A' });
    const b = finding(id, { subject: 'M-B' });
    expect(await applyEvaluation(db, { findings: [a, b], clear: [], now: new Date(day('2026-06-02')) })).toEqual({
      ...ZERO_COUNTS,
      raised: 2,
    });
    // M-A is still found in this evaluation, so the whole-rule clear leaves it alone.
    const counts = await applyEvaluation(db, {
      findings: [a],
      clear: [{ intakeId: id, rule: 'meter-silent' }],
      now: new Date(day('2026-06-03')),
    });
    expect(counts).toEqual({ ...ZERO_COUNTS, cleared: 1, unchanged: 1 });
    const open = await openEntries(id);
    expect(open.map((e) => [e.subject, e.condition_cleared_at !== null]).sort()).toEqual([
      ['M-A', false],
      ['M-B', true],
    ]);
  });

  it('links a finding after a closed item to a new item through previous_item_id', async () => {
    const db = testDb.db;
    const id = await intake('LE');
    const itemId = await closedItem(id);
    const recurrence = finding(id, { windowStartMs: day('2026-07-01'), windowEndMs: day('2026-07-02'), evidence: { silentDays: 5 } });
    expect(await applyEvaluation(db, { findings: [recurrence], clear: [], now: new Date(day('2026-07-02')) })).toEqual({
      ...ZERO_COUNTS,
      raised: 1,
    });
    const [open, ...others] = await openEntries(id);
    expect(others).toEqual([]);
    expect(open).toMatchObject({ status: 'raised', previous_item_id: itemId, detections: 1 });
    expect(await eventsOf(db, open?.id ?? '')).toMatchObject([{ action: 'raised', data: { recurrenceOf: itemId } }]);
    // The closed item and its history are untouched.
    expect((await getItemWithEvents(db, itemId))?.item.status).toBe('closed');
  });

  it('does not raise again the very detection a person dismissed, but does raise a later one', async () => {
    const db = testDb.db;
    const id = await intake('LF');
    const f = finding(id);
    const itemId = await raise(db, f);
    await transitionItem(db, itemId, 'dismiss', 'county:220102:wang', { reason: 'meter removed for repair, reported in advance' });
    expect(await applyEvaluation(db, { findings: [f], clear: [], now: new Date(day('2026-06-02')) })).toEqual({
      ...ZERO_COUNTS,
      unchanged: 1,
    });
    expect(await openEntries(id)).toEqual([]);
    const later = finding(id, { windowEndMs: day('2026-06-03') });
    expect(await applyEvaluation(db, { findings: [later], clear: [], now: new Date(day('2026-06-03')) })).toEqual({
      ...ZERO_COUNTS,
      raised: 1,
    });
    expect((await openEntries(id))[0]?.previous_item_id).toBe(itemId);
  });

  it('keys findings about an unregistered meter (no intake) by rule and subject', async () => {
    const db = testDb.db;
    const unknown = finding(null, { rule: 'unregistered-meter', subject: '220102000777', countyCode: '220102' });
    expect(await applyEvaluation(db, { findings: [unknown], clear: [], now: new Date(day('2026-06-02')) })).toEqual({
      ...ZERO_COUNTS,
      raised: 1,
    });
    expect(await applyEvaluation(db, { findings: [unknown], clear: [], now: new Date(day('2026-06-02')) })).toEqual({
      ...ZERO_COUNTS,
      unchanged: 1,
    });
    const rows = await db.selectFrom('ledger_items').select(['intake_id', 'detections']).where('rule', '=', 'unregistered-meter').execute();
    expect(rows).toEqual([{ intake_id: null, detections: 2 }]);
    const counts = await applyEvaluation(db, {
      findings: [],
      clear: [{ intakeId: null, rule: 'unregistered-meter', subject: '220102000777' }],
      now: new Date(day('2026-06-03')),
    });
    expect(counts).toEqual({ ...ZERO_COUNTS, cleared: 1 });
  });

  it('applies nothing when one finding of the evaluation is refused by the database', async () => {
    const db = testDb.db;
    const id = await intake('LG');
    const good = finding(id, { subject: 'M-OK' });
    const bad = finding(id, { subject: 'M-BAD', windowStartMs: day('2026-06-02'), windowEndMs: day('2026-06-01') });
    await expect(applyEvaluation(db, { findings: [good, bad], clear: [], now: new Date(day('2026-06-02')) })).rejects.toThrow(
      /check constraint/,
    );
    expect(await openEntries(id)).toEqual([]);
  });

  /** Walks a raised item to closed. */
  async function closedItem(intakeId: string): Promise<string> {
    const db = testDb.db;
    const itemId = await raise(db, finding(intakeId));
    await transitionItem(db, itemId, 'confirm', 'u', {});
    await transitionItem(db, itemId, 'startRectifying', 'u', {
      measures: 'repair the meter',
      responsibleUnit: 'unit',
      responsiblePerson: 'Li',
      deadline: '2026-06-30',
    });
    await transitionItem(db, itemId, 'markRectified', 'u', { evidence: 'photo of the repaired meter' });
    await transitionItem(db, itemId, 'close', 'u', { note: 'verified on site' });
    return itemId;
  }
});
