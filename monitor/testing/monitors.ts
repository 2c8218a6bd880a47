/**
 * For the monitor's tests: monitors built as main.ts builds them (buildMonitor) on the test's
 * stores, each closed after the test file.
 */
import { afterAll } from 'vitest';
import type { RuleConfig } from '../../domain/evaluation/index.ts';
import type { InfluxReader } from '../../platform/influx/readings-reader.ts';
import { createLogger } from '../../platform/logger.ts';
import { createRedis } from '../../platform/redis.ts';
import type { TestDatabase } from '../../test/database.ts';
import { testRedisUrl } from '../../test/services/redis.ts';
import { buildMonitor, type MonitorService } from '../monitor-service.ts';

export interface TestMonitorStores {
  testDb: TestDatabase;
  influx: InfluxReader;
  /** The Redis of the queues; default: the shared test Redis (testRedisUrl). */
  redisUrl?: () => string;
}

/** Call at the top of a test file, after useTestDatabase(); the factory works inside tests and hooks. */
export function useTestMonitors(stores: TestMonitorStores): (options?: { rules?: RuleConfig }) => MonitorService {
  const monitors: MonitorService[] = [];
  afterAll(() => Promise.all(monitors.map((m) => m.close())));
  const logger = createLogger('test', 'silent');
  return (options = {}) => {
    const url = stores.redisUrl?.() ?? testRedisUrl();
    const monitor = buildMonitor({
      db: stores.testDb.db,
      influx: stores.influx,
      logger,
      redis: (name) => createRedis({ url, connectionName: `test-monitor:${name}`, logger }),
      ...options,
    });
    monitors.push(monitor);
    return monitor;
  };
}
