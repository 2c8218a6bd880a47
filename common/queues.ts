/**
 * The queue between ingest and monitor: "recompute the account of this intake on this local day".
 *
 * Dedup: BullMQ does not add a job whose id exists. The id carries a coalescing window, and the job
 * is delayed until that window has closed, so every reading written during window N is in InfluxDB
 * before job N runs, and a reading written later falls into window N+1 and gets a job of its own.
 * Many readings of one intake-day thus cost one job per window, never one per reading.
 */
import type { Queue } from 'bullmq';
import { IntakeDaySet } from './intake-day-set.ts';

export const ACCOUNT_QUEUE = 'intake-day-accounts';

export interface AccountJobData {
  intakeId: string;
  /** Local day, YYYY-MM-DD (common/local-time.ts). */
  day: string;
}

export interface IntakeDay {
  intakeId: string;
  day: string;
}

/** Default coalescing window: accounts lag new data by at most this much (plus queue time). */
export const DEFAULT_COALESCE_MS = 10_000;
/** Slack after a window closes, for clock differences between ingest processes. */
const WINDOW_SLACK_MS = 1_000;

export function accountJobId(intakeId: string, day: string, windowIndex: number): string {
  // BullMQ refuses ':' in custom ids.
  return `account_${intakeId}_${day}_${windowIndex}`;
}

/**
 * Adds one delayed job per intake-day and coalescing window. It remembers what it added in the
 * current window, so a busy intake-day costs Redis one add per window, not one per batch; BullMQ's
 * job-id check covers the rest (other processes, restarts).
 */
export class AccountJobProducer {
  private readonly queue: Queue<AccountJobData>;
  private readonly coalesceMs: number;
  private window = -1;
  private added = new IntakeDaySet();

  constructor(queue: Queue<AccountJobData>, coalesceMs: number = DEFAULT_COALESCE_MS) {
    this.queue = queue;
    this.coalesceMs = coalesceMs;
  }

  /** Returns how many jobs were sent to Redis (those not already added in this window). */
  async enqueue(intakeDays: IntakeDaySet, nowMs: number = Date.now()): Promise<number> {
    const windowIndex = Math.floor(nowMs / this.coalesceMs);
    if (windowIndex !== this.window) {
      this.window = windowIndex;
      this.added = new IntakeDaySet();
    }
    const fresh = intakeDays.notIn(this.added);
    await enqueueIntakeDays(this.queue, fresh, nowMs, this.coalesceMs);
    for (const d of fresh) this.added.add(d.intakeId, d.day);
    return fresh.length;
  }
}

/** Adds one delayed, deduplicated job per intake-day for the window `nowMs` falls in. */
async function enqueueIntakeDays(
  queue: Queue<AccountJobData>,
  intakeDays: Iterable<IntakeDay>,
  nowMs: number = Date.now(),
  coalesceMs: number = DEFAULT_COALESCE_MS,
): Promise<number> {
  const windowIndex = Math.floor(nowMs / coalesceMs);
  const delay = (windowIndex + 1) * coalesceMs - nowMs + WINDOW_SLACK_MS;
  const jobs = [...intakeDays].map(({ intakeId, day }) => ({
    name: 'account',
    data: { intakeId, day },
    opts: {
      jobId: accountJobId(intakeId, day, windowIndex),
      delay,
      attempts: 10,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 24 * 3600, count: 100_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  }));
  if (jobs.length) await queue.addBulk(jobs);
  return jobs.length;
}
