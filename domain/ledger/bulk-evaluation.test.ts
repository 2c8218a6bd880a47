import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { applyEvaluation } from './apply-evaluation.ts';
import type { ClearKey, Finding } from './finding.ts';
import { day, finding, ZERO_COUNTS } from './testing/fixtures.ts';

const testDb = useTestDatabase();

/** `perIntake` subjects on each intake: S-0, S-1, ... */
function subjects(intakeIds: readonly string[], perIntake: number): { intakeId: string; subject: string }[] {
  return intakeIds.flatMap((intakeId) => Array.from({ length: perIntake }, (_, i) => ({ intakeId, subject: `S-${i}` })));
}

/** Events of every entry, or of the entries on `intakeId`. */
async function eventCount(intakeId?: string): Promise<number> {
  const row = await testDb.db
    .selectFrom('ledger_events')
    .innerJoin('ledger_items', 'ledger_items.id', 'ledger_events.item_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .$if(intakeId !== undefined, (qb) => qb.where('ledger_items.intake_id', '=', intakeId ?? ''))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function itemsByStatus(): Promise<Record<string, number>> {
  const rows = await testDb.db
    .selectFrom('ledger_items')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

describe('applyEvaluation in bulk', () => {
  it('applies 5,000 findings and 5,000 clears across chunks, and the same evaluation again changes nothing', async () => {
    const db = testDb.db;
    const intakeIds = (await registerMeters(db, { count: 50, prefix: 'BK' })).map((m) => m.intakeId);
    const keys = subjects(intakeIds, 100);
    // Before: 2,500 open items and 2,500 open notices that the evaluation finds clean, and 1,000
    // open items that it finds again with new evidence.
    const silent = keys.slice(0, 2500).map((k) => finding(k.intakeId, { subject: k.subject }));
    const offline = keys.slice(2500).map((k) => finding(k.intakeId, { subject: k.subject, rule: 'meter-offline', kind: 'notice' }));
    const drifting = keys.slice(0, 1000).map((k) => finding(k.intakeId, { subject: k.subject, rule: 'clock-drift' }));
    const before = await applyEvaluation(db, {
      findings: [...silent, ...offline, ...drifting],
      clear: [],
      now: new Date(day('2026-06-02')),
    });
    expect(before).toEqual({ ...ZERO_COUNTS, raised: 6000 });

    const findings: Finding[] = [
      ...drifting.map((f) => ({ ...f, evidence: { driftS: 120 } })),
      ...keys.slice(1000).map((k) => finding(k.intakeId, { subject: k.subject, rule: 'clock-drift' })),
    ];
    const clear: ClearKey[] = [...silent, ...offline].map((f) => ({ intakeId: f.intakeId, rule: f.rule, subject: f.subject }));
    expect(findings).toHaveLength(5000);
    expect(clear).toHaveLength(5000);
    const evaluation = { findings, clear, now: new Date(day('2026-06-03')) };

    expect(await applyEvaluation(db, evaluation)).toEqual({ ...ZERO_COUNTS, raised: 4000, updated: 1000, cleared: 2500, resolved: 2500 });
    const events = await eventCount();
    expect(events).toBe(6000 + 4000 + 1000 + 2500 + 2500);
    expect(await itemsByStatus()).toEqual({ raised: 7500, resolved: 2500 });

    // The same evaluation again: every finding matches its entry, every item is already cleared and
    // every notice already resolved (no longer open, so not counted).
    expect(await applyEvaluation(db, evaluation)).toEqual({ ...ZERO_COUNTS, unchanged: 7500 });
    expect(await eventCount()).toBe(events);
    expect(await itemsByStatus()).toEqual({ raised: 7500, resolved: 2500 });
    const detections = await db
      .selectFrom('ledger_items')
      .select(['detections', (eb) => eb.fn.countAll<string>().as('n')])
      .where('rule', '=', 'clock-drift')
      .groupBy('detections')
      .orderBy('detections')
      .execute();
    expect(detections.map((d) => [d.detections, Number(d.n)])).toEqual([
      [2, 4000],
      [3, 1000],
    ]);
  });

  it('settles a key found twice, and overlapping clears, as if applied one after the other', async () => {
    const db = testDb.db;
    const [intakeId = ''] = (await registerMeters(db, { count: 1, prefix: 'BD' })).map((m) => m.intakeId);
    const now = new Date(day('2026-06-02'));
    const twice = finding(intakeId, { subject: 'M-T' });
    const item = finding(intakeId, { subject: 'M-I', rule: 'clock-drift' });
    const notice = finding(intakeId, { subject: 'M-N', rule: 'meter-offline', kind: 'notice' });
    expect(await applyEvaluation(db, { findings: [twice, item, notice, twice], clear: [], now })).toEqual({
      ...ZERO_COUNTS,
      raised: 3,
      unchanged: 1,
    });
    const clear: ClearKey[] = [
      { intakeId, rule: 'clock-drift' },
      { intakeId, rule: 'clock-drift', subject: 'M-I' },
      { intakeId, rule: 'meter-offline', subject: 'M-N' },
      { intakeId, rule: 'meter-offline' },
    ];
    expect(await applyEvaluation(db, { findings: [], clear, now: new Date(day('2026-06-03')) })).toEqual({
      ...ZERO_COUNTS,
      cleared: 1,
      unchanged: 1,
      resolved: 1,
    });
    const rows = await db
      .selectFrom('ledger_items')
      .select(['subject', 'status', 'detections'])
      .where('intake_id', '=', intakeId)
      .orderBy('subject')
      .execute();
    expect(rows).toEqual([
      { subject: 'M-I', status: 'raised', detections: 1 },
      { subject: 'M-N', status: 'resolved', detections: 1 },
      { subject: 'M-T', status: 'raised', detections: 2 },
    ]);
    expect(await eventCount(intakeId)).toBe(3 + 2);
  });
});
