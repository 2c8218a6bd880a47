import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../common/logger.ts';
import { createRedis } from '../common/redis.ts';
import { startRedis, type TestRedis } from '../test/services/redis.ts';
import { waitFor } from '../test/services/process.ts';
import { IngestLog } from './ingest-log.ts';
import { LogAppender } from './log-appender.ts';
import { decodeMessages } from './log-codec.ts';
import { IngestMetrics } from './metrics.ts';

describe('LogAppender', () => {
  let server: TestRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis();
    redis = createRedis({ url: server.url, connectionName: 'log-appender-test' });
  });

  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('sends a lone message at once, and all that arrives while that append is under way together in the next', async () => {
    const stream = 'appender-test';
    const appender = new LogAppender({
      log: new IngestLog(redis, { stream }),
      metrics: new IngestMetrics({ processMetrics: false }),
      logger: createLogger('log-appender-test', 'silent'),
    });
    const durable: number[] = [];
    const append = (n: number) => {
      appender.append(`meters/m${n}/readings`, Buffer.from(`{"n":${n}}`), n, () => durable.push(n));
    };

    // Redis holds writes for a while, so the first append stays under way while the others arrive, each in a turn of its own.
    const admin = redis.duplicate();
    await admin.call('CLIENT', 'PAUSE', '300', 'WRITE');
    admin.disconnect();
    append(1);
    for (const n of [2, 3, 4]) {
      await sleep(20);
      append(n);
    }
    await waitFor('all four durable', () => Promise.resolve(durable.length === 4));

    const entries = await redis.xrangeBuffer(stream, '-', '+');
    const messagesPerEntry = entries.map(([, fields]) => decodeMessages(fields[1] as Buffer).map((m) => m.receivedMs));
    expect(messagesPerEntry).toEqual([[1], [2, 3, 4]]);
    expect(durable).toEqual([1, 2, 3, 4]);
    await appender.close();
  });
});
