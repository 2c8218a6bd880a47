/** Accounts from real InfluxDB readings into real PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxStore } from '../../platform/influx/influx-store.ts';
import { localDayStart } from '../../platform/local-time.ts';
import { readingLine } from '../telemetry/index.ts';
import { useTestDatabase } from '../../test/database.ts';
import { type FixtureMeter, registerMeters } from '../../test/fixtures/registry.ts';
import { dropDatabase, testInfluxConfig } from '../../test/services/influxdb.ts';
import { AccountService } from './account-service.ts';

const testDb = useTestDatabase();
const influxConfig = testInfluxConfig();
const influx = new InfluxStore(influxConfig);
let meters: FixtureMeter[];
let service: AccountService;
const MIN = 60_000;

beforeAll(async () => {
  await influx.ensureDatabase();
  meters = await registerMeters(testDb.db, { count: 3, prefix: 'ACC' });
  service = new AccountService({ db: testDb.db, influx });
});
afterAll(() => dropDatabase(influxConfig));

async function write(meter: FixtureMeter, readings: [number, number][]) {
  const placement = { intakeId: meter.intakeId, countyCode: meter.countyCode };
  await influx.writeLines(readings.map(([ts, totalM3]) => readingLine(meter.meterId, placement, { ts, totalM3 }, ts)));
}

async function accountsOf(intakeId: string) {
  const rows = await testDb.db
    .selectFrom('daily_accounts')
    .select(['day', 'volume_m3', 'status'])
    .where('intake_id', '=', intakeId)
    .orderBy('day')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.day, r.volume_m3 === null ? null : Number(r.volume_m3)]));
}

/** Readings every 15 minutes from `fromMs` for `hours`, advancing `perStepM3` each time. */
function steady(fromMs: number, hours: number, startM3: number, perStepM3: number): [number, number][] {
  return Array.from({ length: hours * 4 + 1 }, (_, i) => [fromMs + i * 15 * MIN, startM3 + i * perStepM3]);
}

describe('AccountService', () => {
  it('splits the interval across local midnight in proportion to time', async () => {
    const m = meters[0] as FixtureMeter;
    const midnight = localDayStart('2026-06-02');
    await write(m, [
      [midnight - 15 * MIN, 100],
      [midnight + 15 * MIN, 110],
    ]);
    await service.recompute([{ intakeId: m.intakeId, day: '2026-06-02' }]);
    const days = await accountsOf(m.intakeId);
    expect(days['2026-06-01']).toBe(5);
    expect(days['2026-06-02']).toBe(5);
  });

  it('conserves volume over days and recomputes with the same result', async () => {
    const m = meters[1] as FixtureMeter;
    await write(m, steady(localDayStart('2026-06-10') - 6 * 3600_000, 60, 1000, 2.5));
    await service.recompute([{ intakeId: m.intakeId, day: '2026-06-11' }]);
    const first = await accountsOf(m.intakeId);
    expect(first['2026-06-11']).toBe(96 * 2.5);
    await service.recompute([{ intakeId: m.intakeId, day: '2026-06-11' }]);
    expect(await accountsOf(m.intakeId)).toEqual(first);
  });

  it('a late batch filling a gap changes the days the gap spans, and only those', async () => {
    const m = meters[2] as FixtureMeter;
    const d1 = localDayStart('2026-07-01');
    // Readings until 1 July 06:00, then silent until 4 July 06:00 (+300 m3 in between).
    await write(m, steady(d1 - 18 * 3600_000, 24, 0, 1));
    await write(m, steady(d1 + 3 * 86_400_000 + 6 * 3600_000, 12, 396, 1));
    await service.recompute([{ intakeId: m.intakeId, day: '2026-07-04' }]);
    const before = await accountsOf(m.intakeId);
    expect(before['2026-07-02']).toBe(100); // a time share of the 72-hour interval
    // The buffered readings of 2 July arrive late: 2 July becomes measured, 3 July and 1 July change.
    await write(m, steady(d1 + 86_400_000, 24, 100, 1.5));
    // Ingest enqueues the local days the batch's readings fall on: 2 July, and 3 July for the 00:00 one.
    await service.recompute([
      { intakeId: m.intakeId, day: '2026-07-02' },
      { intakeId: m.intakeId, day: '2026-07-03' },
    ]);
    const after = await accountsOf(m.intakeId);
    expect(after['2026-07-02']).toBe(144);
    expect(after['2026-06-30']).toBe(before['2026-06-30']);
    const total = (a: Record<string, number | null>) => Object.values(a).reduce<number>((s, v) => s + (v ?? 0), 0);
    expect(total(after)).toBeCloseTo(total(before), 6);
  });
});
