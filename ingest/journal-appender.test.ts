import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.ts';
import { createRedis } from '../platform/redis.ts';
import { startRedis, type TestRedis } from '../test/services/redis.ts';
import { waitFor } from '../test/services/process.ts';
import { Journal } from './journal.ts';
import { JournalAppender } from './journal-appender.ts';
import { messagesOf } from './journal-codec.ts';
import { IngestMetrics } from './metrics.ts';

describe('JournalAppender', () => {
  let server: TestRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis();
    redis = createRedis({ url: server.url, connectionName: 'log-appender-test', logger: createLogger('log-appender-test', 'silent') });
  });

  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  /** An appender on a stream of its own; `durable` lists the messages (by number) as they become durable, `durableAt` when. */
  function appenderOn(stream: string, minIntervalMs?: number) {
    const appender = new JournalAppender({
      journal: new Journal(redis, { stream }),
      metrics: new IngestMetrics({ processMetrics: false }),
      logger: createLogger('log-appender-test', 'silent'),
      ...(minIntervalMs === undefined ? {} : { minIntervalMs }),
    });
    const durable: number[] = [];
    const durableAt = new Map<number, number>();
    const append = (n: number) => {
      appender.append(`meters/m${n}/readings`, Buffer.from(`{"n":${n}}`), n, () => {
        durable.push(n);
        durableAt.set(n, Date.now());
      });
    };
    return { appender, append, durable, durableAt };
  }

  /** The messages (by number) of each entry of the stream, in order. */
  async function entriesOf(stream: string): Promise<number[][]> {
    const entries = await redis.xrangeBuffer(stream, '-', '+');
    return entries.map(([, fields]) => [...messagesOf(fields[1] as Buffer)].map((m) => m.receivedMs));
  }

  it('sends a lone message at once, and all that arrives while that append is under way together in the next', async () => {
    const stream = 'appender-test';
    const { appender, append, durable } = appenderOn(stream);

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

    expect(await entriesOf(stream)).toEqual([[1], [2, 3, 4]]);
    expect(durable).toEqual([1, 2, 3, 4]);
    await appender.close();
  });

  it('starts appends at least minIntervalMs apart, each with all that arrived meanwhile; after a quiet spell a message goes out at once', async () => {
    const stream = 'appender-interval-test';
    const { appender, append, durable, durableAt } = appenderOn(stream, 1000);
    const startedMs = Date.now();
    append(1);
    await waitFor('the first durable', () => Promise.resolve(durable.length === 1));
    append(2);
    await sleep(20);
    append(3);
    await waitFor('the next two durable', () => Promise.resolve(durable.length === 3));
    expect(durableAt.get(2) ?? 0).toBeGreaterThanOrEqual(startedMs + 1000);
    // Quiet for longer than the interval: the next message does not wait for it.
    await sleep(1100);
    const loneMs = Date.now();
    append(4);
    await waitFor('the lone one durable', () => Promise.resolve(durable.length === 4));
    expect((durableAt.get(4) ?? 0) - loneMs).toBeLessThan(500);
    expect(await entriesOf(stream)).toEqual([[1], [2, 3], [4]]);
    await appender.close();
  });
});
