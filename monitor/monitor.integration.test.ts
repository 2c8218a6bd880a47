/**
 * The monitor end to end on real stores: readings in InfluxDB, the registry in PostgreSQL, the day
 * close computes accounts and raises items; evaluating again changes nothing; two monitors
 * working at once give the result of one.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../common/db/database.ts';
import { InfluxStore } from '../common/influx/influx-store.ts';
import { createLogger } from '../common/logger.ts';
import { DAY_MS, localDay, localDayStart } from '../common/local-time.ts';
import { readingPoint } from '../ingest/points.ts';
import { useTestDatabase } from '../test/database.ts';
import { type FixtureMeter, registerMeters } from '../test/fixtures/registry.ts';
import { dropDatabase, testInfluxConfig } from '../test/services/influxdb.ts';
import { AccountService } from './accounting/account-service.ts';
import { IntakeEvaluator } from './evaluation/intake-evaluator.ts';
import { ScheduledWork } from './schedules.ts';

const testDb = useTestDatabase();
const influxConfig = testInfluxConfig();
const influx = new InfluxStore(influxConfig);
const logger = createLogger('test', 'silent');
const now = new Date();
const yesterday = localDay(now.getTime() - DAY_MS);

function monitor(): ScheduledWork {
  const accounts = new AccountService({ db: testDb.db, influx });
  const evaluator = new IntakeEvaluator({ db: testDb.db, influx, logger });
  return new ScheduledWork({ db: testDb.db, accounts, evaluator, logger });
}

/** A day of 15-minute readings advancing `perStep` m3 (with flow to match). */
async function writeDay(meter: FixtureMeter, day: string, perStepM3: number) {
  const start = localDayStart(day);
  const placement = { intakeId: meter.intakeId, countyCode: meter.countyCode };
  const points = Array.from({ length: 97 }, (_, i) => {
    const ts = start + i * 15 * 60_000;
    return readingPoint(meter.meterId, placement, { ts, totalM3: 5000 + i * perStepM3, flowM3h: perStepM3 * 4 }, ts + 5_000);
  });
  await influx.writePoints(points);
}

async function permitFor(meter: FixtureMeter, dailyLimitM3: number) {
  await withActor(testDb.db, 'test', (trx) =>
    trx
      .insertInto('permits')
      .values({
        permit_number: `P-${meter.intakeId}`,
        intake_id: meter.intakeId,
        issuing_level: 'county',
        valid_from: '2020-01-01',
        valid_to: '2099-12-31',
        annual_volume_m3: 10_000_000,
        daily_limit_m3: dailyLimitM3,
      })
      .execute(),
  );
}

const openItems = () =>
  testDb.db.selectFrom('ledger_items').select(['intake_id', 'rule', 'kind', 'status', 'evidence']).where('status', '=', 'raised').execute();
const eventCount = async () => Number((await sql<{ n: string }>`select count(*) as n from ledger_events`.execute(testDb.db)).rows[0]?.n);

let normal: FixtureMeter;
let heavy: FixtureMeter;

beforeAll(async () => {
  await influx.ensureDatabase();
  [normal, heavy] = (await registerMeters(testDb.db, { count: 2, prefix: 'MON' })) as [FixtureMeter, FixtureMeter];
  await permitFor(normal, 5000);
  await permitFor(heavy, 5000);
  await writeDay(normal, yesterday, 10); // 960 m3 of 5000
  await writeDay(heavy, yesterday, 60); // 5760 m3 of 5000
});
afterAll(() => dropDatabase(influxConfig));

describe('monitor day close', () => {
  it('accounts every intake and raises the daily over-limit item on the heavy one only', async () => {
    await monitor().dayClose(yesterday, now);
    const accounts = await testDb.db.selectFrom('daily_accounts').select(['intake_id', 'volume_m3']).where('day', '=', yesterday).execute();
    expect(Object.fromEntries(accounts.map((a) => [a.intake_id, Number(a.volume_m3)]))).toEqual({
      [normal.intakeId]: 960,
      [heavy.intakeId]: 5760,
    });
    const items = await openItems();
    const overLimit = items.filter((i) => i.rule === 'daily-over-limit');
    expect(overLimit.map((i) => i.intake_id)).toEqual([heavy.intakeId]);
    expect(JSON.stringify(overLimit[0]?.evidence)).toContain('5760');
  });

  it('raises nothing new when the same day is evaluated again', async () => {
    const [itemsBefore, eventsBefore] = [await openItems(), await eventCount()];
    await monitor().dayClose(yesterday, now);
    expect(await openItems()).toEqual(itemsBefore);
    expect(await eventCount()).toBe(eventsBefore);
  });

  it('two monitors at once give the result of one', async () => {
    await sql`truncate ledger_events, ledger_items, daily_accounts`.execute(testDb.db);
    await Promise.all([monitor().dayClose(yesterday, now), monitor().dayClose(yesterday, now)]);
    const items = await openItems();
    const keys = items.map((i) => `${i.intake_id ?? ''}|${i.rule}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(items.filter((i) => i.rule === 'daily-over-limit').map((i) => i.intake_id)).toEqual([heavy.intakeId]);
  });
});
