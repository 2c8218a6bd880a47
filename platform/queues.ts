/**
 * The queue between ingest and monitor: "recompute the account of this intake on this local day".
 *
 * Dedup: BullMQ does not add a job whose id exists. The id carries a coalescing window, and the job
 * is delayed until that window has closed, so every reading written during window N is in InfluxDB
 * before job N runs, and a reading written later falls into window N+1 and gets a job of its own.
 * Many readings of one intake-day thus cost one job per window, never one per reading.
 *
 * Each intake's windows begin at a point of the cycle of its own (`windowPhaseMs`): with one
 * boundary shared by all, every intake's first batch after it needed a new job at the same moment,
 * which held ingest's drain up and sent the monitor all its jobs at once (docs/ingest.md, "Jobs for
 * the monitor").
 */
import type { Queue } from 'bullmq';

export const ACCOUNT_QUEUE = 'intake-day-accounts';

export interface AccountJobData {
  intakeId: string;
  /** Local day, YYYY-MM-DD (platform/local-time.ts). */
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

/**
 * The job of an intake-day for the window closing at `windowClosesAtMs`. Named by the closing time
 * rather than by a window count: ids of the same form counted unstaggered windows, and an ingest
 * process still running that code during a rolling upgrade could otherwise name a job that has
 * already run, which BullMQ keeps (removeOnComplete) and so would ignore the add.
 */
export function accountJobId(intakeId: string, day: string, windowClosesAtMs: number): string {
  // BullMQ refuses ':' in custom ids.
  return `account_${intakeId}_${day}_${windowClosesAtMs}`;
}

/** Where in the cycle of `coalesceMs` an intake's windows begin: a hash (FNV-1a) of its id, the same in every process. */
export function windowPhaseMs(intakeId: string, coalesceMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < intakeId.length; i++) hash = Math.imul(hash ^ intakeId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % coalesceMs;
}

/**
 * When the intake's window that `nowMs` falls in closes: readings written from then on need the
 * next window's job. The windows are [k·coalesceMs − phase, (k+1)·coalesceMs − phase).
 */
export function windowClosesAtMs(intakeId: string, nowMs: number, coalesceMs: number): number {
  const phase = windowPhaseMs(intakeId, coalesceMs);
  return (Math.floor((nowMs + phase) / coalesceMs) + 1) * coalesceMs - phase;
}

/**
 * Adds one delayed job per intake-day and coalescing window. It remembers until when the job it
 * last added covers each intake-day, so a busy intake-day costs Redis one add per window, not one
 * per batch; BullMQ's job-id check covers the rest (other processes, restarts).
 */
export class AccountJobProducer {
  private readonly queue: Queue<AccountJobData>;
  private readonly coalesceMs: number;
  /** By day, then intake: when the window of the job last added closes. */
  private readonly coveredUntil = new Map<string, Map<string, number>>();
  private lastPruneMs = 0;

  constructor(queue: Queue<AccountJobData>, coalesceMs: number = DEFAULT_COALESCE_MS) {
    this.queue = queue;
    this.coalesceMs = coalesceMs;
  }

  /** Returns how many jobs were sent to Redis (those not already added for the current window). */
  async enqueue(intakeDays: Iterable<IntakeDay>, nowMs: number = Date.now()): Promise<number> {
    this.prune(nowMs);
    const fresh: { intakeDay: IntakeDay; closesAtMs: number }[] = [];
    for (const intakeDay of intakeDays) {
      if (nowMs < (this.coveredUntil.get(intakeDay.day)?.get(intakeDay.intakeId) ?? 0)) continue;
      fresh.push({ intakeDay, closesAtMs: windowClosesAtMs(intakeDay.intakeId, nowMs, this.coalesceMs) });
    }
    if (fresh.length === 0) return 0;
    await this.queue.addBulk(fresh.map(({ intakeDay, closesAtMs }) => accountJob(intakeDay, closesAtMs, nowMs)));
    for (const { intakeDay, closesAtMs } of fresh) this.cover(intakeDay, closesAtMs);
    return fresh.length;
  }

  private cover({ intakeId, day }: IntakeDay, untilMs: number): void {
    let intakes = this.coveredUntil.get(day);
    if (intakes === undefined) {
      intakes = new Map();
      this.coveredUntil.set(day, intakes);
    }
    intakes.set(intakeId, untilMs);
  }

  /** Forgets windows that have closed, once a window's length: it holds at most the intake-days of about two windows. */
  private prune(nowMs: number): void {
    if (nowMs - this.lastPruneMs < this.coalesceMs) return;
    this.lastPruneMs = nowMs;
    for (const [day, intakes] of this.coveredUntil) {
      for (const [intakeId, untilMs] of intakes) if (untilMs <= nowMs) intakes.delete(intakeId);
      if (intakes.size === 0) this.coveredUntil.delete(day);
    }
  }
}

/** The job of an intake-day for its window: delayed until the window has closed (and the slack has passed). */
function accountJob({ intakeId, day }: IntakeDay, windowClosesAtMs: number, nowMs: number) {
  return {
    name: 'account',
    data: { intakeId, day },
    opts: {
      jobId: accountJobId(intakeId, day, windowClosesAtMs),
      delay: windowClosesAtMs - nowMs + WINDOW_SLACK_MS,
      attempts: 10,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 24 * 3600, count: 100_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  };
}
