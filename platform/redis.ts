/** Redis connections (ioredis). BullMQ workers need maxRetriesPerRequest: null; see createRedis. */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.ts';

export interface RedisConnectionOptions {
  /** redis:// URL. */
  url: string;
  /** Name shown by CLIENT LIST, for operators, and in the log lines about this connection. */
  connectionName: string;
  /**
   * Told when the connection fails (once an outage, as a warning: ioredis reconnects by itself
   * meanwhile) and when it is back. Without a listener, ioredis would print every failed attempt.
   */
  logger: Pick<Logger, 'warn' | 'info'>;
  /**
   * null: commands wait for a reconnect instead of failing (what BullMQ workers and the ingest log
   * need: a Redis restart delays them, it does not drop them). Default null.
   */
  maxRetriesPerRequest?: number | null;
}

export function createRedis(o: RedisConnectionOptions): Redis {
  const options: RedisOptions = {
    connectionName: o.connectionName,
    maxRetriesPerRequest: o.maxRetriesPerRequest ?? null,
    // Back off up to 2 s between reconnect attempts, forever.
    retryStrategy: (attempt) => Math.min(50 * attempt, 2000),
  };
  const redis = new Redis(o.url, options);
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    o.logger.warn({ err, connection: o.connectionName }, 'Redis connection failed; reconnecting');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    o.logger.info({ connection: o.connectionName }, 'Redis connection back');
  });
  return redis;
}

/** The socket errors of a Redis that cannot be reached or went away. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Whether `err` is a failure to reach Redis: a socket error, or a command cut off by a closing
 * connection. createRedis reports those once an outage, while BullMQ's queues and workers repeat
 * every one of them as an 'error' event of their own.
 */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = 'code' in err ? err.code : undefined;
  return (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) || err.message === 'Connection is closed.';
}

/**
 * The 'error' listener of a BullMQ queue or worker: `report` hears its errors, not its repeats of
 * its connection's errors (createRedis reports those once an outage).
 */
export function unlessConnectionError(report: (err: Error) => void): (err: Error) => void {
  return (err) => {
    if (!isConnectionError(err)) report(err);
  };
}
