import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../test/services/redis.ts';
import { ACCOUNT_QUEUE, AccountJobProducer, type AccountJobData, accountJobId, coalescingWindow, windowPhaseMs } from './queues.ts';
import { createRedis } from './redis.ts';

const COALESCE_MS = 10_000;
let redis: TestRedis;
let queue: Queue<AccountJobData>;

beforeAll(async () => {
  redis = await startRedis();
  queue = new Queue<AccountJobData>(ACCOUNT_QUEUE, { connection: createRedis({ url: redis.url, connectionName: 'queues-test' }) });
});
afterAll(async () => {
  await queue.close();
  await redis.stop();
});

const delayedIds = async () => (await queue.getDelayed()).map((j) => j.id).sort();

describe('coalescing windows', () => {
  it('place every moment in exactly one window of the intake, closing within a window length', () => {
    for (const intakeId of ['1', '2', '731', '99999']) {
      for (const nowMs of [0, 1, 9_999, 10_000, 1_764_000_123_456]) {
        const w = coalescingWindow(intakeId, nowMs, COALESCE_MS);
        expect(w.closesAtMs).toBeGreaterThan(nowMs);
        expect(w.closesAtMs - nowMs).toBeLessThanOrEqual(COALESCE_MS);
        expect(coalescingWindow(intakeId, w.closesAtMs - 1, COALESCE_MS).index).toBe(w.index);
        expect(coalescingWindow(intakeId, w.closesAtMs, COALESCE_MS).index).toBe(w.index + 1);
      }
    }
  });

  it('begin at points spread over the cycle, so intakes do not all need a new job at once', () => {
    const tenths = new Array<number>(10).fill(0);
    for (let id = 1; id <= 5000; id++) {
      const tenth = Math.floor(windowPhaseMs(String(id), COALESCE_MS) / (COALESCE_MS / 10));
      tenths[tenth] = (tenths[tenth] ?? 0) + 1;
    }
    // 500 expected in each tenth of the cycle; a shared boundary would put all 5000 in one.
    for (const count of tenths) expect(count).toBeGreaterThan(400);
    for (const count of tenths) expect(count).toBeLessThan(600);
  });
});

describe('AccountJobProducer', () => {
  it('adds one job per intake-day and window, delayed until the window has closed, and none for later batches of that window', async () => {
    await queue.obliterate({ force: true });
    const producer = new AccountJobProducer(queue, COALESCE_MS);
    const now = Date.now();
    const pairs = [{ intakeId: '11', day: '2026-06-01' }, { intakeId: '12', day: '2026-06-01' }, { intakeId: '11', day: '2026-05-31' }];
    expect(await producer.enqueue(pairs, now)).toBe(3);
    const windows = pairs.map((p) => coalescingWindow(p.intakeId, now, COALESCE_MS));
    expect(await delayedIds()).toEqual(pairs.map((p, i) => accountJobId(p.intakeId, p.day, windows[i]?.index ?? -1)).sort());
    for (const job of await queue.getDelayed()) {
      const window = coalescingWindow(job.data.intakeId, now, COALESCE_MS);
      expect(job.opts.delay).toBe(window.closesAtMs - now + 1_000);
    }
    // Later batches of the same windows cost Redis nothing.
    expect(await producer.enqueue(pairs, now + 1)).toBe(0);
    expect(await producer.enqueue(pairs.slice(0, 1), (windows[0]?.closesAtMs ?? 0) - 1)).toBe(0);
  });

  it("adds an intake-day's next job once its window has closed", async () => {
    await queue.obliterate({ force: true });
    const producer = new AccountJobProducer(queue, COALESCE_MS);
    const pair = { intakeId: '21', day: '2026-06-01' };
    const now = Date.now();
    const first = coalescingWindow(pair.intakeId, now, COALESCE_MS);
    await producer.enqueue([pair], now);
    expect(await producer.enqueue([pair], first.closesAtMs)).toBe(1);
    expect(await delayedIds()).toEqual([accountJobId('21', '2026-06-01', first.index), accountJobId('21', '2026-06-01', first.index + 1)].sort());
  });

  it('leaves one job when two ingest processes add the same intake-day in the same window', async () => {
    await queue.obliterate({ force: true });
    const now = Date.now();
    const pair = { intakeId: '31', day: '2026-06-01' };
    await new AccountJobProducer(queue, COALESCE_MS).enqueue([pair], now);
    await new AccountJobProducer(queue, COALESCE_MS).enqueue([pair], now + 5);
    expect(await delayedIds()).toEqual([accountJobId('31', '2026-06-01', coalescingWindow('31', now, COALESCE_MS).index)]);
  });
});
