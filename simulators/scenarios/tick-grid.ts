/** The times at which a meter reports: every reporting interval, aligned to the clock (e.g. :00, :15). */

export interface TickGrid {
  /** Time of the first reading (epoch ms): the first multiple of the interval at or after `from`. */
  firstTickMs: number;
  intervalMs: number;
  /** Number of readings in [from, to). */
  count: number;
}

export function tickGrid(fromMs: number, toMs: number, intervalS: number): TickGrid {
  const intervalMs = intervalS * 1000;
  const firstTickMs = Math.ceil(fromMs / intervalMs) * intervalMs;
  const count = Math.max(0, Math.ceil((toMs - firstTickMs) / intervalMs));
  return { firstTickMs, intervalMs, count };
}

export function tickTime(grid: TickGrid, tick: number): number {
  return grid.firstTickMs + tick * grid.intervalMs;
}

/** Ticks needed to cover `seconds` (at least `minimum`). */
export function ticksFor(grid: TickGrid, seconds: number, minimum = 1): number {
  return Math.max(minimum, Math.ceil((seconds * 1000) / grid.intervalMs));
}
