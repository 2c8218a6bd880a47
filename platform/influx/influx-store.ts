/**
 * The readings store. Writes line protocol (domain/telemetry/points.ts) through @influxdata/influxdb-client's
 * HTTP transport to the write endpoint of the configured mode:
 *   v2: POST /api/v2/write?org&bucket   (InfluxDB 2.x, 3.x, and 1.8+ compatibility)
 *   v1: POST /write?db&rp               (InfluxDB 1.x, including Debian's 1.6.7)
 * Reads are InfluxQL over GET /query, which 1.x, 2.x (DBRP mapping, database = bucket) and 3.x
 * serve alike. The client's own buffered WriteApi is deliberately not used: ingest keeps the only
 * durable copy of a reading in its log until a write here has returned (docs/ingest.md).
 */
import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import type { InfluxConfig } from '../config.ts';

export interface InfluxStoreOptions extends InfluxConfig {
  /** Per-request timeout in ms. Default 30000. */
  timeoutMs?: number;
}

/** One InfluxQL series in a /query answer. */
export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

interface QueryAnswer {
  results?: { statement_id: number; series?: InfluxSeries[]; error?: string }[];
  error?: string;
}

export class InfluxWriteError extends Error {
  /** False when retrying the same data cannot succeed (the server refused it). */
  readonly retriable: boolean;
  readonly statusCode: number | undefined;
  constructor(message: string, retriable: boolean, statusCode: number | undefined, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InfluxWriteError';
    this.retriable = retriable;
    this.statusCode = statusCode;
  }
}

export class InfluxQueryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InfluxQueryError';
  }
}

export class InfluxStore {
  readonly database: string;
  private readonly client: InfluxDB;
  private readonly options: InfluxStoreOptions;
  private readonly authHeaders: Record<string, string>;

  constructor(options: InfluxStoreOptions) {
    this.options = options;
    this.database = options.database;
    this.client = new InfluxDB({
      url: options.url,
      timeout: options.timeoutMs ?? 30_000,
      ...(options.api === 'v2' && options.token ? { token: options.token } : {}),
    });
    this.authHeaders =
      options.api === 'v1' && options.username
        ? { authorization: `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}` }
        : {};
  }

  /** Line-protocol endpoint for this mode, millisecond precision. */
  private writePath(): string {
    const o = this.options;
    const q = new URLSearchParams({ precision: 'ms' });
    if (o.api === 'v2') {
      q.set('org', o.org ?? '');
      q.set('bucket', o.database);
      return `/api/v2/write?${q.toString()}`;
    }
    q.set('db', o.database);
    if (o.retentionPolicy) q.set('rp', o.retentionPolicy);
    return `/write?${q.toString()}`;
  }

  /** Writes line-protocol lines (timestamps in ms). Resolves once the server has accepted them. */
  async writeLines(lines: readonly string[]): Promise<void> {
    await this.writeLineProtocol(lines.join('\n'));
  }

  /** Writes a line-protocol body: lines separated by "\n", timestamps in ms. Resolves once the server has accepted them. */
  async writeLineProtocol(body: string): Promise<void> {
    if (body.length === 0) return;
    try {
      await this.client.transport.request(this.writePath(), body, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8', ...this.authHeaders },
        // Compression costs CPU on both sides; worth it only over a slow link (INFLUX_GZIP_MIN_BYTES).
        // The client compresses bodies longer than the threshold.
        gzipThreshold: this.options.gzipMinBytes ? this.options.gzipMinBytes - 1 : Number.MAX_SAFE_INTEGER,
      });
    } catch (err) {
      throw toWriteError(err);
    }
  }

  /**
   * Runs InfluxQL statements (separated by `;`) and returns each statement's series. Sent as a POST
   * form, so a statement naming hundreds of intakes is not limited by URL length.
   */
  async query(influxql: string): Promise<InfluxSeries[][]> {
    const q = new URLSearchParams({ db: this.database, q: influxql, epoch: 'ms' });
    if (this.options.api === 'v1' && this.options.retentionPolicy) q.set('rp', this.options.retentionPolicy);
    let answer: QueryAnswer;
    try {
      answer = (await this.client.transport.request('/query', q.toString(), {
        method: 'POST',
        headers: { ...this.authHeaders, 'content-type': 'application/x-www-form-urlencoded' },
      })) as QueryAnswer;
    } catch (err) {
      throw new InfluxQueryError(`InfluxQL query failed: ${describe(err)}`, { cause: err });
    }
    if (answer.error) throw new InfluxQueryError(answer.error);
    return (answer.results ?? []).map((r) => {
      if (r.error) throw new InfluxQueryError(`statement ${r.statement_id}: ${r.error}`);
      return r.series ?? [];
    });
  }

  /**
   * Creates the database in v1 mode (idempotent); in v2 the bucket is provisioned by the server's
   * setup. Throws InfluxQueryError when the server refuses (a 4xx: a user without admin rights,
   * say), and the transport's own error when it cannot be reached, fails, or does not take the
   * credentials (401, as a write would: worth retrying, and logged as such).
   */
  async ensureDatabase(): Promise<void> {
    if (this.options.api !== 'v1') return;
    const q = new URLSearchParams({ q: `CREATE DATABASE "${this.database.replaceAll('"', '\\"')}"` });
    try {
      await this.client.transport.request(`/query?${q.toString()}`, '', { method: 'POST', headers: this.authHeaders });
    } catch (err) {
      const refused = err instanceof HttpError && err.statusCode < 500 && err.statusCode !== 401;
      if (refused) throw new InfluxQueryError(`CREATE DATABASE refused: ${describe(err)}`, { cause: err });
      throw err;
    }
  }

  /** True when the server answers /ping. */
  async ping(): Promise<boolean> {
    try {
      await this.client.transport.request('/ping', '', { method: 'GET', headers: this.authHeaders });
      return true;
    } catch {
      return false;
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof HttpError) return `HTTP ${err.statusCode} ${err.body ?? err.message}`.trim();
  return err instanceof Error ? err.message : String(err);
}

function toWriteError(err: unknown): InfluxWriteError {
  if (err instanceof HttpError) {
    // 400, 413 and 422 mean the server refused this data: retrying the same lines cannot help.
    // Anything else (401/403: a token, 404: a database or bucket not there yet, 5xx) is the store's
    // state, not the data's: retry, never give the readings up.
    const refused = err.statusCode === 400 || err.statusCode === 413 || err.statusCode === 422;
    return new InfluxWriteError(`InfluxDB write failed: ${describe(err)}`, !refused, err.statusCode, { cause: err });
  }
  return new InfluxWriteError(`InfluxDB write failed: ${describe(err)}`, true, undefined, { cause: err });
}
