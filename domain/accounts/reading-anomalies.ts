/**
 * Anomalies read off single readings of one meter in one day: clock drift and status flags.
 */
import type { AccountingOptions } from './options.ts';
import type { AccountReading, ClockDriftAnomaly, FaultFlagAnomaly } from './types.ts';

/**
 * Clock drift (brief: [> 5 minutes]) from the meter's ts against ingest's arrival time.
 * - ahead: a reading stamped later than it arrived; no transport delay explains that.
 * - behind: every reading of the day arrived more than the limit after its ts. A single late
 *   reading proves nothing (store-and-forward batches arrive late by design), but a clock that is
 *   right shows a small lag on the readings sent live; a day without any is evidence of a slow
 *   clock, or of a meter that only sends batches, which staff can tell apart.
 */
export function clockDriftAnomalies(meterId: string, dayReadings: readonly AccountReading[], o: AccountingOptions): ClockDriftAnomaly[] {
  const timed = dayReadings.filter((r): r is TimedReading => r.receivedMs !== undefined);
  if (timed.length === 0) return [];
  const out: ClockDriftAnomaly[] = [];
  const ahead = timed.filter((r) => r.ts - r.receivedMs > o.clockDriftMaxMs);
  const worstAhead = ahead.reduce<TimedReading | undefined>((w, r) => (!w || r.ts - r.receivedMs > w.ts - w.receivedMs ? r : w), undefined);
  if (worstAhead) out.push(driftAnomaly(meterId, 'ahead', ahead, worstAhead));
  const leastLate = timed.reduce((w, r) => (r.receivedMs - r.ts < w.receivedMs - w.ts ? r : w));
  if (leastLate.receivedMs - leastLate.ts > o.clockDriftMaxMs) out.push(driftAnomaly(meterId, 'behind', timed, leastLate));
  return out;
}

type TimedReading = AccountReading & { receivedMs: number };

/** The anomaly over `readings` (in time order, not empty), evidenced by `worst`. */
function driftAnomaly(meterId: string, direction: ClockDriftAnomaly['direction'], readings: readonly TimedReading[], worst: TimedReading): ClockDriftAnomaly {
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
