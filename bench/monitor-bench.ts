/**
 * `npm run bench:monitor`: the day close for a province on this machine, on real stores. A fresh
 * PostgreSQL database with N intakes (one online meter and one permit each), one local day of
 * 15-minute readings for each in InfluxDB (N × 96 points), then the day close as the monitor runs
 * it at 00:10 (accounts for every intake, then every rule, into the ledger), timed.
 *
 * Then its floor: the same InfluxDB reads, chunk by chunk in as many lanes, issued alone with
 * nothing computed or written. The ratio of the two tells a slow machine day (both slow) from a
 * slow monitor (the ratio grows), as bench:ingest's broker ceiling does for ingest.
 * Ends with: bench:monitor intakes=<n> points=<n> seconds=<s> intakes_per_s=<r> rss_mb=<n> floor_s=<s> ratio_to_floor=<r>
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDb, withActor } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { InfluxStore } from '../platform/influx/influx-store.ts';
import { DAY_MS, localDay, localDayStart } from '../platform/local-time.ts';
import { createLogger } from '../platform/logger.ts';
import { INTAKES_PER_QUERY, readingsQuery, readingWindow } from '../domain/accounts/index.ts';
import { seedDivisions } from '../domain/registry/index.ts';
import { readingLine } from '../domain/telemetry/index.ts';
import { buildMonitor } from '../monitor/monitor-service.ts';
import { DAY_CLOSE_LANES } from '../monitor/schedules.ts';
import { createRedis } from '../platform/redis.ts';
import { adminUrl, databaseUrl } from '../test/database-urls.ts';
import { type FixtureMeter, registerMeters } from '../test/fixtures/registry.ts';
import { dropDatabase, testInfluxConfig } from '../test/services/influxdb.ts';

const { values: args } = parseArgs({ options: { intakes: { type: 'string', default: '20000' } } });
const intakes = Number(args.intakes);
if (!Number.isInteger(intakes) || intakes < 1) throw new Error(`--intakes must be a whole number >= 1, got ${args.intakes}`);
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const READINGS_PER_DAY = 96;

async function writeDay(influx: InfluxStore, meters: readonly FixtureMeter[], day: string): Promise<number> {
  const start = localDayStart(day);
  let written = 0;
  let lines: string[] = [];
  for (const [n, m] of meters.entries()) {
    const placement = { intakeId: m.intakeId, countyCode: m.countyCode };
    const perStep = 1 + (n % 7);
    for (let i = 0; i < READINGS_PER_DAY; i++) {
      const ts = start + i * 15 * 60_000;
      lines.push(readingLine(m.meterId, placement, { ts, totalM3: 10_000 + i * perStep, flowM3h: perStep * 4 }, ts + 2_000));
    }
    if (lines.length >= 20_000) {
      await influx.writeLines(lines);
      written += lines.length;
      lines = [];
    }
  }
  await influx.writeLines(lines);
  return written + lines.length;
}

/** The day close's InfluxDB reads alone: the same queries, chunks and lanes; the answers dropped. */
async function readFloor(influx: InfluxStore, intakeIds: readonly string[], day: string): Promise<number> {
  const window = readingWindow(day, day);
  const chunks: string[][] = [];
  for (let i = 0; i < intakeIds.length; i += INTAKES_PER_QUERY) chunks.push(intakeIds.slice(i, i + INTAKES_PER_QUERY));
  let next = 0;
  const lane = async () => {
    for (let chunk = chunks[next++]; chunk; chunk = chunks[next++])
      await influx.query(readingsQuery(chunk, window.fetchFromMs, window.fetchToMs));
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: DAY_CLOSE_LANES }, lane));
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const dbName = `wim_bench_monitor_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const db = createDb({ url: databaseUrl(dbName), poolSize: 8 });
  const influxConfig = testInfluxConfig();
  const influx = new InfluxStore(influxConfig);
  const logger = createLogger('bench', 'warn');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const monitor = buildMonitor({
    db,
    influx,
    logger,
    redis: (name) => createRedis({ url: redisUrl, connectionName: `bench-monitor:${name}`, logger }),
  });
  try {
    await migrateToLatest(db);
    await seedDivisions(db, '220000');
    await influx.ensureDatabase();
    const meters = await registerMeters(db, { count: intakes, prefix: 'BM' });
    await withActor(db, 'bench', async (trx) => {
      for (let i = 0; i < meters.length; i += 5000) {
        await trx
          .insertInto('permits')
          .values(
            meters.slice(i, i + 5000).map((m) => ({
              permit_number: `BM-P-${m.intakeId}`,
              intake_id: m.intakeId,
              issuing_level: 'county',
              valid_from: '2020-01-01',
              valid_to: '2099-12-31',
              annual_volume_m3: 400_000,
              daily_limit_m3: 600,
            })),
          )
          .execute();
      }
    });
    const day = localDay(Date.now() - DAY_MS);
    const t0 = performance.now();
    const points = await writeDay(influx, meters, day);
    log(`${intakes} intakes registered; ${points} points written for ${day} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const work = monitor.scheduled;
    const started = performance.now();
    const { accountSeconds, ruleSeconds } = await work.dayClose(day, new Date());
    const seconds = (performance.now() - started) / 1000;
    log(
      `day close: ${seconds.toFixed(1)} s; lane time (lanes run in parallel): accounting ${accountSeconds.toFixed(1)} s, rules and ledger ${ruleSeconds.toFixed(1)} s`,
    );

    const accounted = await db
      .selectFrom('daily_accounts')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('day', '=', day)
      .executeTakeFirstOrThrow();
    const items = await db
      .selectFrom('ledger_items')
      .select(['rule', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('rule')
      .execute();
    log(`accounts for ${day}: ${accounted.n}; ledger: ${items.map((i) => `${i.rule} ${i.n}`).join(', ') || 'nothing'}`);
    if (Number(accounted.n) !== intakes) throw new Error(`expected ${intakes} accounts, got ${accounted.n}`);
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const floor = await readFloor(
      influx,
      meters.map((m) => m.intakeId),
      day,
    );
    log(`floor: the same InfluxDB reads alone took ${floor.toFixed(1)} s`);
    console.log(
      `bench:monitor intakes=${intakes} points=${points} seconds=${seconds.toFixed(1)} intakes_per_s=${Math.round(intakes / seconds)} rss_mb=${rssMb} floor_s=${floor.toFixed(1)} ratio_to_floor=${(seconds / floor).toFixed(2)}`,
    );
  } finally {
    await monitor.close();
    await db.destroy();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    await dropDatabase(influxConfig);
  }
}

await main();
