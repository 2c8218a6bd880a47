import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../test/services/redis.ts';
import { ACCOUNT_QUEUE, AccountJobProducer, type AccountJobData, accountJobId, windowClosesAtMs, windowPhaseMs } from './queues.ts';
import { createLogger } from './logger.ts';
import { createRedis } from './redis.ts';

const COALESCE_MS = 10_000;
const SLACK_MS = 1_000;
let redis: TestRedis;
let queue: Queue<AccountJobData>;

beforeAll(async () => {
  redis = await startRedis();
  queue = new Queue<AccountJobData>(ACCOUNT_QUEUE, {
    connection: createRedis({ url: redis.url, connectionName: 'queues-test', logger: createLogger('queues-test', 'silent') }),
  });
});
afterAll(async () => {
  await queue.close();
  await redis.stop();
});

const delayedIds = async () => (await queue.getDelayed()).map((j) => j.id).sort();
const closesAt = (intakeId: string, nowMs: number) => windowClosesAtMs(intakeId, nowMs, COALESCE_MS);

describe('coalescing windows', () => {
  it('place every moment in exactly one window of the intake, closing within a window length', () => {
    for (const intakeId of ['1', '2', '731', '99999']) {
      for (const nowMs of [0, 1, 9_999, 10_000, 1_764_000_123_456]) {
        const end = closesAt(intakeId, nowMs);
        expect(end).toBeGreaterThan(nowMs);
        expect(end - nowMs).toBeLessThanOrEqual(COALESCE_MS);
        expect(closesAt(intakeId, end - 1)).toBe(end);
        expect(closesAt(intakeId, end)).toBe(end + COALESCE_MS);
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
  it('adds one job per intake-day and window, due when its window has closed, and none for later batches of that window', async () => {
    await queue.obliterate({ force: true });
    const producer = new AccountJobProducer(queue, COALESCE_MS);
    const now = Date.now();
    const pairs = ['11', '12', '13', '14', '15'].map((intakeId) => ({ intakeId, day: '2026-06-01' }));
    pairs.push({ intakeId: '11', day: '2026-05-31' });
    expect(await producer.enqueue(pairs, now)).toBe(6);
    expect(await delayedIds()).toEqual(pairs.map((p) => accountJobId(p.intakeId, p.day, closesAt(p.intakeId, now))).sort());
    const dueInMs = new Map((await queue.getDelayed()).map((job) => [job.data.intakeId, (job.opts.delay ?? 0) - SLACK_MS]));
    for (const [intakeId, dueMs] of dueInMs) expect(now + dueMs).toBe(closesAt(intakeId, now));
    // Staggered: the intakes' jobs fall due at different moments, not at one shared boundary.
    expect(new Set(dueInMs.values()).size).toBe(5);
    // Later batches of the same windows cost Redis nothing.
    const lastMomentOfAll = Math.min(...pairs.map((p) => closesAt(p.intakeId, now))) - 1;
    expect(await producer.enqueue(pairs, lastMomentOfAll)).toBe(0);
  });

  it("adds an intake-day's next job once its window has closed", async () => {
    await queue.obliterate({ force: true });
    const producer = new AccountJobProducer(queue, COALESCE_MS);
    const pair = { intakeId: '21', day: '2026-06-01' };
    const now = Date.now();
    const first = closesAt(pair.intakeId, now);
    await producer.enqueue([pair], now);
    expect(await producer.enqueue([pair], first)).toBe(1);
    expect(await delayedIds()).toEqual(
      [accountJobId('21', '2026-06-01', first), accountJobId('21', '2026-06-01', first + COALESCE_MS)].sort(),
    );
  });

  it('leaves one job when two ingest processes add the same intake-day in the same window', async () => {
    await queue.obliterate({ force: true });
    const now = Date.now();
    const pair = { intakeId: '31', day: '2026-06-01' };
    await new AccountJobProducer(queue, COALESCE_MS).enqueue([pair], now);
    await new AccountJobProducer(queue, COALESCE_MS).enqueue([pair], closesAt('31', now) - 1);
    expect(await delayedIds()).toEqual([accountJobId('31', '2026-06-01', closesAt('31', now))]);
  });
});
