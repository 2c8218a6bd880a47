/**
 * Anomalies read off the readings of one meter in one day: clock drift and status flags.
 */
import type { AccountingOptions } from './options.ts';
import type { AccountReading, ClockDriftAnomaly, FaultFlagAnomaly } from './types.ts';

/**
 * The readings a meter held back: those that arrived later, relative to the meter's next reading
 * (by ts), than their stamps can explain. Both stamps carry the same clock error, so the difference
 * of their lags (arrival - ts) is the difference of their delays, whatever the clock: a reading
 * whose lag exceeds its successor's by more than half the drift limit (or half the time between
 * their stamps, when that is shorter) was delayed, not mis-stamped, and says nothing of the clock.
 * This is a meter sending faster than it measures, catching up (the rest of a batch, a
 * store-and-forward backlog in several messages, oldest first, a queue flushed after an outage),
 * down to the newest reading of a backlog forwarded between two reporting times, which the first
 * live reading follows sooner than the interval. Ingest stamps one arrival per message, so every
 * reading of a batch but its newest is held back. Readings sent live arrive as far apart as they
 * were taken, whatever the clock's offset, and stay in; so does one whose next reading is itself
 * more than half the limit late. `readings`: one meter's, time-ordered, one per ts, with the first
 * reading after the window.
 */
export function heldBackReadings(readings: readonly AccountReading[], clockDriftMaxMs: number): Set<AccountReading> {
  const held = new Set<AccountReading>();
  for (let i = 0; i + 1 < readings.length; i++) {
    const r = readings[i];
    const next = readings[i + 1];
    if (r?.receivedMs === undefined || next?.receivedMs === undefined) continue;
    const stampGap = next.ts - r.ts;
    if (next.receivedMs - r.receivedMs < stampGap - Math.min(stampGap, clockDriftMaxMs) / 2) held.add(r);
  }
  return held;
}

/**
 * Clock drift (brief: [> 5 minutes]) from the meter's ts against ingest's arrival time.
 * - ahead: a reading stamped later than it arrived; no transport delay explains that.
 * - behind: every reading of the day that tells the meter's "now" (not held back, above) arrived
 *   more than the limit after its ts. A backlog's readings are late, not mis-stamped, and are left
 *   out; a clock that is right still shows a small lag on the readings it sends live, so a day in
 *   which every live reading lags is evidence of a slow clock.
 */
export function clockDriftAnomalies(
  meterId: string,
  dayReadings: readonly AccountReading[],
  heldBack: ReadonlySet<AccountReading>,
  o: AccountingOptions,
): ClockDriftAnomaly[] {
  const timed = dayReadings.filter((r): r is TimedReading => r.receivedMs !== undefined);
  const out: ClockDriftAnomaly[] = [];
  const ahead = timed.filter((r) => r.ts - r.receivedMs > o.clockDriftMaxMs);
  const worstAhead = ahead.reduce<TimedReading | undefined>((w, r) => (!w || r.ts - r.receivedMs > w.ts - w.receivedMs ? r : w), undefined);
  if (worstAhead) out.push(driftAnomaly(meterId, 'ahead', ahead, worstAhead));
  const live = timed.filter((r) => !heldBack.has(r));
  const leastLate = live.reduce<TimedReading | undefined>((w, r) => (!w || r.receivedMs - r.ts < w.receivedMs - w.ts ? r : w), undefined);
  if (leastLate && leastLate.receivedMs - leastLate.ts > o.clockDriftMaxMs) out.push(driftAnomaly(meterId, 'behind', live, leastLate));
  return out;
}

type TimedReading = AccountReading & { receivedMs: number };

/** The anomaly over `readings` (in time order, not empty), evidenced by `worst`. */
function driftAnomaly(
  meterId: string,
  direction: ClockDriftAnomaly['direction'],
  readings: readonly TimedReading[],
  worst: TimedReading,
): ClockDriftAnomaly {
  return {
    kind: 'clock-drift',
    direction,
    meterId,
    fromMs: readings[0]?.ts ?? worst.ts,
    toMs: readings[readings.length - 1]?.ts ?? worst.ts,
    readings: readings.length,
    worstTs: worst.ts,
    worstReceivedMs: worst.receivedMs,
  };
}

/** One anomaly per configured flag that any reading of the day sets. */
export function faultFlagAnomalies(meterId: string, dayReadings: readonly AccountReading[], o: AccountingOptions): FaultFlagAnomaly[] {
  const out: FaultFlagAnomaly[] = [];
  for (const flag of o.faultFlags) {
    const flagged = dayReadings.filter((r) => r.status?.[flag] === true);
    const first = flagged[0];
    const last = flagged[flagged.length - 1];
    if (!first || !last) continue;
    out.push({
      kind: 'fault-flag',
      flag,
      meterId,
      fromMs: first.ts,
      toMs: last.ts,
      readings: flagged.length,
      firstTotalM3: first.totalM3,
      lastTotalM3: last.totalM3,
    });
  }
  return out;
}
