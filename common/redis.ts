/** Redis connections (ioredis). BullMQ workers need maxRetriesPerRequest: null; see createRedis. */
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /** redis:// URL. */
  url: string;
  /** Name shown by CLIENT LIST, for operators. */
  connectionName: string;
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
  return new Redis(o.url, options);
}
