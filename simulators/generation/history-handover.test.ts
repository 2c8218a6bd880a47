/**
 * The demo's run (`npm start`, scripts/up.sh: --clock realtime --history 1 --days 1) as the monitor
 * sees it: every message arrives when the realtime clock sends it (the history at once at the
 * start), and after each arrival the closed days are accounted from what has arrived, as the
 * account jobs do, the day close included. A meter whose clock is right must not be found drifting
 * (the one exception is the last case); a clock-drift item stays raised once found (docs/rules.md),
 * so a single bad moment is enough to fail.
 */
import { describe, expect, it } from 'vitest';
import { type ClockDriftAnomaly, computeDailyAccounts, type AccountReading } from '../../domain/accounts/index.ts';
import { localDay, localDayStart } from '../../platform/local-time.ts';
import { generationOptions, parseCliOptions } from '../cli/cli-options.ts';
import { assignScenarios } from '../fleet/assign-scenarios.ts';
import type { FleetMember } from '../fleet/fleet-member.ts';
import { generateFleet } from '../fleet/generate-fleet.ts';
import { parseScenarioSpecs } from '../scenarios/scenario-spec.ts';
import { contractVerdict } from '../testing/contract-verdict.ts';
import { testMeter } from '../testing/test-meter.ts';
import { simulateMeter } from './meter-simulation.ts';

const MIN = 60_000;
const DEMO_ARGS = ['--clock', 'realtime', '--history', '1', '--days', '1'];
/** scripts/up.sh's default DEMO_SCENARIOS. */
const DEMO_SCENARIOS =
  'over-permit:0.03:factor=3,offline-gap:0.03,rollback:0.02,rate-spike:0.03:variant=sustained,malformed:0.02,unregistered:0.01';
/** From the meter's send to ingest's receipt. */
const TRANSPORT_MS = 30;

interface Arrival {
  receivedMs: number;
  readings: AccountReading[];
}

/** What ingest receives from one meter in the demo's run started at `nowMs`, in arrival order. */
function arrivals(member: FleetMember, nowMs: number): Arrival[] {
  const settings = parseCliOptions(['--meters', '1', ...DEMO_ARGS], nowMs);
  if (!settings || settings.clock.mode !== 'realtime') throw new Error('not a realtime run');
  const startMs = settings.clock.startMs ?? settings.fromMs;
  const { messages } = simulateMeter(member, generationOptions(settings));
  // The pacer sends what is due before the start at once, one after the other, then each at its time.
  let previous = Number.NEGATIVE_INFINITY;
  // An unregistered meter's readings go under another id: the registered one sends nothing.
  return messages
    .filter((m) => m.meterId === member.meterId)
    .map((m) => {
      const receivedMs = Math.max(m.sentAtMs, startMs, previous + 1) + TRANSPORT_MS;
      previous = receivedMs - TRANSPORT_MS;
      const verdict = contractVerdict(m.payload);
      return { receivedMs, readings: verdict.ok ? verdict.readings.map((r) => ({ ...r, receivedMs })) : [] };
    });
}

/**
 * The clock-drift anomalies of the closed days, judged after each arrival from the readings that had
 * arrived by then (what an account job triggered by it would find), each once.
 */
function driftFound(member: FleetMember, nowMs: number): ClockDriftAnomaly[] {
  const list = arrivals(member, nowMs);
  const first = list.find((a) => a.readings.length > 0)?.readings[0];
  if (!first) return [];
  const firstDay = localDay(first.ts);
  const found = new Map<string, ClockDriftAnomaly>();
  const held: AccountReading[] = [];
  for (const [i, arrival] of list.entries()) {
    held.push(...arrival.readings);
    // Judge when the meter's next message is due later (a job runs between them), and at the end.
    const next = list[i + 1];
    if (next && next.receivedMs - arrival.receivedMs < MIN) continue;
    const lastClosed = localDay(localDayStart(localDay(arrival.receivedMs)) - 1);
    if (lastClosed < firstDay) continue;
    const meter = { meterId: member.meterId, reportingIntervalS: member.reportingIntervalS, registerMaxM3: member.registerMaxM3 };
    const accounts = computeDailyAccounts({
      fromDay: firstDay,
      toDay: lastClosed,
      meters: [{ meter, readings: held, before: null, after: null }],
      replacements: [],
    });
    for (const a of accounts.flatMap((d) => d.anomalies)) {
      if (a.kind === 'clock-drift') found.set(`${a.direction} ${localDay(a.fromMs)}`, a);
    }
  }
  return [...found.values()];
}

const at = (localTime: string) => Date.parse(`${localTime}+08:00`);

describe("the demo's history handed over to real time, as the monitor judges it", () => {
  /** The seconds into the interval from `tick` (every 10 s of it) at which a start makes an honest meter drift. */
  const driftingStarts = (tick: string) =>
    Array.from({ length: 90 }, (_, i) => i * 10).filter((s) => driftFound(testMeter(), at(tick) + s * 1000).length > 0);

  it('an honest meter started at any moment of a morning interval is never drifting', () => {
    expect(driftingStarts('2026-12-08T05:00:00')).toEqual([]);
  });

  it('an honest meter started at any moment of the last interval before midnight is never drifting', () => {
    expect(driftingStarts('2026-12-08T23:45:00')).toEqual([]);
  });

  it('a meter offline at the start (its gap began in the history) is not drifting', () => {
    const fleet = assignScenarios(generateFleet({ count: 40, seed: 2 }), parseScenarioSpecs('offline-gap'), 2);
    const start = at('2026-12-08T05:06:00');
    const drifting = fleet.filter((m) => driftFound(m, start).length > 0).map((m) => m.meterId);
    expect(drifting).toEqual([]);
  });

  describe("the demo's fleet with its faults", () => {
    const fleet = assignScenarios(generateFleet({ count: 300, seed: 1 }), parseScenarioSpecs(DEMO_SCENARIOS), 1);
    const withFaults = fleet.filter((m) => m.scenarios.length > 0);
    const drifting = (start: number) => withFaults.filter((m) => driftFound(m, start).length > 0).map((m) => m.meterId);

    it('no meter drifts after a start in the morning or the afternoon', () => {
      expect(drifting(at('2026-12-08T05:06:00'))).toEqual([]);
      expect(drifting(at('2026-12-08T13:37:20'))).toEqual([]);
    });

    it('after a start in the last interval before midnight, only a meter whose first live message is lost', () => {
      // The history's newest reading (23:45, 6 minutes old on arrival) is then all the meter has said
      // when the day is closed: with nothing after it, it is taken at its word (docs/rules.md).
      const start = at('2026-12-08T23:51:00');
      const firstLost = withFaults.filter((m) => arrivals(m, start).find((a) => a.receivedMs > start + MIN)?.readings.length === 0);
      expect(firstLost.map((m) => m.meterId)).toEqual(['SIM-00056']);
      expect(drifting(start)).toEqual(['SIM-00056']);
    });
  });
});
