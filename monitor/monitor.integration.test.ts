/**
 * The monitor end to end on real stores: readings in InfluxDB, the registry in PostgreSQL, the day
 * close computes accounts and raises items; evaluating again changes nothing; two monitors
 * working at once give the result of one.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../platform/db/database.ts';
import { InfluxStore } from '../platform/influx/influx-store.ts';
import { DAY_MS, localDay, localDayStart } from '../platform/local-time.ts';
import { readingLine } from '../domain/telemetry/index.ts';
import { useTestDatabase } from '../test/database.ts';
import { type FixtureMeter, registerMeters } from '../test/fixtures/registry.ts';
import { dropDatabase, testInfluxConfig } from '../test/services/influxdb.ts';
import { RuleConfig } from '../domain/evaluation/index.ts';
import type { ScheduledWork } from './schedules.ts';
import { useTestMonitors } from './testing/monitors.ts';

const testDb = useTestDatabase();
const influxConfig = testInfluxConfig();
const influx = new InfluxStore(influxConfig);
const monitors = useTestMonitors({ testDb, influx });
const now = new Date();
const yesterday = localDay(now.getTime() - DAY_MS);

/** A monitor's scheduled work, with these rules. */
function monitor(rules?: RuleConfig): ScheduledWork {
  return monitors(rules ? { rules } : {}).scheduled;
}

/** A day of 15-minute readings advancing `perStep` m3 (with flow to match). */
async function writeDay(meter: FixtureMeter, day: string, perStepM3: number) {
  const start = localDayStart(day);
  const placement = { intakeId: meter.intakeId, countyCode: meter.countyCode };
  const points = Array.from({ length: 97 }, (_, i) => {
    const ts = start + i * 15 * 60_000;
    return readingLine(meter.meterId, placement, { ts, totalM3: 5000 + i * perStepM3, flowM3h: perStepM3 * 4 }, ts + 5_000);
  });
  await influx.writeLines(points);
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

  it('totals the month and year per intake and per county, city and province', async () => {
    const month = `${yesterday.slice(0, 7)}-01`;
    const intakeTotals = await testDb.db
      .selectFrom('intake_period_totals')
      .select(['intake_id', 'volume_m3'])
      .where('period_kind', '=', 'month')
      .where('period_start', '=', month)
      .execute();
    expect(Object.fromEntries(intakeTotals.map((t) => [t.intake_id, Number(t.volume_m3)]))).toMatchObject({
      [normal.intakeId]: 960,
      [heavy.intakeId]: 5760,
    });
    const divisions = await testDb.db
      .selectFrom('division_period_totals')
      .select(['division_code', 'level', 'volume_m3', 'intakes'])
      .where('period_kind', '=', 'month')
      .where('period_start', '=', month)
      .execute();
    const byCode = Object.fromEntries(divisions.map((d) => [d.division_code, [d.level, Number(d.volume_m3), Number(d.intakes)]]));
    expect(byCode).toMatchObject({ '220102': ['county', 6720, 2], '220100': ['city', 6720, 2], '220000': ['province', 6720, 2] });
  });

  it('raises nothing new when the same day is evaluated again', async () => {
    const [itemsBefore, eventsBefore] = [await openItems(), await eventCount()];
    await monitor().dayClose(yesterday, now);
    expect(await openItems()).toEqual(itemsBefore);
    expect(await eventCount()).toBe(eventsBefore);
  });

  it('two monitors at once give the result of one', async () => {
    await sql`truncate ledger_attachments, ledger_daily_changes, ledger_events, ledger_items, daily_accounts`.execute(testDb.db);
    await Promise.all([monitor().dayClose(yesterday, now), monitor().dayClose(yesterday, now)]);
    const items = await openItems();
    const keys = items.map((i) => `${i.intake_id ?? ''}|${i.rule}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(items.filter((i) => i.rule === 'daily-over-limit').map((i) => i.intake_id)).toEqual([heavy.intakeId]);
  });
});

describe('rule configuration', () => {
  it("applies an intake's own thresholds: a rule disabled for one intake raises nothing there", async () => {
    await sql`truncate ledger_attachments, ledger_daily_changes, ledger_events, ledger_items, daily_accounts`.execute(testDb.db);
    const heavyCode = (await testDb.db.selectFrom('intakes').select('code').where('id', '=', heavy.intakeId).executeTakeFirstOrThrow())
      .code;
    const rules = RuleConfig.from({ intakes: { [heavyCode]: { disabledRules: ['daily-over-limit'] } } }, 'test');
    await monitor(rules).dayClose(yesterday, now);
    expect((await openItems()).filter((i) => i.rule === 'daily-over-limit')).toEqual([]);
  });
});

describe('offline sweep', () => {
  it('raises an unregistered-meter item on the province, which clears once the meter is registered', async () => {
    const ts = now.getTime() - 3600_000;
    await influx.writeLines([readingLine('GHOST-9', undefined, { ts, totalM3: 42 }, ts)]);
    await monitor().run('offline-sweep', now);
    const item = await testDb.db
      .selectFrom('ledger_items')
      .selectAll()
      .where('rule', '=', 'unregistered-meter')
      .where('subject', '=', 'GHOST-9')
      .executeTakeFirstOrThrow();
    expect(item).toMatchObject({ kind: 'item', county_code: '220000', intake_id: null, status: 'raised', condition_cleared_at: null });

    await withActor(testDb.db, 'test', (trx) =>
      trx
        .insertInto('meters')
        .values({
          meter_id: 'GHOST-9',
          intake_id: normal.intakeId,
          meter_type: 'ultrasonic',
          reading_mode: 'online',
          installed_on: '2026-01-01',
        })
        .execute(),
    );
    await monitor().run('offline-sweep', now);
    const cleared = await testDb.db
      .selectFrom('ledger_items')
      .select('condition_cleared_at')
      .where('id', '=', item.id)
      .executeTakeFirstOrThrow();
    expect(cleared.condition_cleared_at).not.toBeNull();
  });
});
