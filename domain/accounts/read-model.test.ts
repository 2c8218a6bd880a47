/** The accounts read model: an intake's year against its permit, and division totals, scoped. */
import { describe, expect, it } from 'vitest';
import { withActor } from '../../platform/db/database.ts';
import { addDays, localDayStart } from '../../platform/local-time.ts';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { makeConfidential, principal } from '../ledger/testing/fixtures.ts';
import { getDivisionAccounts, getIntakeAccounts } from './read-model.ts';

const testDb = useTestDatabase();

async function account(intakeId: string, from: string, days: number, volume: (k: number) => number | null): Promise<void> {
  const rows = Array.from({ length: days }, (_, k) => {
    const v = volume(k);
    return {
      intake_id: intakeId,
      day: addDays(from, k),
      volume_m3: v,
      status: v === null ? ('missing' as const) : v === 0 ? ('zero' as const) : ('measured' as const),
      expected_reports: 96,
      received_reports: v === null ? 0 : 96,
      completeness: v === null ? 0 : 1,
      coverage: v === null ? 0 : 1,
      anomalies: '[]',
      evidence: '[]',
    };
  });
  await testDb.db.insertInto('daily_accounts').values(rows).execute();
}

describe('accounts read model', () => {
  it('gives an intake its days, months and year against the permit, with share, projection and evidence', async () => {
    const db = testDb.db;
    const [m] = await registerMeters(db, { count: 1, prefix: 'AR', countyCode: '220102' });
    const id = m?.intakeId ?? '';
    await withActor(db, 'test', (trx) =>
      trx
        .insertInto('permits')
        .values({
          permit_number: 'P-AR',
          intake_id: id,
          issuing_level: 'county',
          valid_from: '2025-01-01',
          valid_to: '2029-12-31',
          annual_volume_m3: 36500,
          monthly_plan_m3: Array<number>(12).fill(3000),
          daily_limit_m3: 120,
        })
        .execute(),
    );
    // 1 Jan - 31 Mar: 100 m³ a day, 150 on 10 Feb, 2 March missing.
    await account(id, '2026-01-01', 90, (k) => (k === 40 ? 150 : k === 60 ? null : 100));
    const now = new Date(localDayStart('2026-03-31') + 12 * 3_600_000);
    const a = await getIntakeAccounts(db, principal('c', '220102'), id, { year: 2026 }, { now });
    expect(a?.permit).toMatchObject({ permitNumber: 'P-AR', annualVolumeM3: 36500, dailyLimitM3: 120 });
    expect(a?.days).toHaveLength(90);
    expect(a?.days[40]).toMatchObject({ day: '2026-02-10', volumeM3: 150, overDailyLimit: true });
    expect(a?.days[60]).toMatchObject({ day: '2026-03-02', volumeM3: null, status: 'missing', overDailyLimit: null });
    expect(a?.months[0]).toMatchObject({
      month: '2026-01',
      volumeM3: 3100,
      planM3: 3000,
      accountedDays: 31,
      evidence: { table: 'daily_accounts', intakeId: id, firstDay: '2026-01-01', lastDay: '2026-01-31' },
    });
    expect(a?.months[1]?.volumeM3).toBe(2850);
    expect(a?.months[1]?.shareOfPlan).toBeCloseTo(0.95);
    expect(a?.months[2]).toMatchObject({ volumeM3: 3000, missingDays: 1 });
    expect(a?.total).toMatchObject({ volumeM3: 8950, annualVolumeM3: 36500, accountedDays: 90, missingDays: 1 });
    expect(a?.total.shareUsed).toBeCloseTo(8950 / 36500);
    expect(a?.total.projectionM3).toBeCloseTo((8950 / 90) * 365, 2);
    expect(a?.total.completeness).toBeCloseTo(89 / 90);
    expect(await getIntakeAccounts(db, principal('o', '220200'), id, { year: 2026 })).toBeUndefined();
  });

  it('totals a period by county and city, leaving confidential intakes out without the clearance', async () => {
    const db = testDb.db;
    const [a] = await registerMeters(db, { count: 1, prefix: 'DA', countyCode: '220103' });
    const [b] = await registerMeters(db, { count: 1, prefix: 'DB', countyCode: '220104' });
    const [s] = await registerMeters(db, { count: 1, prefix: 'DS', countyCode: '220104' });
    await makeConfidential(db, s?.intakeId ?? '');
    await account(a?.intakeId ?? '', '2026-05-01', 31, () => 10);
    await account(b?.intakeId ?? '', '2026-05-01', 31, (k) => (k === 0 ? null : 20));
    await account(s?.intakeId ?? '', '2026-05-01', 31, () => 1000);
    const city = await getDivisionAccounts(db, principal('city', '220100'), { period: '2026-05' });
    expect(city).toMatchObject({ firstDay: '2026-05-01', lastDay: '2026-05-31', confidentialIncluded: false });
    expect(city.divisions.map((d) => [d.divisionCode, d.level, d.intakes, d.volumeM3, d.missingDays])).toEqual([
      ['220103', 'county', 1, 310, 0],
      ['220104', 'county', 1, 600, 1],
      ['220100', 'city', 2, 910, 1],
    ]);
    const cleared = await getDivisionAccounts(db, principal('p', '220000', 'auditor', true), { period: '2026' });
    // The province's year also holds the first test's intake in 220102 (8950 m³).
    expect(cleared.divisions.find((d) => d.divisionCode === '220000')?.volumeM3).toBe(8950 + 910 + 31000);
    expect(cleared.divisions.find((d) => d.divisionCode === '220104')).toMatchObject({ intakes: 2, volumeM3: 31600 });
    expect(cleared.divisions.find((d) => d.divisionCode === '220100')?.intakes).toBe(4);
    expect((await getDivisionAccounts(db, principal('c', '220103'), { period: '2026-05', division: '220104' })).divisions).toEqual([]);
  });
});
