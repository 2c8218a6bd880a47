/**
 * The rules on simulator scenarios, end to end: each scenario's meter sends a day of readings
 * (written to InfluxDB as ingest writes them), the day close runs, and the ledger holds the
 * rule the scenario is meant to trigger on that meter's intake, and nothing of it on the normal one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withActor } from '../platform/db/database.ts';
import { InfluxStore } from '../platform/influx/influx-store.ts';
import { DAY_MS, localDay, localDayStart } from '../platform/local-time.ts';
import { readingLine } from '../domain/telemetry/index.ts';
import type { FleetMember } from '../simulators/fleet/fleet-member.ts';
import { generateMeterReadings } from '../simulators/generation/meter-simulation.ts';
import type { ScenarioUse } from '../simulators/scenarios/scenario.ts';
import { useTestDatabase } from '../test/database.ts';
import { type FixtureMeter, registerMeters } from '../test/fixtures/registry.ts';
import { dropDatabase, testInfluxConfig } from '../test/services/influxdb.ts';
import { useTestMonitors } from './testing/monitors.ts';

const testDb = useTestDatabase();
const influxConfig = testInfluxConfig();
const influx = new InfluxStore(influxConfig);
const monitors = useTestMonitors({ testDb, influx });
const now = new Date();
const day = localDay(now.getTime() - DAY_MS);
const ANNUAL_M3 = 2_000_000;
const MAX_RATE_M3H = 400;
const DAILY_LIMIT_M3 = 5_000;

/** A season of two months that begins two months after `day`: `day` is outside it whatever the date. */
function seasonAwayFrom(d: string): { season_start: string; season_end: string } {
  const monthOf = (ms: number) => localDay(ms).slice(5, 7);
  const start = localDayStart(d);
  return { season_start: `${monthOf(start + 61 * DAY_MS)}-01`, season_end: `${monthOf(start + 100 * DAY_MS)}-28` };
}

interface ScenarioCase {
  name: string;
  scenarios: ScenarioUse[];
  /** The rule the case must raise on its intake ('' for normal use). */
  rule: string;
  /** Changes to the case's permit; null: the intake has no permit. */
  permit?: Record<string, unknown> | null;
  /** The meter never sends its store-and-forward batches (an offline gap that stays a gap). */
  dropBacklog?: boolean;
  /** A rule the case must not raise: what the scenario promises the monitor stays quiet about. */
  quietOn?: string;
}

const cases: ScenarioCase[] = [
  { name: 'normal', scenarios: [], rule: '' },
  { name: 'rollback', scenarios: [{ name: 'rollback', params: { drop: 0.5 } }], rule: 'totalizer-rollback' },
  { name: 'stuck', scenarios: [{ name: 'stuck-register', params: { hours: 4 } }], rule: 'stuck-register' },
  { name: 'faults', scenarios: [{ name: 'fault-flags', params: { flags: 'tamper', hours: 2 } }], rule: 'meter-fault-flag' },
  { name: 'spike', scenarios: [{ name: 'rate-spike', params: { variant: 'sustained', factor: 2 } }], rule: 'rate-excess' },
  { name: 'skew', scenarios: [{ name: 'clock-skew', params: { minutes: 20 } }], rule: 'clock-drift' },
  { name: 'rollover', scenarios: [{ name: 'rollover' }], rule: 'totalizer-rollover' },
  // Three times the permitted annual volume: about 6,700-9,000 m³ a day against a limit of 5,000
  // that normal use (about 2,100-2,600 m³) stays well under.
  { name: 'over-permit', scenarios: [{ name: 'over-permit', params: { factor: 3 } }], rule: 'daily-over-limit' },
  {
    name: 'gap never forwarded',
    scenarios: [{ name: 'offline-gap', params: { hours: 6 } }],
    rule: 'daily-completeness',
    dropBacklog: true,
  },
  { name: 'gap forwarded', scenarios: [{ name: 'offline-gap', params: { hours: 6 } }], rule: '', quietOn: 'daily-completeness' },
  { name: 'no permit', scenarios: [], rule: 'unpermitted-withdrawal', permit: null },
  { name: 'permitted hours', scenarios: [], rule: 'outside-hours', permit: { hours_start: '10:00', hours_end: '11:00' } },
  { name: 'permitted season', scenarios: [], rule: 'outside-season', permit: seasonAwayFrom(day) },
];

let meters: FixtureMeter[];

beforeAll(async () => {
  await influx.ensureDatabase();
  meters = await registerMeters(testDb.db, { count: cases.length, prefix: 'SCN', registerMaxM3: 99_999_999 });
  await withActor(testDb.db, 'test', (trx) =>
    trx
      .insertInto('permits')
      .values(
        meters.flatMap((m, i) => {
          const permit = cases[i]?.permit;
          if (permit === null) return [];
          return [
            {
              permit_number: `SCN-P-${m.intakeId}`,
              intake_id: m.intakeId,
              issuing_level: 'county' as const,
              valid_from: '2020-01-01',
              valid_to: '2099-12-31',
              annual_volume_m3: ANNUAL_M3,
              max_rate_m3h: MAX_RATE_M3H,
              daily_limit_m3: DAILY_LIMIT_M3,
              ...permit,
            },
          ];
        }),
      )
      .execute(),
  );
  const from = localDayStart(day) - 3600_000;
  const to = localDayStart(day) + DAY_MS + 3600_000;
  for (const [i, c] of cases.entries()) {
    const m = meters[i] as FixtureMeter;
    const member: FleetMember = {
      meterId: m.meterId,
      intakeCode: null,
      waterUse: 'industrial',
      annualVolumeM3: ANNUAL_M3,
      maxRateM3h: MAX_RATE_M3H,
      registerMaxM3: 99_999_999,
      reportingIntervalS: 900,
      scenarios: c.scenarios,
    };
    const placement = { intakeId: m.intakeId, countyCode: m.countyCode };
    const messages = generateMeterReadings(member, { from, to, seed: 7 + i }).filter((msg) => !(c.dropBacklog && msg.kind === 'backlog'));
    const points = messages.flatMap((msg) => msg.readings.map((r) => readingLine(m.meterId, placement, r, msg.sentAtMs)));
    await influx.writeLines(points);
  }
  await monitors().scheduled.dayClose(day, now);
});
afterAll(() => dropDatabase(influxConfig));

async function rulesOf(intakeId: string): Promise<string[]> {
  const rows = await testDb.db.selectFrom('ledger_items').select('rule').where('intake_id', '=', intakeId).execute();
  return rows.map((r) => r.rule);
}

describe('rules on simulator scenarios', () => {
  it.each(cases.filter((c) => c.rule).map((c) => [c.name, c.rule] as const))('%s raises %s on its intake', async (name, rule) => {
    const meter = meters[cases.findIndex((c) => c.name === name)] as FixtureMeter;
    expect(await rulesOf(meter.intakeId)).toContain(rule);
  });

  it.each(cases.filter((c) => c.quietOn).map((c) => [c.name, c.quietOn] as const))('%s does not raise %s', async (name, rule) => {
    const meter = meters[cases.findIndex((c) => c.name === name)] as FixtureMeter;
    expect(await rulesOf(meter.intakeId)).not.toContain(rule);
  });

  it('normal use raises none of those rules', async () => {
    const normal = meters[0] as FixtureMeter;
    const raised = await rulesOf(normal.intakeId);
    for (const c of cases) if (c.rule) expect(raised).not.toContain(c.rule);
  });
});
