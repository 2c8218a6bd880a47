/**
 * Interval volumes against reported flow (brief: [> 5 %]). The flow estimate of an interval is the
 * mean of the flows at its two ends times its duration (trapezoid). One 15-minute interval in which
 * a pump starts or stops is routinely off by half, so comparing interval by interval would flag
 * every pump cycle; the check is therefore made on the sum over the day's plain intervals (each
 * counted with the part of it that lies in the day), where those errors mostly cancel and a meter
 * that under- or over-registers still shows.
 */
import type { MeterInterval } from './intervals.ts';
import type { AccountingOptions } from './options.ts';
import { toM3 } from './split.ts';
import type { FlowVolumeMismatchAnomaly, MeterAttributes } from './types.ts';

export interface IntervalInDay {
  interval: MeterInterval;
  /** Units of the interval in the day and milliseconds of it in the day. */
  units: number;
  overlapMs: number;
}

export function flowVolumeMismatch(
  meter: MeterAttributes,
  inDay: readonly IntervalInDay[],
  o: AccountingOptions,
  unitsPerM3: number,
): FlowVolumeMismatchAnomaly | null {
  const maxIntervalMs = o.flowCheckMaxIntervalFactor * meter.reportingIntervalS * 1000;
  let units = 0;
  let flowM3 = 0;
  let count = 0;
  let fromMs = Infinity;
  let toMs = -Infinity;
  for (const { interval: iv, units: u, overlapMs } of inDay) {
    const f0 = iv.from.reading?.flowM3h;
    const f1 = iv.to.reading?.flowM3h;
    if (iv.kind !== 'advance' || f0 === undefined || f1 === undefined) continue;
    if (iv.to.ts - iv.from.ts > maxIntervalMs) continue;
    units += u;
    flowM3 += ((f0 + f1) / 2) * (overlapMs / 3_600_000);
    count++;
    fromMs = Math.min(fromMs, iv.from.ts);
    toMs = Math.max(toMs, iv.to.ts);
  }
  const volumeM3 = toM3(units, unitsPerM3);
  const larger = Math.max(volumeM3, flowM3);
  if (count === 0 || larger < o.flowCheckMinVolumeM3 || larger === 0) return null;
  const deviation = Math.abs(volumeM3 - flowM3) / larger;
  if (deviation <= o.flowMismatchFraction) return null;
  const round = (x: number): number => Math.round(x * unitsPerM3) / unitsPerM3;
  return {
    kind: 'flow-volume-mismatch',
    meterId: meter.meterId,
    fromMs,
    toMs,
    intervals: count,
    volumeM3,
    flowVolumeM3: round(flowM3),
    deviation: Math.round(deviation * 1e4) / 1e4,
  };
}
