/**
 * Drains the durable journal into the stores, a batch at a time: decode and validate every message,
 * placing its meter from the registry (asked again only about meters it does not know), write the
 * readings to InfluxDB, keep rejections in PostgreSQL, enqueue the intake-days the batch touched,
 * and only then remove the batch from the journal. Each step retries until its store answers; a crash
 * at any point replays the batch, which is harmless because InfluxDB overwrites an identical
 * point, the queue drops a job id it already has and the rejections table a rejection it has.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { InfluxQueryError, InfluxWriteError, type InfluxStore } from '../platform/influx/influx-store.ts';
import { localDay } from '../platform/local-time.ts';
import { IntakeDaySet } from '../platform/intake-day-set.ts';
import { AccountJobProducer, type AccountJobData } from '../platform/queues.ts';
import { RetryAbortedError, retryUntilDone } from '../platform/retry.ts';
import { meterOfStrayTopic, parseMeterTopic, type Reading } from '../domain/telemetry/index.ts';
import type { Journal, JournalEntry } from './journal.ts';
import { LineProtocolBody } from './line-protocol-body.ts';
import { LogCodecError, type JournalMessage, messagesOf } from './journal-codec.ts';
import { type DecodeLimits, type DecodedMessage, decodeMessage } from './message-decoder.ts';
import type { MeterDirectory } from './meter-directory.ts';
import type { MeterPlacement } from '../domain/telemetry/index.ts';
import type { IngestMetrics } from './metrics.ts';
import { readingLineIn, readingSeries, statusLine } from '../domain/telemetry/index.ts';
import type { Rejection, RejectionStore } from '../domain/telemetry/index.ts';

export interface JournalDrainerOptions {
  journal: Journal;
  directory: MeterDirectory;
  influx: InfluxStore;
  /** Where readings of confidential intakes go, never the database Grafana is given. */
  confidentialInflux: InfluxStore;
  rejections: RejectionStore;
  accountQueue: Queue<AccountJobData>;
  metrics: IngestMetrics;
  logger: Logger;
  /** Consumer name in the journal's group; stable across restarts of this process. */
  consumer: string;
  /** Messages per batch, about: the read size adapts to how many messages entries hold. */
  batchMax: number;
  /** Batches in progress at once, each with its own Redis connection. Default 2. */
  concurrency?: number;
  /**
   * After a batch smaller than a full read (the journal is not backed up), a loop waits until this long
   * after that batch's read before it reads again, so that InfluxDB gets fewer, larger writes.
   * Default 0.
   */
  lingerMs?: number;
  limits: DecodeLimits;
  coalesceMs: number;
  /** How often to take over entries abandoned by a crashed ingest process. Default 30000. */
  claimEveryMs?: number;
}

/**
 * A slice of the journal made ready to store: all that crosses the waits on the stores. Per-message
 * objects held across an InfluxDB write on a busy machine lived long enough to be promoted to the
 * old generation, and its collection was then the drain thread's largest cost; so the points are
 * one string, and the per-message and per-reading figures arrays of numbers.
 */
interface PreparedSlice {
  /** Line protocol of every point, one line each, separated by "\n". */
  body: string;
  /** Per message: where its lines end in body, plus one for the "\n" after them (they begin where the previous message's end). */
  bodyEnds: number[];
  /** Per message: when ingest received it. */
  receivedMs: number[];
  /** Rejections, by message index. */
  rejections: Map<number, Rejection>;
  readings: ReadingsTally;
  /** Points of confidential intakes, by message index: they go to the confidential database only. */
  confidential: Map<number, string[]>;
}

/** Largest number of entries asked for in one read. */
const MAX_ENTRIES_PER_READ = 1000;
/** Log bytes decoded and written at once: about 10,000 readings, well inside the thread's heap. */
const MAX_SLICE_BYTES = 2 * 1024 * 1024;

function slicesByBytes(entries: readonly JournalEntry[]): JournalEntry[][] {
  const slices: JournalEntry[][] = [];
  let current: JournalEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.body.length;
    if (current.length > 0 && bytes + size > MAX_SLICE_BYTES) {
      slices.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}

export class JournalDrainer {
  private readonly o: JournalDrainerOptions;
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private lastClaimMs = 0;
  /**
   * Set when the journal's connection came back after an outage: a read whose reply the outage cut
   * off left entries pending to this consumer that no loop holds, which would otherwise wait for
   * the claim of abandoned entries (claimIdleMs, a minute).
   */
  private ownPendingDue = false;
  private readonly jobs: AccountJobProducer;
  /** Running mean of messages per entry, to turn batchMax (messages) into a read count (entries). */
  private messagesPerEntry = 1;
  /** Shared by the drain loops: a slice is prepared in one synchronous step, so one at a time. */
  private readonly body = new LineProtocolBody();

  constructor(options: JournalDrainerOptions) {
    this.o = options;
    this.jobs = new AccountJobProducer(options.accountQueue, options.coalesceMs);
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Finishes the batches in hand (unless a store is down), then stops. Idempotent. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /**
   * Waits for the stores to be ready, then stores what this consumer had taken before a restart,
   * then runs `concurrency` loops, so one batch is read and decoded while another waits on InfluxDB.
   */
  private async run(): Promise<void> {
    const { journal } = this.o;
    try {
      await retryUntilDone(() => journal.ensureGroup(), this.retryOptions('redis'));
      await this.ensureDatabase();
    } catch (err) {
      if (err instanceof RetryAbortedError) return;
      throw err;
    }
    journal.onReconnect(() => {
      this.ownPendingDue = true;
    });
    await this.guarded(() => this.storeOwnPending(journal));
    const journals = Array.from({ length: this.o.concurrency ?? 2 }, () => journal.duplicate());
    await Promise.all(journals.map((l) => this.loop(l)));
    for (const l of journals) l.disconnect();
  }

  private async loop(journal: Journal): Promise<void> {
    const { signal } = this.stopping;
    const lingerMs = this.o.lingerMs ?? 0;
    while (!signal.aborted) {
      if (this.ownPendingDue) {
        this.ownPendingDue = false;
        await this.guarded(() => this.storeOwnPending(journal));
      }
      const readMs = Date.now();
      const count = this.readCount();
      let entries = 0;
      await this.guarded(async () => (entries = await this.drainOnce(journal, 500)));
      // The log is not backed up: let the next batch gather for the rest of lingerMs.
      const wait = readMs + lingerMs - Date.now();
      if (entries > 0 && entries < count && wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
    }
  }

  /**
   * Creates InfluxDB's database (v1) before the first write, retrying while InfluxDB is down, so
   * that ingest starts, and goes on acknowledging into the journal, without it. A refusal (a user
   * without admin rights, say) is only logged: the database may exist, and the writes tell.
   */
  private async ensureDatabase(): Promise<void> {
    try {
      await retryUntilDone(() => Promise.all([this.o.influx.ensureDatabase(), this.o.confidentialInflux.ensureDatabase()]), {
        ...this.retryOptions('influxdb'),
        shouldRetry: (err) => !(err instanceof InfluxQueryError),
      });
    } catch (err) {
      if (!(err instanceof InfluxQueryError)) throw err;
      this.o.logger.warn({ err }, 'InfluxDB refused to create the database; writing on, in case it exists');
    }
  }

  /**
   * Stores the entries pending to this consumer: at start, what it had in hand when it stopped;
   * after an outage of Redis, also what a loop still holds, which is then stored twice (harmless:
   * see the header).
   */
  private async storeOwnPending(journal: Journal): Promise<void> {
    for (let own = await journal.readOwnPending(this.o.consumer, this.readCount()); own.length;) {
      await this.store(own, journal);
      own = await journal.readOwnPending(this.o.consumer, this.readCount());
    }
  }

  /** Runs a step; on failure logs it and pauses, unless shutting down. */
  private async guarded(step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (err) {
      if (isAborted(this.stopping.signal)) return;
      this.o.logger.error({ err }, 'drain step failed; retrying');
      await sleep(500);
    }
  }

  /** Entries per read: about batchMax messages, given how many messages entries have held. */
  private readCount(): number {
    return Math.max(1, Math.min(MAX_ENTRIES_PER_READ, Math.round(this.o.batchMax / this.messagesPerEntry)));
  }

  /**
   * Reads and stores one batch; returns the number of journal entries handled. Entries abandoned by a
   * stopped ingest process are taken over on a timer, busy or not: a steady stream never leaves
   * the read empty, and those entries must not wait for a quiet moment.
   */
  async drainOnce(journal: Journal = this.o.journal, blockMs = 500): Promise<number> {
    const { consumer } = this.o;
    const now = Date.now();
    let entries: JournalEntry[] = [];
    if (now - this.lastClaimMs >= (this.o.claimEveryMs ?? 30_000)) {
      this.lastClaimMs = now;
      entries = await journal.claimAbandoned(consumer, this.readCount());
      if (entries.length) this.o.logger.warn({ count: entries.length }, 'took over journal entries abandoned by another ingest process');
    }
    if (entries.length === 0) entries = await journal.readNew(consumer, this.readCount(), blockMs);
    if (entries.length === 0) return 0;
    await this.store(entries, journal);
    return entries.length;
  }

  /**
   * Stores entries in slices of at most MAX_SLICE_BYTES of journal, so that a burst of
   * store-and-forward batches (up to 1000 readings a message) never builds one huge write; the
   * entries leave the journal only when every slice is stored.
   */
  private async store(entries: JournalEntry[], journal: Journal): Promise<void> {
    for (const slice of slicesByBytes(entries)) await this.storeSlice(slice);
    await retryUntilDone(() => journal.remove(entries.map((e) => e.id)), this.retryOptions('redis'));
  }

  private async storeSlice(entries: readonly JournalEntry[]): Promise<void> {
    const slice = await this.prepare(entries);
    for (const r of slice.rejections.values()) {
      if (r.code === 'corrupt_log_entry')
        this.o.logger.error(
          { reason: r.reason, bytes: r.payload.length },
          'a durable journal entry could not be read to its end; its rest is kept as a rejection',
        );
    }
    await this.writePoints(slice, entries);
    await this.keepRejections(slice);
    await retryUntilDone(() => this.jobs.enqueue(slice.readings.intakeDays), this.retryOptions('redis'));
    this.countStored(slice);
  }

  /**
   * Keeps the slice's rejections, retrying while PostgreSQL cannot be reached. A rejection it
   * refuses even alone is logged (with its bytes, up to 1 KiB) and counted, and the slice goes on:
   * retrying a refused statement would stall the journal, valid readings behind it included.
   */
  private async keepRejections(slice: PreparedSlice): Promise<void> {
    const unstorable = await retryUntilDone(() => this.o.rejections.insert([...slice.rejections.values()]), this.retryOptions('postgres'));
    for (const { rejection: r, error } of unstorable) {
      this.o.metrics.unstorableRejections.inc({ reason: r.code });
      this.o.logger.error(
        {
          err: error,
          code: r.code,
          reason: r.reason,
          topic: r.topic,
          receivedMs: r.receivedMs,
          payloadBase64: r.payload.subarray(0, 1024).toString('base64'),
        },
        'PostgreSQL refused to keep a rejection; it is only in this log',
      );
    }
  }

  /**
   * Decodes and validates the messages one by one into points, with the meters' placements. A
   * meter the registry did not know may have been registered a moment ago: the directory then
   * looks (at most every 250 ms), and if the registry changed the slice is prepared again. Asked
   * only about the unknown meters found while preparing, so a batch is decoded once, not once to
   * list its meters and again for its points.
   */
  private async prepare(entries: readonly JournalEntry[]): Promise<PreparedSlice> {
    const resolve = (meterIds: Iterable<string>) => retryUntilDone(() => this.o.directory.resolve(meterIds), this.retryOptions('postgres'));
    const placements = await resolve([]);
    const first = prepareSlice(entries, placements, this.o.limits, this.body);
    let slice = first.slice;
    if (first.unknownMeters.size > 0) {
      const current = await resolve(first.unknownMeters);
      if (current !== placements) slice = prepareSlice(entries, current, this.o.limits, this.body).slice;
    }
    this.messagesPerEntry = 0.8 * this.messagesPerEntry + 0.2 * (slice.receivedMs.length / entries.length);
    return slice;
  }

  private countStored(slice: PreparedSlice): void {
    const { metrics } = this.o;
    const { receivedMs, readings } = slice;
    const storedMs = Date.now();
    metrics.batchSize.observe(receivedMs.length);
    for (const ms of receivedMs) metrics.storeLagSeconds.observe((storedMs - ms) / 1000);
    for (const r of slice.rejections.values()) metrics.rejected.inc({ reason: r.code });
    for (const ts of readings.timestamps) metrics.readingAgeSeconds.observe((storedMs - ts) / 1000);
    if (readings.registered) metrics.written.inc({ registered: 'true' }, readings.registered);
    if (readings.unregistered) metrics.written.inc({ registered: 'false' }, readings.unregistered);
  }

  /**
   * Writes every point of the slice. Should InfluxDB refuse it outright (a 4xx: retrying the same
   * data cannot succeed), each message's points are written alone so that only the messages it
   * refuses become rejections ("store_refused") and the rest are stored.
   */
  private async writePoints(slice: PreparedSlice, entries: readonly JournalEntry[]): Promise<void> {
    await this.writeConfidential(slice, entries);
    const write = (body: string) => {
      const end = this.o.metrics.writeSeconds.startTimer();
      return retryUntilDone(() => this.o.influx.writeLineProtocol(body), {
        ...this.retryOptions('influxdb'),
        shouldRetry: (err) => !(err instanceof InfluxWriteError) || err.retriable,
      }).finally(end);
    };
    try {
      await write(slice.body);
    } catch (err) {
      if (!(err instanceof InfluxWriteError) || err.retriable) throw err;
      this.o.logger.warn({ err }, 'InfluxDB refused a batch; writing its messages one by one');
      // The messages themselves are needed again only here, for the rejections: decoded anew.
      const messages = [...sliceMessages(entries)];
      for (const [i, message] of messages.entries()) {
        const from = i === 0 ? 0 : (slice.bodyEnds[i - 1] ?? 0);
        const to = slice.bodyEnds[i] ?? from;
        if (to === from || 'code' in message) continue;
        try {
          await write(slice.body.slice(from, to - 1));
        } catch (single) {
          if (!(single instanceof InfluxWriteError) || single.retriable) throw single;
          const meterId = parseMeterTopic(message.topic)?.meterId;
          slice.rejections.set(i, { ...rejectionBase(message), code: 'store_refused', reason: single.message, meterId });
        }
      }
    }
  }

  /**
   * Writes the points of confidential intakes to their own database; as for the others, a message
   * whose points InfluxDB refuses outright becomes a store_refused rejection.
   */
  private async writeConfidential(slice: PreparedSlice, entries: readonly JournalEntry[]): Promise<void> {
    if (slice.confidential.size === 0) return;
    const write = (lines: readonly string[]) =>
      retryUntilDone(() => this.o.confidentialInflux.writeLines(lines), {
        ...this.retryOptions('influxdb'),
        shouldRetry: (err) => !(err instanceof InfluxWriteError) || err.retriable,
      });
    try {
      await write([...slice.confidential.values()].flat());
    } catch (err) {
      if (!(err instanceof InfluxWriteError) || err.retriable) throw err;
      const messages = [...sliceMessages(entries)];
      for (const [i, lines] of slice.confidential) {
        const message = messages[i];
        if (!message || 'code' in message) continue;
        await write(lines).catch((single: unknown) => {
          if (!(single instanceof InfluxWriteError) || single.retriable) throw single;
          slice.rejections.set(i, {
            ...rejectionBase(message),
            code: 'store_refused',
            reason: single.message,
            meterId: parseMeterTopic(message.topic)?.meterId,
          });
        });
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

function rejectionBase(message: JournalMessage) {
  return { receivedMs: message.receivedMs, topic: message.topic, payload: message.payload };
}

/**
 * The slice's points, rejections and readings summary. Each message is decoded from its entry and
 * turned into its points before the next is decoded: in a batch of thousands, all decoded at once,
 * they outlived several young-generation collections and were promoted. Synchronous, so `body`
 * serves one slice at a time. Also returns the meters of its readings or status changes that
 * `placements` does not know.
 */
function prepareSlice(
  entries: readonly JournalEntry[],
  placements: ReadonlyMap<string, MeterPlacement>,
  limits: DecodeLimits,
  body: LineProtocolBody,
): { slice: PreparedSlice; unknownMeters: Set<string> } {
  body.clear();
  const bodyEnds: number[] = [];
  const receivedMs: number[] = [];
  const rejections = new Map<number, Rejection>();
  const readings = new ReadingsTally();
  const unknownMeters = new Set<string>();
  const confidential = new Map<number, string[]>();
  for (const message of sliceMessages(entries)) {
    if ('code' in message) {
      rejections.set(receivedMs.length, message);
      receivedMs.push(message.receivedMs);
      bodyEnds.push(body.length);
      continue;
    }
    const d = decodeLogged(message, limits);
    const placement = d.kind === 'rejected' ? undefined : placements.get(d.meterId);
    if (d.kind !== 'rejected' && !placement) unknownMeters.add(d.meterId);
    const rejection = rejectionOf(message, d, placement);
    if (rejection) rejections.set(receivedMs.length, rejection);
    if (placement?.confidential && d.kind !== 'rejected') confidential.set(receivedMs.length, pointsOf(d, placement, message.receivedMs));
    else if (d.kind === 'status') body.push(statusLine(d.meterId, placement, d.online, message.receivedMs));
    else if (d.kind === 'readings') {
      const series = readingSeries(d.meterId, placement);
      for (const r of d.readings) body.push(readingLineIn(series, r, message.receivedMs));
    }
    if (d.kind === 'readings') readings.add(d.readings, placement);
    receivedMs.push(message.receivedMs);
    bodyEnds.push(body.length);
  }
  return { slice: { body: body.take(), bodyEnds, receivedMs, rejections, readings, confidential }, unknownMeters };
}

/** A confidential intake's message as separate lines (rare: kept off the shared body's fast path). */
function pointsOf(d: Exclude<DecodedMessage, { kind: 'rejected' }>, placement: MeterPlacement, receivedMs: number): string[] {
  if (d.kind === 'status') return [statusLine(d.meterId, placement, d.online, receivedMs)];
  const series = readingSeries(d.meterId, placement);
  return d.readings.map((r) => readingLineIn(series, r, receivedMs));
}

/**
 * The message decoded; one on a meter's subtopic other than readings or status is refused as
 * unknown_subtopic, naming its meter (the decoder knows only the contract's topics and would call
 * it bad_topic, without a meter).
 */
function decodeLogged(message: JournalMessage, limits: DecodeLimits): DecodedMessage {
  const strayMeter = meterOfStrayTopic(message.topic);
  if (strayMeter === undefined) return decodeMessage(message.topic, message.payload, message.receivedMs, limits);
  const reason = `topic "${message.topic.slice(0, 200)}" is under meters/${strayMeter}/ but not readings or status`;
  return { kind: 'rejected', meterId: strayMeter, code: 'unknown_subtopic', reason };
}

/** The message's rejection, if any; `placement` is its meter's (undefined for a meter the registry does not know). */
function rejectionOf(message: JournalMessage, d: DecodedMessage, placement: MeterPlacement | undefined): Rejection | undefined {
  if (d.kind === 'rejected') return { ...rejectionBase(message), meterId: d.meterId, code: d.code, reason: d.reason };
  // Readings of an unknown meter are stored (as evidence) and also listed for staff as a rejection.
  if (d.kind === 'readings' && !placement) {
    return { ...rejectionBase(message), meterId: d.meterId, code: 'unknown_meter', reason: `meter ${d.meterId} is not in the registry` };
  }
  return undefined;
}

/**
 * The part of `entry` from byte `from` on, which could not be read for `why`, as kept for staff:
 * its bytes, no topic or meter, received when the entry was appended (the time in its stream id).
 */
function unreadableRest(entry: JournalEntry, why: string, from: number): Rejection {
  const reason = `${why} (stream entry ${entry.id})`;
  return {
    receivedMs: Number.parseInt(entry.id, 10),
    topic: '',
    payload: entry.body.subarray(from),
    meterId: undefined,
    code: 'corrupt_log_entry',
    reason,
  };
}

/**
 * The messages of a slice's entries in log order. A corrupt entry (only a bug or a damaged Redis
 * could write one) gives the messages before the damage and then its unreadable rest, which
 * becomes a rejection (corrupt_log_entry): failing the whole slice instead would have held up the
 * entries read with it for ever, readings already acknowledged to the meters among them. An entry
 * not of the journal's form at all is all unreadable rest.
 */
function* sliceMessages(entries: readonly JournalEntry[]): Generator<JournalMessage | Rejection> {
  for (const entry of entries) {
    if (entry.foreign !== undefined) {
      yield unreadableRest(entry, entry.foreign, 0);
      continue;
    }
    try {
      yield* messagesOf(entry.body);
    } catch (err) {
      if (!(err instanceof LogCodecError)) throw err;
      yield unreadableRest(entry, err.message, err.at);
    }
  }
}

/** What a batch's readings mean for the monitor and the metrics once they are stored. */
class ReadingsTally {
  /** The (intake, local day) pairs of registered meters' readings. */
  readonly intakeDays = new IntakeDaySet();
  /** Every reading's ts, for the reading-age histogram. */
  readonly timestamps: number[] = [];
  /** Readings of registered and of unknown meters; counted per batch, as a labelled counter hashes its labels on every call. */
  registered = 0;
  unregistered = 0;

  add(readings: readonly Reading[], placement: MeterPlacement | undefined): void {
    const intakeId = placement?.intakeId;
    if (intakeId) this.registered += readings.length;
    else this.unregistered += readings.length;
    for (const r of readings) {
      this.timestamps.push(r.ts);
      if (intakeId) this.intakeDays.add(intakeId, localDay(r.ts));
    }
  }
}
