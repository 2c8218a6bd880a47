/**
 * `node api/main.ts`: the HTTP API. Shutdown on SIGTERM/SIGINT: stop accepting connections,
 * finish requests in flight (Fastify close), then close the database pool and Redis.
 */
import { RuleConfig } from '../domain/evaluation/index.ts';
import { loadConfigOrExit } from '../platform/config.ts';
import { createDb } from '../platform/db/database.ts';
import { MergedInfluxReader } from '../platform/influx/readings-reader.ts';
import { createLogger } from '../platform/logger.ts';
import { createRedis } from '../platform/redis.ts';
import { closeOnSignals } from '../platform/shutdown.ts';
import { buildApp } from './app.ts';

const config = loadConfigOrExit();
// The rules file's ledger and submission sections bind the API's rules of duty and deadlines too.
const rules = RuleConfig.loadOrExit(config.monitor.rulesFile, { provinceCode: config.provinceCode });
const db = createDb({ url: config.databaseUrl, poolSize: config.dbPoolSize });
// Shared sign-in rate limits across API processes; a command fails fast while Redis is down
// (the limiter then lets the request through; the per-account throttle is in PostgreSQL).
const redis = createRedis({
  url: config.redisUrl,
  connectionName: 'api:rate-limit',
  logger: createLogger('api', config.logLevel),
  maxRetriesPerRequest: 1,
});
// The readings behind ledger entries, from both databases, as the monitor reads them.
const readings = MergedInfluxReader.of(config.influx);
const app = await buildApp({ config, db, redis, readings, workflow: { ledger: rules.ledger, submissions: rules.submissions } });

closeOnSignals(app.log, async () => {
  await app.close();
  await db.destroy();
  redis.disconnect();
});

await app.listen({ host: config.api.host, port: config.api.port });
