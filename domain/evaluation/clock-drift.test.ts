/**
 * Clock drift against store-and-forward backlogs, end to end on real stores: meters' messages go
 * through ingest's decoder and point lines into InfluxDB, the account jobs run, the rules judge.
 * A backlog forwarded in several messages by a meter with a right clock raises nothing; live
 * readings 10 minutes behind, or ahead, still raise clock-drift.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxStore } from '../../platform/influx/influx-store.ts';
import { DAY_MS, localDay, localDayStart } from '../../platform/local-time.ts';
import { createLogger } from '../../platform/logger.ts';
import { MAX_READINGS_PER_MESSAGE, readingLine, readingsPayload } from '../telemetry/index.ts';
import { useTestDatabase } from '../../test/database.ts';
import { type FixtureMeter, registerMeters } from '../../test/fixtures/registry.ts';
import { dropDatabase, testInfluxConfig } from '../../test/services/influxdb.ts';
import { AccountService } from '../accounts/index.ts';
import { IntakeEvaluator } from './intake-evaluator.ts';

const testDb = useTestDatabase();
const influxConfig = testInfluxConfig();
const influx = new InfluxStore(influxConfig);
const MIN = 60_000;
const START = localDayStart('2026-10-01');
/** Offline from 1 October 06:00 until 3 October 18:00: 3600 one-minute readings held back. */
const OFFLINE_FROM = START + 6 * 60 * MIN;
const BACK_AT = START + 2 * DAY_MS + 18 * 60 * MIN;
const END = START + 3 * DAY_MS + 6 * 60 * MIN;
const TRANSPORT_MS = 2_000;

interface Taken {
  ts: number;
  totalM3: number;
}

/** What the meter measured each minute, at true time `at`, stamped by a clock `offsetMs` off. */
function measured(offsetMs: number): (at: number, i: number) => Taken {
  return (at, i) => ({ ts: at + offsetMs, totalM3: 1000 + i * 0.5 });
}

/** One message, read by the meter contract, into the point lines ingest writes for it (one received_ms for all). */
function linesOf(m: FixtureMeter, readings: Taken[], receivedMs: number): string[] {
  const payload: unknown = JSON.parse(JSON.stringify(readings.length === 1 ? readings[0] : { readings }));
  const placement = { intakeId: m.intakeId, countyCode: m.countyCode };
  return readingsPayload.parse(payload).map((r) => readingLine(m.meterId, placement, r, receivedMs));
}

/**
 * A meter reporting every minute from START to END; with `offline`, it keeps what it measures
 * while offline and forwards it when back, oldest first, in messages of at most 1000 readings
 * (each a few milliseconds after the one before), then goes on live.
 */
async function run(m: FixtureMeter, offsetMs: number, offline: boolean): Promise<void> {
  const take = measured(offsetMs);
  const held: Taken[] = [];
  const lines: string[] = [];
  for (let at = START, i = 0; at < END; at += MIN, i++) {
    if (offline && at >= OFFLINE_FROM && at < BACK_AT) {
      held.push(take(at, i));
      continue;
    }
    if (offline && at === BACK_AT) {
      for (let k = 0; k * MAX_READINGS_PER_MESSAGE < held.length; k++) {
        lines.push(...linesOf(m, held.slice(k * MAX_READINGS_PER_MESSAGE, (k + 1) * MAX_READINGS_PER_MESSAGE), at + k * 5));
      }
    }
    lines.push(...linesOf(m, [take(at, i)], at + TRANSPORT_MS));
  }
  await influx.writeLines(lines);
}

let right: FixtureMeter;
let behind: FixtureMeter;
let ahead: FixtureMeter;
let behindWithBacklog: FixtureMeter;

beforeAll(async () => {
  await influx.ensureDatabase();
  [right, behind, ahead, behindWithBacklog] = (await registerMeters(testDb.db, { count: 4, prefix: 'DRIFT', reportingIntervalS: 60 })) as [
    FixtureMeter,
    FixtureMeter,
    FixtureMeter,
    FixtureMeter,
  ];
  await run(right, 0, true);
  await run(behind, -10 * MIN, false);
  await run(ahead, 10 * MIN, false);
  await run(behindWithBacklog, -10 * MIN, true);
  const days = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04'];
  const accounts = new AccountService({ db: testDb.db, influx });
  const written = await accounts.recompute(
    [right, behind, ahead, behindWithBacklog].flatMap((m) => days.map((day) => ({ intakeId: m.intakeId, day }))),
  );
  const evaluator = new IntakeEvaluator({ db: testDb.db, influx, logger: createLogger('test', 'silent') });
  await evaluator.evaluateAccounts(written, new Date(localDayStart('2026-10-05') + 60 * MIN));
});
afterAll(() => dropDatabase(influxConfig));

/** The clock-drift anomalies the item's evidence lists, as direction and local day. */
async function driftOf(m: FixtureMeter): Promise<string[]> {
  const item = await testDb.db
    .selectFrom('ledger_items')
    .select('evidence')
    .where('intake_id', '=', m.intakeId)
    .where('rule', '=', 'clock-drift')
    .executeTakeFirst();
  const anomalies = (item?.evidence as { anomalies?: { direction: string; fromMs: number }[] } | undefined)?.anomalies ?? [];
  return anomalies.map((a) => `${a.direction} ${localDay(a.fromMs)}`).sort();
}

describe('clock drift and store-and-forward backlogs', () => {
  it('a backlog forwarded in several messages by a meter whose clock is right raises nothing', async () => {
    expect(await driftOf(right)).toEqual([]);
  });

  it('live readings 10 minutes behind raise clock-drift on every day', async () => {
    expect(await driftOf(behind)).toEqual([
      'behind 2026-09-30',
      'behind 2026-10-01',
      'behind 2026-10-02',
      'behind 2026-10-03',
      'behind 2026-10-04',
    ]);
  });

  it('a clock 10 minutes ahead is caught', async () => {
    expect(await driftOf(ahead)).toEqual(['ahead 2026-10-01', 'ahead 2026-10-02', 'ahead 2026-10-03', 'ahead 2026-10-04']);
  });

  it('a slow clock is still caught on the days it sent live readings, not on the day only its backlog covers', async () => {
    expect(await driftOf(behindWithBacklog)).toEqual(['behind 2026-09-30', 'behind 2026-10-01', 'behind 2026-10-03', 'behind 2026-10-04']);
  });
});
