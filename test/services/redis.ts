/** A Redis of the test's own with the append-only file on, as ingest's durable log needs. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portAnswers, ServerProcess, waitFor } from './process.ts';

/** The Redis the tests share where they need no configuration of their own (BullMQ queues). */
export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

export interface TestRedis {
  url: string;
  process: ServerProcess;
  restart(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'wim-redis-'));
  const port = await freePort();
  const process = new ServerProcess('redis', 'redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
  ]);
  const up = async () => {
    process.start();
    await waitFor('redis', () => portAnswers(port));
    await process.waitForOutput('Ready to accept connections');
  };
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    process,
    async restart(signal = 'SIGKILL') {
      await process.stop(signal);
      await up();
    },
    stop: () => process.stop(),
  };
}
