/**
 * The stores as the dashboards see them after three days of a small fleet: readings from the
 * meter simulator written to InfluxDB as ingest writes them, the day's accounts and the rules'
 * ledger entries computed by the domain services, a reviewer's work on two items, the next day's
 * escalation of the overdue one, rejected messages, and the month's progress reports submitted
 * by one county on time and by another late (the rest of the counties and cities owe theirs). Every kind of intake a panel tells apart is there: ordinary, over its permit, gone
 * offline, without a permit, and a confidential one (over its permit most of all, so that it would
 * top the share-of-permit table if anything let it through).
 */
import { sql } from 'kysely';
import { withActor, type Db } from '../../platform/db/database.ts';
import type { InfluxStore } from '../../platform/influx/influx-store.ts';
import { DAY_MS, localDay, localDayStart } from '../../platform/local-time.ts';
import { createLogger } from '../../platform/logger.ts';
import { AccountService } from '../../domain/accounts/index.ts';
import { IntakeEvaluator } from '../../domain/evaluation/index.ts';
import type { Principal } from '../../domain/access/index.ts';
import { runDailyEscalation, transitionItem } from '../../domain/ledger/index.ts';
import { generateMonthlyReports } from '../../domain/reports/index.ts';
import { submit } from '../../domain/submissions/index.ts';
import { RejectionStore } from '../../domain/telemetry/index.ts';
import type { ScenarioUse } from '../../simulators/index.ts';
import { writeSimulatedReadings } from '../../test/fixtures/meter-traffic.ts';
import { type FixtureMeter, registerMeters } from '../../test/fixtures/registry.ts';
import type { TimeRange } from './grafana-macros.ts';

const ANNUAL_M3 = 2_000_000;
const REVIEWER = 'test:reviewer';

export interface ScenarioIntakes {
  ordinary: FixtureMeter[];
  overPermit: FixtureMeter;
  offline: FixtureMeter;
  unpermitted: FixtureMeter;
  confidential: FixtureMeter;
}

export interface Scenario {
  intakes: ScenarioIntakes;
  /** The range a regulator would look at: the three days and the day of the review. */
  range: TimeRange;
  days: string[];
  /** The month of the days, whose monthly reports are submitted (YYYY-MM). */
  month: string;
  /** The county that submitted the month's report on time, and the one that submitted it late. */
  submitted: { onTime: string; late: string };
}

/**
 * Three days of February: this year's once it is over, else last year's, so the days always lie
 * in the past, in one calendar year, and within the 400 days the rules look back.
 */
export function scenarioDays(nowMs: number): string[] {
  const today = localDay(nowMs);
  const year = Number(today.slice(0, 4)) - (today.slice(5) < '03-01' ? 1 : 0);
  return ['10', '11', '12'].map((d) => `${year}-02-${d}`);
}

export async function buildScenario(db: Db, influx: InfluxStore, nowMs = Date.now()): Promise<Scenario> {
  const days = scenarioDays(nowMs);
  const first = localDayStart(days[0] ?? '');
  const reviewDay = first + 3 * DAY_MS;
  const intakes = await registerIntakes(db);
  await grantPermits(db, [...intakes.ordinary, intakes.overPermit, intakes.offline, intakes.confidential]);
  await writeReadings(influx, intakes, first, reviewDay);
  await accountAndEvaluate(db, influx, intakes, days, new Date(reviewDay + 9 * 3600_000));
  await review(db, intakes, days[2] ?? '', new Date(reviewDay + 10 * 3600_000));
  // The day after the deadline: the over-permit item becomes overdue and goes to its city.
  await runDailyEscalation(db, { now: new Date(reviewDay + 11 * 3600_000) });
  await rejectMessages(db, intakes, first + 12 * 3600_000);
  const month = (days[0] ?? '').slice(0, 7);
  const submitted = { onTime: intakes.ordinary[0]?.countyCode ?? '', late: intakes.overPermit.countyCode };
  await submitMonthly(db, month, submitted);
  return { intakes, days, month, range: { fromMs: first, toMs: reviewDay + DAY_MS }, submitted };
}

async function registerIntakes(db: Db): Promise<ScenarioIntakes> {
  const one = async (prefix: string, countyCode: string) =>
    (await registerMeters(db, { count: 1, prefix, countyCode, registerMaxM3: 99_999_999 }))[0] as FixtureMeter;
  const ordinary = await registerMeters(db, { count: 2, prefix: 'DBN', countyCode: '220102', registerMaxM3: 99_999_999 });
  const intakes = {
    ordinary,
    overPermit: await one('DBO', '220202'),
    offline: await one('DBF', '220102'),
    unpermitted: await one('DBU', '220102'),
    confidential: await one('DBC', '220202'),
  };
  await withActor(db, 'test', (trx) =>
    trx.updateTable('intakes').set({ confidential: true }).where('id', '=', intakes.confidential.intakeId).execute(),
  );
  return intakes;
}

async function grantPermits(db: Db, meters: FixtureMeter[]): Promise<void> {
  const monthly = Array.from({ length: 12 }, () => Math.round(ANNUAL_M3 / 12));
  await withActor(db, 'test', (trx) =>
    trx
      .insertInto('permits')
      .values(
        meters.map((m) => ({
          permit_number: `DB-P-${m.intakeId}`,
          intake_id: m.intakeId,
          issuing_level: 'county' as const,
          valid_from: '2020-01-01',
          valid_to: '2099-12-31',
          annual_volume_m3: ANNUAL_M3,
          monthly_plan_m3: monthly,
          daily_limit_m3: 5000,
          max_rate_m3h: 400,
        })),
      )
      .execute(),
  );
}

/** Over-permit factors: three times the permit, ten times for the confidential intake. */
function scenariosOf(intakes: ScenarioIntakes, m: FixtureMeter): ScenarioUse[] {
  if (m === intakes.overPermit) return [{ name: 'over-permit', params: { factor: 3 } }];
  if (m === intakes.confidential) return [{ name: 'over-permit', params: { factor: 10 } }];
  return [];
}

async function writeReadings(influx: InfluxStore, intakes: ScenarioIntakes, fromMs: number, toMs: number): Promise<void> {
  await influx.ensureDatabase();
  const all = [...intakes.ordinary, intakes.overPermit, intakes.offline, intakes.unpermitted, intakes.confidential];
  for (const [i, m] of all.entries()) {
    // The offline meter stops at noon of the third day and stays silent.
    const to = m === intakes.offline ? toMs - 12 * 3600_000 : toMs;
    await writeSimulatedReadings(influx, m, {
      fromMs: fromMs - 3600_000,
      toMs: to,
      seed: 19 + i,
      annualVolumeM3: ANNUAL_M3,
      maxRateM3h: 400,
      scenarios: scenariosOf(intakes, m),
    });
  }
}

async function accountAndEvaluate(db: Db, influx: InfluxStore, intakes: ScenarioIntakes, days: string[], now: Date): Promise<void> {
  const ids = [...intakes.ordinary, intakes.overPermit, intakes.offline, intakes.unpermitted, intakes.confidential].map((m) => m.intakeId);
  const accounts = await new AccountService({ db, influx }).recompute(ids.flatMap((intakeId) => days.map((day) => ({ intakeId, day }))));
  const evaluator = new IntakeEvaluator({ db, influx, logger: createLogger('test', 'silent') });
  await evaluator.evaluateAccounts(accounts, now);
  await evaluator.evaluateRegistry(ids, now);
}

async function openItemOf(db: Db, m: FixtureMeter, rule: string): Promise<string> {
  const row = await db
    .selectFrom('ledger_items')
    .select('id')
    .where('intake_id', '=', m.intakeId)
    .where('rule', '=', rule)
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * A reviewer's day: the over-permit item goes into rectification with a deadline already past
 * (overdue), the unpermitted withdrawal is rectified and closed. Their events are dated that day
 * (transitions take the transaction's time), as if the review had happened then.
 */
async function review(db: Db, intakes: ScenarioIntakes, deadline: string, at: Date): Promise<void> {
  const plan = { measures: '限期整改', responsibleUnit: '县水利局', responsiblePerson: '张三' };
  const overdue = await openItemOf(db, intakes.overPermit, 'daily-over-limit');
  await transitionItem(db, overdue, 'confirm', REVIEWER, {});
  await transitionItem(db, overdue, 'startRectifying', REVIEWER, { ...plan, deadline });
  const closed = await openItemOf(db, intakes.unpermitted, 'unpermitted-withdrawal');
  await transitionItem(db, closed, 'confirm', REVIEWER, {});
  await transitionItem(db, closed, 'startRectifying', REVIEWER, { ...plan, deadline: '2099-12-31' });
  await transitionItem(db, closed, 'markRectified', REVIEWER, { evidence: '已办理取水许可' });
  await transitionItem(db, closed, 'close', REVIEWER, {});
  await sql`update ledger_events set at = ${at} where actor = ${REVIEWER}`.execute(db);
}

/** Two rejected messages of meters Grafana may show, one of the confidential intake's meter. */
async function rejectMessages(db: Db, intakes: ScenarioIntakes, atMs: number): Promise<void> {
  const of = (meterId: string | undefined, code: 'malformed_json' | 'unknown_meter', k: number) => ({
    receivedMs: atMs + k * 60_000,
    topic: `meters/${meterId ?? 'ghost'}/readings`,
    meterId,
    code,
    reason: 'test',
    payload: Buffer.from(`{${k}`),
  });
  const first = intakes.ordinary[0];
  await new RejectionStore(db).insert([
    of(first?.meterId, 'malformed_json', 0),
    of(undefined, 'unknown_meter', 1),
    of(intakes.confidential.meterId, 'malformed_json', 2),
  ]);
}

/**
 * The month's reports generated on the 1st of the next month; one county submits on the 2nd (due
 * the 3rd: on time), the other on the 5th (late).
 */
async function submitMonthly(db: Db, month: string, counties: { onTime: string; late: string }): Promise<void> {
  const next = localDayStart(`${month}-01`) + 31 * DAY_MS;
  const day = (d: number) => new Date(localDayStart(`${localDay(next).slice(0, 7)}-0${String(d)}`) + 10 * 3600_000);
  await generateMonthlyReports(db, month, day(1));
  const staff = (divisionCode: string): Principal => ({
    actor: `user:staff-${divisionCode}`,
    kind: 'user',
    id: `staff-${divisionCode}`,
    divisionCode,
    role: 'staff',
    confidential: false,
  });
  await submit(db, staff(counties.onTime), { kind: 'monthly', period: month }, { now: day(2) });
  await submit(db, staff(counties.late), { kind: 'monthly', period: month }, { now: day(5) });
}
