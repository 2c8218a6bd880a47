/**
 * Volumes as integers, and an interval's volume split across local days in proportion to time.
 *
 * Why integers: floating-point shares of an interval do not add back to the interval exactly, and a
 * year of such errors breaks conservation. The split rounds the interval's *cumulative* volume at
 * each midnight, so the day shares of one interval are differences of one rounded curve and sum to
 * the interval's volume exactly; the interval volumes are differences of rounded totals, so the days
 * sum to the totalizer's advance exactly, in units of 10^-volumeDecimals m³.
 */
import { DAY_MS } from '../../platform/local-time.ts';

/** A volume in m³ as integer units; refuses values that doubles cannot hold as exact integers. */
export function toUnits(m3: number, unitsPerM3: number): number {
  const units = Math.round(m3 * unitsPerM3);
  if (!Number.isSafeInteger(units)) throw new RangeError(`volume ${m3} m³ is too large to account exactly`);
  return units === 0 ? 0 : units; // no -0 in outputs
}

export function toM3(units: number, unitsPerM3: number): number {
  return units / unitsPerM3;
}

/**
 * The units of an interval [fromMs, toMs] with `units` in total that fall in [aMs, bMs): the rounded
 * cumulative volume at the clipped end minus that at the clipped start. Monotone, so never negative.
 */
export function intervalShare(units: number, fromMs: number, toMs: number, aMs: number, bMs: number): number {
  const lo = Math.max(fromMs, aMs);
  const hi = Math.min(toMs, bMs);
  if (hi <= lo) return 0;
  const cumulative = (t: number): number => (t >= toMs ? units : t <= fromMs ? 0 : Math.round(units * ((t - fromMs) / (toMs - fromMs))));
  return cumulative(hi) - cumulative(lo);
}

export interface DayPiece {
  /** Index of the day in the span (0 = the span's first day). */
  dayIndex: number;
  units: number;
  /** Milliseconds of the interval inside this day. */
  overlapMs: number;
}

/** The pieces of an interval in each day of a span of `dayCount` days starting at `spanStartMs`. */
export function splitAcrossDays(units: number, fromMs: number, toMs: number, spanStartMs: number, dayCount: number): DayPiece[] {
  const spanEndMs = spanStartMs + dayCount * DAY_MS;
  if (toMs <= spanStartMs || fromMs >= spanEndMs || toMs <= fromMs) return [];
  const first = Math.max(0, Math.floor((fromMs - spanStartMs) / DAY_MS));
  const last = Math.min(dayCount - 1, Math.floor((toMs - 1 - spanStartMs) / DAY_MS));
  const pieces: DayPiece[] = [];
  for (let i = first; i <= last; i++) {
    const a = spanStartMs + i * DAY_MS;
    const b = a + DAY_MS;
    const overlapMs = Math.min(toMs, b) - Math.max(fromMs, a);
    if (overlapMs > 0) pieces.push({ dayIndex: i, units: intervalShare(units, fromMs, toMs, a, b), overlapMs });
  }
  return pieces;
}
