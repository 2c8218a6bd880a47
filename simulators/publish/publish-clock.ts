/**
 * When each message goes out. Accelerated: as fast as the broker acknowledges, or at a capped rate
 * (messages/s). Realtime: at the message's send time on a clock that runs `speed` times faster than
 * the wall clock (60 = one simulated minute per second), starting at `startMs` (simulated) now.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export type PublishClock = { mode: 'accelerated'; ratePerS?: number } | { mode: 'realtime'; speed?: number; startMs?: number };

export const ACCELERATED: PublishClock = { mode: 'accelerated' };

/** Waiting less than this is skipped: timers are not that precise, and the pace catches up. */
const MIN_SLEEP_MS = 4;

export interface Pacer {
  /**
   * Resolves when the message may be sent; undefined when it may go at once (no await needed).
   * Rejects with an AbortError when the signal fires during the wait.
   */
  wait(sentAtMs: number, signal?: AbortSignal): Promise<void> | undefined;
}

export function createPacer(clock: PublishClock, now: () => number = Date.now): Pacer {
  const wallStart = now();
  if (clock.mode === 'accelerated') {
    const { ratePerS } = clock;
    if (ratePerS === undefined) return { wait: () => undefined };
    if (!(ratePerS > 0)) throw new RangeError(`rate must be > 0 messages/s, got ${ratePerS}`);
    let sent = 0;
    return { wait: (_sentAtMs, signal) => delayUntil(wallStart + (sent++ * 1000) / ratePerS, now, signal) };
  }
  const speed = clock.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
  let simulatedStart = clock.startMs;
  return {
    wait: (sentAtMs, signal) => {
      simulatedStart ??= sentAtMs;
      return delayUntil(wallStart + (sentAtMs - simulatedStart) / speed, now, signal);
    },
  };
}

function delayUntil(wallMs: number, now: () => number, signal: AbortSignal | undefined): Promise<void> | undefined {
  const delay = wallMs - now();
  return delay >= MIN_SLEEP_MS ? sleep(delay, undefined, { signal }) : undefined;
}
