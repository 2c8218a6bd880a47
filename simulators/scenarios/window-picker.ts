/**
 * Places scenario windows (a gap, a stuck register, a spike) on a meter's time grid so that they do
 * not overlap: each scenario's effect stays visible on its own. Placement comes from the scenario's
 * seeded random stream, so it repeats exactly.
 */
import type { Random } from '../random/prng.ts';
import type { TickGrid } from './tick-grid.ts';

/** Ticks [start, end], both included. */
export interface TickWindow {
  start: number;
  end: number;
}

/** Where a window may start: ticks first..last (both included). */
export interface TickRange {
  first: number;
  last: number;
}

export interface WindowPicker {
  /**
   * A free window of `length` ticks, with a reading before and after it (ticks 0 and count-1 are never
   * inside), starting within `starts` when given, or undefined when none fits.
   */
  pick(length: number, random: Random, starts?: TickRange): TickWindow | undefined;
  /** A single free tick (e.g. the moment of a rollback), within `range` when given. */
  pickTick(random: Random, range?: TickRange): number | undefined;
}

const ATTEMPTS = 64;

export function createWindowPicker(grid: TickGrid): WindowPicker {
  const taken: TickWindow[] = [];
  const free = (w: TickWindow) => taken.every((t) => w.end + 1 < t.start || w.start > t.end + 1);
  const pick = (length: number, random: Random, starts?: TickRange): TickWindow | undefined => {
    const firstStart = Math.max(1, starts?.first ?? 1);
    const lastStart = Math.min(grid.count - 1 - length, starts?.last ?? Number.POSITIVE_INFINITY); // keep tick count-1 outside
    if (length < 1 || lastStart < firstStart) return undefined;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const start = random.int(firstStart, lastStart);
      const window = { start, end: start + length - 1 };
      if (free(window)) {
        taken.push(window);
        return window;
      }
    }
    return undefined;
  };
  return { pick, pickTick: (random, range) => pick(1, random, range)?.start };
}
