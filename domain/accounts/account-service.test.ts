/** Accounts from real InfluxDB readings into real PostgreSQL. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxStore } from '../../platform/influx/influx-store.ts';
import { createLogger } from '../../platform/logger.ts';
import { DAY_MS, localDay, localDayStart } from '../../platform/local-time.ts';
import { readingLine } from '../telemetry/index.ts';
import { useTestDatabase } from '../../test/database.ts';
import { type FixtureMeter, registerMeters } from '../../test/fixtures/registry.ts';
import { dropDatabase, testInfluxConfig } from '../../test/services/influxdb.ts';
import { IntakeEvaluator } from '../evaluation/index.ts';
import { AccountService } from './account-service.ts';
import type { IntakeDailyAccount } from './account-store.ts';

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

const keyOf = (a: IntakeDailyAccount) => `${a.intakeId}|${a.day}`;

/** Fails on an intake-day listed twice; the accounts by intake-day otherwise. */
function onePerDay(accounts: readonly IntakeDailyAccount[]): Map<string, IntakeDailyAccount> {
  const byDay = new Map(accounts.map((a) => [keyOf(a), a]));
  expect(accounts.map(keyOf)).toEqual([...byDay.keys()]);
  return byDay;
}

describe('AccountService after late data', () => {
  it('a late batch three days after the last reading accounts each day once, and the rules count each day once', async () => {
    const [m] = (await registerMeters(testDb.db, { count: 1, prefix: 'LATE' })) as [FixtureMeter];
    const d1 = localDayStart('2026-08-01');
    // Readings until 1 August 06:00, then nothing until a batch for 4 August 00:00-12:00 arrives.
    await write(m, steady(d1 - 18 * 3600_000, 24, 0, 1));
    await write(m, steady(d1 + 3 * DAY_MS, 12, 300, 1));
    const written = await service.recompute([{ intakeId: m.intakeId, day: '2026-08-04' }]);
    const byDay = onePerDay(written);
    // The span widened back to the day of the last reading: each day of the gap is accounted, once.
    expect([...byDay.values()].map((a) => a.day).sort()).toEqual(['2026-08-01', '2026-08-02', '2026-08-03', '2026-08-04', '2026-08-05']);
    const stored = await accountsOf(m.intakeId);
    for (const a of written) expect(stored[a.day]).toBe(a.volumeM3);

    // Every ended day is short of reports: the completeness notice lists each once.
    const evaluator = new IntakeEvaluator({ db: testDb.db, influx, logger: createLogger('test', 'silent') });
    await evaluator.evaluateAccounts(written, new Date(localDayStart('2026-08-06') + 3600_000));
    const notice = await testDb.db
      .selectFrom('ledger_items')
      .select(['summary', 'evidence'])
      .where('intake_id', '=', m.intakeId)
      .where('rule', '=', 'daily-completeness')
      .executeTakeFirstOrThrow();
    const days = (notice.evidence as { days: { day: string }[] }).days.map((d) => d.day);
    expect(days).toEqual(['2026-08-01', '2026-08-02', '2026-08-03', '2026-08-04', '2026-08-05']);
    expect(notice.summary).toContain('on 5 day(s)');
  });

  it('whatever the arrival order and gaps, each day reaches the rules once with its final account', async () => {
    const base = localDayStart('2026-09-01');
    const QUARTER = 15 * MIN;
    // Bursts of 15-minute readings separated by gaps of up to five days, arriving in any order.
    const bursts = fc.array(fc.record({ gapQuarters: fc.integer({ min: 1, max: 480 }), readings: fc.integer({ min: 1, max: 30 }) }), {
      minLength: 2,
      maxLength: 5,
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(bursts, fc.array(fc.nat()), async (plan, order) => {
        const [m] = (await registerMeters(testDb.db, { count: 1, prefix: `PROP${run++}` })) as [FixtureMeter];
        let t = base;
        let total = 0;
        const batches = plan.map((b) => {
          t += b.gapQuarters * QUARTER;
          return Array.from({ length: b.readings }, (_, i): [number, number] => [t + i * QUARTER, (total += 1 + (i % 3))]);
        });
        // An arrival order: the batches sorted by random keys.
        const arrival = batches
          .map((b, i) => ({ b, key: order[i] ?? i }))
          .sort((x, y) => x.key - y.key)
          .map((x) => x.b);
        for (const batch of arrival) {
          await write(m, batch);
          const jobs = [...new Set(batch.map(([ts]) => localDay(ts)))].map((day) => ({ intakeId: m.intakeId, day }));
          const byDay = onePerDay(await service.recompute(jobs));
          // Final: the same as an account of the whole record so far.
          const days = [...byDay.values()].map((a) => a.day).sort();
          const whole = await service.accountChunk([m.intakeId], days[0] ?? '', days.at(-1) ?? '');
          for (const a of whole.accounts) expect(byDay.get(keyOf(a))).toEqual(a);
        }
      }),
      { numRuns: 15 },
    );
  });
});
