/**
 * The monitor's schedules as a start leaves them in Redis (a Redis of the test's own: the queue's
 * name is the production one): the offline sweep waits one interval before its first run, so that
 * readings still on their way after a restart (ingest's backlog, a demo fleet's history) are
 * stored before any meter is judged offline.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxStore } from '../platform/influx/influx-store.ts';
import { useTestDatabase } from '../test/database.ts';
import { testInfluxConfig } from '../test/services/influxdb.ts';
import { startRedis, type TestRedis } from '../test/services/redis.ts';
import { SCHEDULE_QUEUE } from './schedules.ts';
import { useTestMonitors } from './testing/monitors.ts';

const testDb = useTestDatabase();
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
// Registered after the Redis's hooks, so the monitors close before it stops (after hooks run in reverse).
afterAll(() => redis.stop());
const monitors = useTestMonitors({ testDb, influx: new InfluxStore(testInfluxConfig()), redisUrl: () => redis.url });

describe('the schedules after a start', () => {
  it('run the offline sweep first one interval after the start, the daily jobs at their hour', async () => {
    const started = Date.now();
    await monitors().start();
    const queue = new Queue(SCHEDULE_QUEUE, { connection: { url: redis.url } });
    try {
      const delayed = await queue.getDelayed();
      const sweep = delayed.find((j) => j.name === 'offline-sweep');
      expect(sweep?.timestamp).toBeDefined();
      const firstRun = (sweep?.timestamp ?? 0) + (sweep?.delay ?? 0);
      expect(firstRun).toBeGreaterThanOrEqual(started + 15 * 60_000);
      expect(firstRun).toBeLessThan(Date.now() + 15 * 60_000 + 1000);
      expect(delayed.map((j) => j.name).sort()).toEqual(['daily-checks', 'day-close', 'escalation', 'monthly-report', 'offline-sweep']);
      // Nothing ran at the start.
      const ran = await queue.getJobs(['wait', 'active', 'completed', 'failed']);
      expect(ran.map((j) => j.name)).toEqual([]);
    } finally {
      await queue.close();
    }
  });
});
