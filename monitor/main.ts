/**
 * `node monitor/main.ts`: water-use accounts and rules. SIGTERM/SIGINT: graceful shutdown
 * (MonitorService.close); a second signal exits at once.
 */
import { loadConfigOrExit } from '../platform/config.ts';
import { createDb } from '../platform/db/database.ts';
import { MergedInfluxReader } from '../platform/influx/readings-reader.ts';
import { createLogger } from '../platform/logger.ts';
import { createRedis } from '../platform/redis.ts';
import { closeOnSignals } from '../platform/shutdown.ts';
import { RuleConfig } from '../domain/evaluation/index.ts';
import { buildMonitor } from './monitor-service.ts';

const config = loadConfigOrExit();
const logger = createLogger('monitor', config.logLevel);
const rules = RuleConfig.loadOrExit(config.monitor.rulesFile, { provinceCode: config.provinceCode });
const db = createDb({ url: config.databaseUrl, poolSize: 8 });
const service = buildMonitor({
  db,
  influx: MergedInfluxReader.of(config.influx),
  logger,
  rules,
  redis: (name) => createRedis({ url: config.redisUrl, connectionName: `monitor:${name}`, logger }),
});

closeOnSignals(logger, async () => {
  await service.close();
  await db.destroy();
});

await service.start();
