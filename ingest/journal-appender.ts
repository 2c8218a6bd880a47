/**
 * Appends the messages of every MQTT connection to the durable journal, many to a journal entry (one
 * XADD), and calls each message's `onDurable` once its entry is in Redis: that is when its MQTT
 * acknowledgement may go out. A group commit: while an append is under way, the messages that
 * arrive wait and go out together in the next one as soon as it returns (and `minIntervalMs` has
 * passed since it began), so the busier the process, the more messages an append carries (hundreds
 * under load), while a lone message after a quiet spell goes out in the turn of the event loop it
 * arrived in. Should Redis be unavailable the append is retried (100 ms doubling
 * to 5 s) until it succeeds or the appender closes; the messages meanwhile stay unacknowledged
 * with the broker. Callbacks rather than a promise per message: at tens of thousands of messages a
 * second, per-message promises were a large share of the collector's work.
 */
import type { Logger } from 'pino';
import { RetryAbortedError, retryUntilDone } from '../platform/retry.ts';
import type { Journal } from './journal.ts';
import { encodeMessages, type JournalMessage } from './journal-codec.ts';
import type { IngestMetrics } from './metrics.ts';

/** Messages waiting beyond this many bytes go out at once, in an append of their own, even while another is under way. */
const MAX_ENTRY_BYTES = 1024 * 1024;
/**
 * How long close() waits for appends already sent. ioredis queues a command while Redis is down
 * rather than fail it, so without a bound a shutdown during an outage would wait for Redis.
 */
const CLOSE_WAIT_MS = 5_000;

export interface JournalAppenderOptions {
  journal: Journal;
  metrics: IngestMetrics;
  logger: Logger;
  /**
   * An append starts at least this long after the one before it started, so that under load each
   * carries more messages: every append costs a write to Redis and a PUBACK write per MQTT
   * connection, system calls whose cost hardly depends on how many messages they carry. It adds at
   * most this long to a message's wait for its acknowledgement. Default 0.
   */
  minIntervalMs?: number;
}

export class JournalAppender {
  private readonly o: JournalAppenderOptions;
  private readonly stopping = new AbortController();
  private readonly underWay = new Set<Promise<void>>();
  private pending: JournalMessage[] = [];
  private pendingCallbacks: (() => void)[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private lastStartMs = 0;
  private closed: Promise<void> | undefined;

  constructor(options: JournalAppenderOptions) {
    this.o = options;
  }

  /** Logs the message; `onDurable` is called once it is in the durable journal (never, if the appender closes first). */
  append(topic: string, payload: Buffer, receivedMs: number, onDurable: () => void): void {
    if (this.stopping.signal.aborted) return;
    this.pending.push({ topic, payload, receivedMs });
    this.pendingCallbacks.push(onDurable);
    this.pendingBytes += payload.length + topic.length + 14;
    if (this.pendingBytes >= MAX_ENTRY_BYTES) this.flush();
    else if (!this.scheduled && this.underWay.size === 0) this.schedule(false);
  }

  /**
   * Starts the next append once minIntervalMs has passed since the last one began: if it has,
   * `now` or (to take in the rest of this turn's messages) at the end of this turn of the event loop.
   */
  private schedule(now: boolean): void {
    const wait = (this.o.minIntervalMs ?? 0) - (Date.now() - this.lastStartMs);
    if (wait <= 0 && now) {
      this.flush();
      return;
    }
    this.scheduled = true;
    if (wait > 0)
      setTimeout(() => {
        this.flush();
      }, wait);
    else
      setImmediate(() => {
        this.flush();
      });
  }

  /**
   * Stops: appends already sent to Redis finish within CLOSE_WAIT_MS (their messages become
   * durable and are reported); appends waiting to retry or still unanswered, and messages not yet
   * sent, are abandoned: they were never acknowledged, so the broker redelivers them. Idempotent.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.stopping.abort();
      this.pending = [];
      this.pendingCallbacks = [];
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
      await Promise.race([Promise.allSettled([...this.underWay]), waited]);
      clearTimeout(timer);
    })();
    return this.closed;
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    this.lastStartMs = Date.now();
    // Encoded once, now: while the append waits for Redis (longer when the machine is busy) it
    // holds one buffer outside the heap and the callbacks, not every message's objects, which
    // would otherwise live long enough to be promoted to the old generation.
    const entry = encodeMessages(this.pending);
    const callbacks = this.pendingCallbacks;
    this.pending = [];
    this.pendingCallbacks = [];
    this.pendingBytes = 0;
    const { metrics, logger } = this.o;
    const appended = retryUntilDone(() => this.o.journal.appendEntry(entry), {
      signal: this.stopping.signal,
      maxDelayMs: 5_000,
      onRetry: (err, attempt) => {
        metrics.writeFailures.inc({ store: 'redis' });
        if (attempt === 1 || attempt % 20 === 0) logger.warn({ err, attempt }, 'durable journal unavailable; holding acknowledgements');
      },
    }).then(
      () => {
        for (const onDurable of callbacks) {
          try {
            onDurable();
          } catch (err) {
            logger.error({ err }, 'acknowledging a logged message failed; the broker will redeliver it');
          }
        }
      },
      (err: unknown) => {
        if (!(err instanceof RetryAbortedError)) logger.error({ err }, 'messages could not be logged; left for redelivery');
      },
    );
    this.underWay.add(appended);
    void appended.finally(() => {
      this.underWay.delete(appended);
      // What arrived meanwhile goes out together, now or once minIntervalMs has passed.
      if (this.underWay.size === 0 && !this.scheduled && this.pending.length > 0) this.schedule(true);
    });
  }
}
