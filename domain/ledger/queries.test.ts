import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { transitionItem } from './lifecycle.ts';
import { getItemWithEvents, listItems } from './queries.ts';
import { finding, raise } from './testing/fixtures.ts';

const testDb = useTestDatabase();
const plan = (deadline: string) => ({ measures: 'repair', responsibleUnit: 'unit', responsiblePerson: 'Li', deadline });

describe('listItems and getItemWithEvents', () => {
  it('lists overdue items: deadline before today in Asia/Shanghai while confirmed or rectifying', async () => {
    const db = testDb.db;
    const [a, b, c] = await registerMeters(db, { count: 3, prefix: 'QO', countyCode: '220104' });
    const due = await raise(db, finding(a?.intakeId ?? null, { countyCode: '220104' }));
    const dueToday = await raise(db, finding(b?.intakeId ?? null, { countyCode: '220104' }));
    const doneLate = await raise(db, finding(c?.intakeId ?? null, { countyCode: '220104' }));
    for (const [id, deadline] of [
      [due, '2026-06-10'],
      [dueToday, '2026-06-11'],
      [doneLate, '2026-06-10'],
    ] as const) {
      await transitionItem(db, id, 'confirm', 'u', {});
      await transitionItem(db, id, 'startRectifying', 'u', plan(deadline));
    }
    // Rectified (waiting for verification) is no longer the unit's debt.
    await transitionItem(db, doneLate, 'markRectified', 'u', { evidence: 'done' });

    // 2026-06-10T16:30Z is 00:30 on 11 June in Shanghai: the 10 June deadline has passed, 11 June has not.
    const now = new Date('2026-06-10T16:30:00Z');
    const overdue = await listItems(db, { countyPrefix: '220104', overdue: true, limit: 10, offset: 0 }, now);
    expect(overdue.items.map((i) => i.id)).toEqual([due]);
    expect(overdue.items[0]?.overdue).toBe(true);
    expect(overdue.total).toBe(1);
    const notOverdue = await listItems(db, { countyPrefix: '220104', overdue: false, limit: 10, offset: 0 }, now);
    expect(notOverdue.items.map((i) => i.id).sort()).toEqual([dueToday, doneLate].sort());
    // Still 10 June in Shanghai (23:30 local): nothing overdue yet.
    const before = await listItems(db, { countyPrefix: '220104', overdue: true, limit: 10, offset: 0 }, new Date('2026-06-10T15:30:00Z'));
    expect(before.total).toBe(0);
  });

  it('filters by county prefix, status, kind, rule and intake, newest first, paged with the total', async () => {
    const db = testDb.db;
    const [x] = await registerMeters(db, { count: 1, prefix: 'QF', countyCode: '220203' });
    const intakeId = x?.intakeId ?? null;
    const item = await raise(db, finding(intakeId, { countyCode: '220203' }));
    const notice = await raise(db, finding(intakeId, { countyCode: '220203', rule: 'meter-offline', kind: 'notice' }));
    const drift = await raise(db, finding(intakeId, { countyCode: '220203', rule: 'clock-drift' }));
    await transitionItem(db, drift, 'confirm', 'u', {});

    const city = await listItems(db, { countyPrefix: '2202', limit: 2, offset: 0 });
    expect(city.total).toBe(3);
    expect(city.items.map((i) => i.id)).toEqual([drift, notice]);
    expect((await listItems(db, { countyPrefix: '2202', limit: 2, offset: 2 })).items.map((i) => i.id)).toEqual([item]);
    expect((await listItems(db, { countyPrefix: '2201', limit: 50, offset: 0 })).items.map((i) => i.countyCode)).not.toContain('220203');
    expect((await listItems(db, { countyPrefix: '2202', kind: 'notice', limit: 50, offset: 0 })).items.map((i) => i.id)).toEqual([notice]);
    expect((await listItems(db, { countyPrefix: '2202', status: 'confirmed', limit: 50, offset: 0 })).items.map((i) => i.id)).toEqual([
      drift,
    ]);
    expect((await listItems(db, { rule: 'clock-drift', intakeId: intakeId ?? '', limit: 50, offset: 0 })).items.map((i) => i.id)).toEqual([
      drift,
    ]);
    await expect(listItems(db, { countyPrefix: '22%', limit: 10, offset: 0 })).rejects.toThrow(/division code/);
  });

  it('returns one entry with its events in order, and undefined for an unknown id', async () => {
    const db = testDb.db;
    const [x] = await registerMeters(db, { count: 1, prefix: 'QG' });
    const id = await raise(db, finding(x?.intakeId ?? null));
    await transitionItem(db, id, 'confirm', 'u', { note: 'seen' });
    const found = await getItemWithEvents(db, id);
    expect(found?.item).toMatchObject({
      id,
      status: 'confirmed',
      intakeId: x?.intakeId,
      rule: 'meter-silent',
      subject: 'M-1',
      detections: 1,
    });
    expect(found?.events.map((e) => e.action)).toEqual(['raised', 'confirmed']);
    expect(await getItemWithEvents(db, '999999999')).toBeUndefined();
    expect(await getItemWithEvents(db, 'x')).toBeUndefined();
  });
});
