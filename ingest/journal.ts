/**
 * The durable journal between the MQTT side and InfluxDB: a Redis stream. A message is acknowledged
 * to the broker only after its XADD has returned, and removed from the stream only after its
 * readings are in InfluxDB, so every acknowledged reading has a durable copy at every moment
 * (given a Redis with AOF, as docker-compose.yml and `npm start` run it). Drainers share the
 * stream through a consumer group: entries a crashed drainer had taken are claimed by another
 * after `claimIdleMs`.
 */
import type { Redis } from 'ioredis';

export interface JournalEntry {
  /** Stream entry id. */
  id: string;
  /** The messages appended together, encoded (log-codec.ts); the drainer decodes them as it stores them. */
  body: Buffer;
  /**
   * Set when the entry is not of this log's form (one field "m"), e.g. written by something else
   * sharing the stream's name: what is wrong with it. `body` then holds its field values.
   */
  foreign?: string;
}

export interface IngestLogOptions {
  /** Stream key. Default "ingest:log". */
  stream?: string;
  /** Consumer group of the drainers. Default "drainers". */
  group?: string;
  /** Entries pending this long with a consumer that is gone are taken over. Default 60000. */
  claimIdleMs?: number;
}

type RawStreamEntry = [Buffer, Buffer[]];

export class Journal {
  readonly stream: string;
  readonly group: string;
  private readonly redis: Redis;
  private readonly claimIdleMs: number;

  constructor(redis: Redis, options: IngestLogOptions = {}) {
    this.redis = redis;
    this.stream = options.stream ?? 'ingest:log';
    this.group = options.group ?? 'drainers';
    this.claimIdleMs = options.claimIdleMs ?? 60_000;
  }

  /** Appends one entry, messages encoded by `encodeMessages` (log-codec.ts). Resolves once Redis has accepted it. */
  async appendEntry(entry: Buffer): Promise<void> {
    await this.redis.xadd(this.stream, '*', 'm', entry);
  }

  /** Creates the stream and the group when missing (idempotent). */
  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.stream, this.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('BUSYGROUP')) throw err;
    }
  }

  /** Entries `consumer` took before and did not remove: what it had in hand when it stopped. */
  readOwnPending(consumer: string, count: number): Promise<JournalEntry[]> {
    return this.readGroup(consumer, count, '0', 0);
  }

  /** New entries for `consumer`, waiting up to `blockMs` when there are none. */
  readNew(consumer: string, count: number, blockMs: number): Promise<JournalEntry[]> {
    return this.readGroup(consumer, count, '>', blockMs);
  }

  /** Calls `listener` each time the connection is back after it was lost (not at its first connect). */
  onReconnect(listener: () => void): void {
    let connected = this.redis.status === 'ready';
    this.redis.on('ready', () => {
      if (connected) listener();
      connected = true;
    });
  }

  /** The same log over a connection of its own (a blocking read holds its connection). */
  duplicate(): Journal {
    const connection = this.redis.duplicate();
    // Its outages are those of the connection it copies, which reports them; without a listener
    // ioredis would print every failed reconnect attempt.
    connection.on('error', () => undefined);
    return new Journal(connection, { stream: this.stream, group: this.group, claimIdleMs: this.claimIdleMs });
  }

  /** Closes the connection. */
  disconnect(): void {
    this.redis.disconnect();
  }

  /** Takes over entries left pending by consumers that stopped (crashed ingest processes). */
  async claimAbandoned(consumer: string, count: number): Promise<JournalEntry[]> {
    const answer = (await this.redis.callBuffer(
      'XAUTOCLAIM',
      this.stream,
      this.group,
      consumer,
      this.claimIdleMs,
      '0',
      'COUNT',
      count,
    )) as [Buffer, (RawStreamEntry | null)[]];
    return answer[1].filter((e): e is RawStreamEntry => e !== null).map(toEntry);
  }

  /** Acknowledges and deletes entries whose data is stored. */
  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis
      .multi()
      .xack(this.stream, this.group, ...ids)
      .xdel(this.stream, ...ids)
      .exec();
  }

  /**
   * When the oldest entry not yet stored was appended, in Redis's clock, with Redis's time now;
   * `oldestMs` undefined when the journal is empty. Entries leave the journal once stored, so the oldest
   * is the smallest pending id when a drain holds any (no entry bodies cross the wire), else the
   * stream's first entry.
   */
  async oldestEntry(): Promise<{ oldestMs: number | undefined; nowMs: number }> {
    const [seconds = '0', micros = '0'] = await this.redis.time();
    const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const pending = await this.redis.xpending(this.stream, this.group).catch((err: unknown) => {
      // No stream or group yet: nothing is pending.
      if (err instanceof Error && err.message.includes('NOGROUP')) return [0];
      throw err;
    });
    const smallestPending = Array.isArray(pending) && Number(pending[0]) > 0 ? pending[1] : undefined;
    if (typeof smallestPending === 'string') return { oldestMs: idMs(smallestPending), nowMs };
    const [first] = await this.redis.xrange(this.stream, '-', '+', 'COUNT', 1);
    return { oldestMs: first ? idMs(first[0]) : undefined, nowMs };
  }

  /** Entries not yet stored (the backlog). */
  async length(): Promise<number> {
    return this.redis.xlen(this.stream);
  }

  private async readGroup(consumer: string, count: number, from: '0' | '>', blockMs: number): Promise<JournalEntry[]> {
    const args: (string | number)[] = ['GROUP', this.group, consumer, 'COUNT', count];
    if (blockMs > 0) args.push('BLOCK', blockMs);
    let answer: unknown;
    try {
      answer = await this.redis.callBuffer('XREADGROUP', ...args, 'STREAMS', this.stream, from);
    } catch (err) {
      // A Redis that restarted without its data has no group: recreate it and read again later.
      if (err instanceof Error && err.message.includes('NOGROUP')) {
        await this.ensureGroup();
        return [];
      }
      throw err;
    }
    return entriesOfOnlyStream(answer).map(toEntry);
  }
}

/**
 * XREADGROUP answers per stream: RESP2 as [[name, entries]], RESP3 (ioredis 6's default) as a
 * map, which ioredis flattens to [name, entries]. We read one stream, so take its entries.
 */
function entriesOfOnlyStream(answer: unknown): RawStreamEntry[] {
  if (!Array.isArray(answer) || answer.length === 0) return [];
  const first: unknown = answer[0];
  if (Buffer.isBuffer(first)) return (answer[1] ?? []) as RawStreamEntry[];
  return (first as [Buffer, RawStreamEntry[]] | undefined)?.[1] ?? [];
}

function toEntry([id, fields]: RawStreamEntry): JournalEntry {
  const [name, body] = fields;
  if (fields.length === 2 && name?.toString() === 'm' && body) return { id: id.toString(), body };
  const names = fields.filter((_, i) => i % 2 === 0).map(String);
  return {
    id: id.toString(),
    body: Buffer.concat(fields.filter((_, i) => i % 2 === 1)),
    foreign: `stream entry has the fields (${names.join(', ')}) instead of the one field "m" this log writes`,
  };
}

/** The append time in a stream entry id ("<ms>-<seq>"). */
function idMs(id: string): number {
  return Number.parseInt(id, 10);
}
