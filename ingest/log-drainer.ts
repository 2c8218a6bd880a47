/**
 * Drains the durable log into the stores, a batch at a time: decode and validate every message,
 * resolve meters, write the readings to InfluxDB, keep rejections in PostgreSQL, enqueue the
 * intake-days the batch touched, and only then remove the batch from the log. Each step retries
 * until its store answers; a crash at any point replays the batch, which is harmless because
 * InfluxDB overwrites an identical point and the queue drops a job id it already has.
 */
import type { Point } from '@influxdata/influxdb-client';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { InfluxWriteError, type InfluxStore } from '../common/influx/influx-store.ts';
import { localDay } from '../common/local-time.ts';
import { type AccountJobData, enqueueIntakeDays, type IntakeDay } from '../common/queues.ts';
import { retryUntilDone } from '../common/retry.ts';
import type { IngestLog, LogEntry } from './ingest-log.ts';
import { type DecodeLimits, type DecodedMessage, decodeMessage } from './message-decoder.ts';
import type { MeterDirectory } from './meter-directory.ts';
import type { IngestMetrics } from './metrics.ts';
import { readingPoint, statusPoint } from './points.ts';
import type { Rejection, RejectionStore } from './rejection-store.ts';

export interface LogDrainerOptions {
  log: IngestLog;
  directory: MeterDirectory;
  influx: InfluxStore;
  rejections: RejectionStore;
  accountQueue: Queue<AccountJobData>;
  metrics: IngestMetrics;
  logger: Logger;
  /** Consumer name in the log's group; stable across restarts of this process. */
  consumer: string;
  /** Log entries per batch (each entry is one MQTT message). */
  batchMax: number;
  limits: DecodeLimits;
  coalesceMs: number;
  /** How often to take over entries abandoned by a crashed ingest process. Default 30000. */
  claimEveryMs?: number;
}

/** One message's contribution to a batch. */
interface MessageOutcome {
  entry: LogEntry;
  points: Point[];
  rejection: Rejection | undefined;
}

export class LogDrainer {
  private readonly o: LogDrainerOptions;
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private lastClaimMs = 0;

  constructor(options: LogDrainerOptions) {
    this.o = options;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Finishes the batch in hand (unless a store is down), then stops. Idempotent. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    await retryUntilDone(() => this.o.log.ensureGroup(), this.retryOptions('redis'));
    const { signal } = this.stopping;
    while (!signal.aborted) {
      try {
        await this.drainOnce(500);
      } catch (err) {
        if (isAborted(signal)) break;
        this.o.logger.error({ err }, 'drain step failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Reads and stores one batch; returns the number of log entries handled. */
  async drainOnce(blockMs: number): Promise<number> {
    const { log, consumer, batchMax } = this.o;
    let entries = await log.read(consumer, batchMax, blockMs);
    const now = Date.now();
    if (entries.length === 0 && now - this.lastClaimMs >= (this.o.claimEveryMs ?? 30_000)) {
      this.lastClaimMs = now;
      entries = await log.claimAbandoned(consumer, batchMax);
      if (entries.length) this.o.logger.warn({ count: entries.length }, 'took over log entries abandoned by another ingest process');
    }
    if (entries.length === 0) return 0;
    await this.store(entries);
    return entries.length;
  }

  private async store(entries: LogEntry[]): Promise<void> {
    const { metrics } = this.o;
    const decoded = entries.map((e) => decodeMessage(e.topic, e.payload, e.receivedMs, this.o.limits));
    const placements = await retryUntilDone(
      () => this.o.directory.resolve(decoded.flatMap((d) => (d.kind === 'rejected' ? [] : [d.meterId]))),
      this.retryOptions('postgres'),
    );
    const outcomes = entries.map((entry, i) => outcomeOf(entry, decoded[i] as DecodedMessage, placements));
    await this.writePoints(outcomes);

    const rejections = outcomes.flatMap((o) => (o.rejection ? [o.rejection] : []));
    await retryUntilDone(() => this.o.rejections.insert(rejections), this.retryOptions('postgres'));
    const intakeDays = touchedIntakeDays(decoded, placements);
    await retryUntilDone(
      () => enqueueIntakeDays(this.o.accountQueue, intakeDays, Date.now(), this.o.coalesceMs),
      this.retryOptions('redis'),
    );
    await retryUntilDone(() => this.o.log.remove(entries.map((e) => e.id)), this.retryOptions('redis'));

    const storedMs = Date.now();
    metrics.batchSize.observe(entries.length);
    for (const o of outcomes) {
      metrics.storeLagSeconds.observe((storedMs - o.entry.receivedMs) / 1000);
      if (o.rejection) metrics.rejected.inc({ reason: o.rejection.code });
    }
    for (const d of decoded) {
      if (d.kind === 'readings') metrics.written.inc({ registered: String(placements.get(d.meterId) !== undefined) }, d.readings.length);
    }
  }

  /**
   * Writes every point of the batch. Should InfluxDB refuse the batch outright (a 4xx: retrying the
   * same data cannot succeed), each message is written alone so that only the messages it refuses
   * become rejections ("store_refused") and the rest are stored.
   */
  private async writePoints(outcomes: MessageOutcome[]): Promise<void> {
    const write = (points: Point[]) => {
      const end = this.o.metrics.writeSeconds.startTimer();
      return retryUntilDone(() => this.o.influx.writePoints(points), {
        ...this.retryOptions('influxdb'),
        shouldRetry: (err) => !(err instanceof InfluxWriteError) || err.retriable,
      }).finally(end);
    };
    try {
      await write(outcomes.flatMap((o) => o.points));
    } catch (err) {
      if (!(err instanceof InfluxWriteError) || err.retriable) throw err;
      this.o.logger.warn({ err }, 'InfluxDB refused a batch; writing its messages one by one');
      for (const o of outcomes) {
        if (o.points.length === 0) continue;
        try {
          await write(o.points);
        } catch (single) {
          if (!(single instanceof InfluxWriteError) || single.retriable) throw single;
          o.points = [];
          o.rejection = { ...rejectionBase(o.entry), code: 'store_refused', reason: single.message, meterId: undefined };
        }
      }
    }
  }

  private retryOptions(store: 'influxdb' | 'postgres' | 'redis') {
    return {
      signal: this.stopping.signal,
      onRetry: (err: unknown, attempt: number, delayMs: number) => {
        this.o.metrics.writeFailures.inc({ store });
        if (attempt === 1 || attempt % 10 === 0) this.o.logger.warn({ err, store, attempt, delayMs }, `${store} unavailable; retrying`);
      },
    };
  }
}

/** Read through a call so the compiler does not assume the flag unchanged across awaits. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function rejectionBase(entry: LogEntry) {
  return { receivedMs: entry.receivedMs, topic: entry.topic, payload: entry.payload };
}

function outcomeOf(
  entry: LogEntry,
  d: DecodedMessage,
  placements: Map<string, { intakeId: string; countyCode: string } | undefined>,
): MessageOutcome {
  if (d.kind === 'rejected') {
    return { entry, points: [], rejection: { ...rejectionBase(entry), meterId: d.meterId, code: d.code, reason: d.reason } };
  }
  const placement = placements.get(d.meterId);
  if (d.kind === 'status') return { entry, points: [statusPoint(d.meterId, placement, d.online, entry.receivedMs)], rejection: undefined };
  const points = d.readings.map((r) => readingPoint(d.meterId, placement, r, entry.receivedMs));
  // Readings of an unknown meter are stored (as evidence) and also listed for staff as a rejection.
  const rejection: Rejection | undefined = placement
    ? undefined
    : { ...rejectionBase(entry), meterId: d.meterId, code: 'unknown_meter', reason: `meter ${d.meterId} is not in the registry` };
  return { entry, points, rejection };
}

function touchedIntakeDays(decoded: DecodedMessage[], placements: Map<string, { intakeId: string } | undefined>): IntakeDay[] {
  const seen = new Map<string, IntakeDay>();
  for (const d of decoded) {
    if (d.kind !== 'readings') continue;
    const intakeId = placements.get(d.meterId)?.intakeId;
    if (!intakeId) continue;
    for (const r of d.readings) {
      const day = localDay(r.ts);
      seen.set(`${intakeId}|${day}`, { intakeId, day });
    }
  }
  return [...seen.values()];
}
