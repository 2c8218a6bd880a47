import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../test/services/process.ts';
import { startRedis, type TestRedis } from '../test/services/redis.ts';
import { createRedis, isConnectionError } from './redis.ts';

let server: TestRedis;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server.stop();
});

/** A logger that keeps the messages it is given. */
function recordingLogger() {
  const messages: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => messages.push((JSON.parse(line) as { msg: string }).msg) });
  return { logger, messages };
}

describe('createRedis', () => {
  it('reports an outage once, however many reconnect attempts fail, and then its end', async () => {
    const { logger, messages } = recordingLogger();
    const redis = createRedis({ url: server.url, connectionName: 'outage-test', logger });
    try {
      await redis.ping();
      await server.process.stop('SIGKILL');
      await sleep(3000); // reconnect attempts 50 ms, 100 ms, … apart: a dozen fail meanwhile
      await server.restart();
      await waitFor('the connection back', () => Promise.resolve(messages.includes('Redis connection back')));
      expect(messages).toEqual(['Redis connection failed; reconnecting', 'Redis connection back']);
    } finally {
      redis.disconnect();
    }
  });
});

describe('isConnectionError', () => {
  it('is true for a refused connection (what queues and workers repeat), false for an error Redis answered with', async () => {
    const { logger } = recordingLogger();
    const nowhere = createRedis({ url: `redis://127.0.0.1:${await freePort()}`, connectionName: 'nowhere', logger });
    const redis = createRedis({ url: server.url, connectionName: 'answering', logger });
    try {
      const [refused] = (await once(nowhere, 'error')) as unknown[];
      const answered: unknown = await redis.call('NO-SUCH-COMMAND').catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(Error);
      expect(answered).toBeInstanceOf(Error);
      expect(isConnectionError(answered)).toBe(false);
      expect(isConnectionError(new Error('Connection is closed.'))).toBe(true);
      expect(isConnectionError(refused)).toBe(true);
    } finally {
      nowhere.disconnect();
      redis.disconnect();
    }
  });
});
