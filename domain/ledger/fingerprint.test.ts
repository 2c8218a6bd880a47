import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { evaluateIntake } from '../rules/index.ts';
import { intake as ruleIntake, meter as ruleMeter, permit as rulePermit } from '../rules/testing/fixtures.ts';
import { applyEvaluation } from './apply-evaluation.ts';
import { transitionItem } from './lifecycle.ts';
import type { Finding } from './finding.ts';
import { day, eventsOf, finding, HOUR_MS, openEntriesOf, raise, registeredIntake, ZERO_COUNTS } from './testing/fixtures.ts';

const testDb = useTestDatabase();
const MINUTE_MS = 60_000;

const intake = (prefix: string) => registeredIntake(testDb.db, prefix);

/** An entry of `intakeId` not yet ended. */
async function openItem(intakeId: string) {
  const [item] = await openEntriesOf(testDb.db, intakeId);
  if (!item) throw new Error(`no open entry on intake ${intakeId}`);
  return item;
}

/** The `n`th 15-minute sweep, three days into a silence that began at `since`. */
const sweepAfter = (since: number, n: number) => since + 3 * 24 * HOUR_MS + n * 15 * MINUTE_MS;

/** meter-silent's finding for a meter silent since `sinceMs`, evaluated at `nowMs`: figures move with now, the fingerprint does not. */
function silence(intakeId: string, sinceMs: number, nowMs: number): Finding {
  const silentMs = nowMs - sinceMs;
  return finding(intakeId, {
    windowStartMs: sinceMs,
    windowEndMs: nowMs,
    summary: `Meter M-1 has been silent for ${silentMs / MINUTE_MS} min`,
    evidence: { meterId: 'M-1', lastReadingMs: sinceMs, now: nowMs, silentMs },
    fingerprint: `M-1@${sinceMs}`,
  });
}

describe('applyEvaluation: a fingerprinted condition found again', () => {
  const since = day('2026-06-01');
  const sweep = (n: number) => sweepAfter(since, n);

  it('refreshes the open item quietly while the silence continues: one raised event, the row follows the latest evaluation', async () => {
    const db = testDb.db;
    const id = await intake('FA');
    const counts = [];
    for (const n of [0, 1, 2]) {
      counts.push(await applyEvaluation(db, { findings: [silence(id, since, sweep(n))], clear: [], now: new Date(sweep(n)) }));
    }
    expect(counts).toEqual([
      { ...ZERO_COUNTS, raised: 1 },
      { ...ZERO_COUNTS, unchanged: 1 },
      { ...ZERO_COUNTS, unchanged: 1 },
    ]);
    const item = await openItem(id);
    const latest = silence(id, since, sweep(2));
    expect(item).toMatchObject({
      fingerprint: `M-1@${since}`,
      evidence: latest.evidence,
      summary: latest.summary,
      window_start: new Date(since),
      window_end: new Date(sweep(2)),
      first_detected_at: new Date(sweep(0)),
      last_detected_at: new Date(sweep(2)),
      detections: 3,
      condition_cleared_at: null,
    });
    expect((await eventsOf(db, item.id)).map((e) => e.action)).toEqual(['raised']);
  });

  it('writes an updated event for a new episode (another fingerprint), then refreshes that one quietly', async () => {
    const db = testDb.db;
    const id = await intake('FB');
    await applyEvaluation(db, { findings: [silence(id, since, sweep(0))], clear: [], now: new Date(sweep(0)) });
    // The meter reported an hour later and went silent again: silent since that reading.
    const since2 = since + HOUR_MS;
    const later = sweep(8);
    expect(await applyEvaluation(db, { findings: [silence(id, since2, later)], clear: [], now: new Date(later) })).toEqual({
      ...ZERO_COUNTS,
      updated: 1,
    });
    expect(await applyEvaluation(db, { findings: [silence(id, since2, sweep(9))], clear: [], now: new Date(sweep(9)) })).toEqual({
      ...ZERO_COUNTS,
      unchanged: 1,
    });
    const item = await openItem(id);
    expect(item).toMatchObject({
      fingerprint: `M-1@${since2}`,
      window_start: new Date(since),
      window_end: new Date(sweep(9)),
      detections: 3,
    });
    const events = await eventsOf(db, item.id);
    expect(events.map((e) => e.action)).toEqual(['raised', 'updated']);
    expect(events[1]?.data).toMatchObject({ evidence: silence(id, since2, later).evidence, windowEnd: new Date(later).toISOString() });
  });

  it('still records the recurrence of a cleared item, even with the same fingerprint', async () => {
    const db = testDb.db;
    const id = await intake('FC');
    await applyEvaluation(db, { findings: [silence(id, since, sweep(0))], clear: [], now: new Date(sweep(0)) });
    const clear = [{ intakeId: id, rule: 'meter-silent', subject: 'M-1' }];
    expect(await applyEvaluation(db, { findings: [], clear, now: new Date(sweep(1)) })).toEqual({ ...ZERO_COUNTS, cleared: 1 });
    expect(await applyEvaluation(db, { findings: [silence(id, since, sweep(2))], clear: [], now: new Date(sweep(2)) })).toEqual({
      ...ZERO_COUNTS,
      recurred: 1,
    });
    const item = await openItem(id);
    expect((await eventsOf(db, item.id)).map((e) => e.action)).toEqual(['raised', 'cleared', 'recurred']);
  });

  it('treats an item stored without a fingerprint, and a finding without one, as before', async () => {
    const db = testDb.db;
    const id = await intake('FD');
    const itemId = await raise(db, finding(id));
    // The stored item has no fingerprint: a fingerprinted finding with moved figures is a change, once.
    expect(await applyEvaluation(db, { findings: [silence(id, since, sweep(0))], clear: [], now: new Date(sweep(0)) })).toEqual({
      ...ZERO_COUNTS,
      updated: 1,
    });
    expect(await applyEvaluation(db, { findings: [silence(id, since, sweep(1))], clear: [], now: new Date(sweep(1)) })).toEqual({
      ...ZERO_COUNTS,
      unchanged: 1,
    });
    // A finding without a fingerprint: every change is an update again, and the stored fingerprint goes.
    const plain = { ...silence(id, since, sweep(2)), fingerprint: undefined };
    expect(await applyEvaluation(db, { findings: [plain], clear: [], now: new Date(sweep(2)) })).toEqual({ ...ZERO_COUNTS, updated: 1 });
    expect(await openItem(id)).toMatchObject({ id: itemId, fingerprint: null, detections: 4 });
    expect((await eventsOf(db, itemId)).map((e) => e.action)).toEqual(['raised', 'updated', 'updated']);
  });

  it('refreshes quietly on the one-at-a-time path too (a key found twice in one evaluation)', async () => {
    const db = testDb.db;
    const id = await intake('FE');
    const twice = [silence(id, since, sweep(0)), silence(id, since, sweep(1))];
    expect(await applyEvaluation(db, { findings: twice, clear: [], now: new Date(sweep(1)) })).toEqual({
      ...ZERO_COUNTS,
      raised: 1,
      unchanged: 1,
    });
    const again = [silence(id, since, sweep(2)), silence(id, since + HOUR_MS, sweep(3))];
    expect(await applyEvaluation(db, { findings: again, clear: [], now: new Date(sweep(3)) })).toEqual({
      ...ZERO_COUNTS,
      unchanged: 1,
      updated: 1,
    });
    const item = await openItem(id);
    expect(item).toMatchObject({
      fingerprint: `M-1@${since + HOUR_MS}`,
      evidence: silence(id, since + HOUR_MS, sweep(3)).evidence,
      window_end: new Date(sweep(3)),
      detections: 4,
    });
    expect((await eventsOf(db, item.id)).map((e) => e.action)).toEqual(['raised', 'updated']);
  });

  it('writes one event for a meter the meter-silent rule finds silent at every 15-minute sweep', async () => {
    const db = testDb.db;
    const [m] = await registerMeters(db, { count: 1, prefix: 'FF' });
    if (!m) throw new Error('no intake registered');
    const lastReadingMs = day('2026-06-01') + 8 * HOUR_MS;
    const input = {
      intake: ruleIntake({ id: m.intakeId, countyCode: m.countyCode }),
      permits: [rulePermit()],
      meters: [ruleMeter({ meterId: m.meterId, lastReadingMs })],
      accounts: [],
      periods: [],
      readings: null,
    };
    const counts = [];
    for (const n of [0, 1, 2]) {
      const now = lastReadingMs + 3 * 24 * HOUR_MS + n * 15 * MINUTE_MS;
      const evaluation = evaluateIntake(input, now);
      expect(evaluation.findings.map((f) => [f.rule, f.fingerprint])).toEqual([['meter-silent', `${m.meterId}@${lastReadingMs}`]]);
      const clear = evaluation.clearSubjects.map((c) => ({ intakeId: m.intakeId, rule: c.rule, subject: c.subject }));
      counts.push(await applyEvaluation(db, { findings: evaluation.findings, clear, now: new Date(now) }));
    }
    expect(counts.map((c) => [c.raised, c.updated])).toEqual([
      [1, 0],
      [0, 0],
      [0, 0],
    ]);
    const item = await openItem(m.intakeId);
    expect(item).toMatchObject({
      rule: 'meter-silent',
      subject: m.meterId,
      detections: 3,
      window_end: new Date(lastReadingMs + 3 * 24 * HOUR_MS + 30 * MINUTE_MS),
    });
    expect(item.evidence).toMatchObject({ lastReadingMs, silentMs: 3 * 24 * HOUR_MS + 30 * MINUTE_MS });
    expect((await eventsOf(db, item.id)).map((e) => e.action)).toEqual(['raised']);
  });
});

describe('applyEvaluation: a dismissed continuing condition', () => {
  const since = day('2026-07-01');
  const sweep = (n: number) => sweepAfter(since, n);

  it('stays dismissed while the same episode goes on, and a new episode raises anew', async () => {
    const db = testDb.db;
    const id = await intake('FDISMISSED');
    await applyEvaluation(db, { findings: [silence(id, since, sweep(0))], clear: [], now: new Date(sweep(0)) });
    const first = await openItem(id);
    await transitionItem(db, first.id, 'dismiss', 'staff:wang', { reason: 'pump station closed for the season' });

    const again = await applyEvaluation(db, { findings: [silence(id, since, sweep(1))], clear: [], now: new Date(sweep(1)) });
    expect(again).toEqual({ ...ZERO_COUNTS, unchanged: 1 });

    const later = since + 5 * 24 * HOUR_MS;
    const episode = await applyEvaluation(db, { findings: [silence(id, later, sweep(200))], clear: [], now: new Date(sweep(200)) });
    expect(episode).toEqual({ ...ZERO_COUNTS, raised: 1 });
    expect(await openItem(id)).toMatchObject({ previous_item_id: first.id, fingerprint: `M-1@${later}` });
  });
});
