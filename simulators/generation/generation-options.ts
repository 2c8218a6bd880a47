/** What to generate for a meter: the time window, the interval, the seed, the scenarios. */
import type { ScenarioUse } from '../scenarios/scenario.ts';

export interface GenerationOptions {
  /** Start of the window (readings at or after it), epoch ms or Date. */
  from: number | Date;
  /** End of the window (readings before it), epoch ms or Date. */
  to: number | Date;
  /** Reporting interval in seconds for every meter; default each meter's own. */
  intervalS?: number;
  /** The run's seed: the same seed, meter and window give the same messages. */
  seed: number;
  /** Scenarios for this meter instead of the meter's own list. */
  scenarios?: readonly ScenarioUse[];
  /**
   * When the meter comes online (the CLI's --history: now). It kept what it measured before and
   * forwards it then, as store-and-forward batches of at most 1000 readings, oldest first; a meter
   * offline at that time (an offline gap under way) forwards it when it is back (catch-up.ts).
   * Absent: online from the start, every message at its own time.
   */
  catchUpAt?: number | Date;
}

export const MAX_INTERVAL_S = 86_400;

export function toEpochMs(time: number | Date): number {
  return typeof time === 'number' ? time : time.getTime();
}

/** Refuses options that cannot give a sensible run, with a message that says which. */
export function checkGenerationOptions(options: GenerationOptions, reportingIntervalS: number): void {
  const from = toEpochMs(options.from);
  const to = toEpochMs(options.to);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError('from and to must be valid times');
  if (to <= from) throw new RangeError(`to (${new Date(to).toISOString()}) must be after from (${new Date(from).toISOString()})`);
  const interval = options.intervalS ?? reportingIntervalS;
  if (!Number.isInteger(interval) || interval < 1 || interval > MAX_INTERVAL_S) {
    throw new RangeError(`reporting interval must be a whole number of seconds 1-${MAX_INTERVAL_S}, got ${interval}`);
  }
  if (!Number.isInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
  if (options.catchUpAt !== undefined && !Number.isFinite(toEpochMs(options.catchUpAt))) {
    throw new RangeError('catchUpAt must be a valid time');
  }
}
