/**
 * `node api/main.ts`: the HTTP API. Shutdown on SIGTERM/SIGINT: stop accepting connections,
 * finish requests in flight (Fastify close), then close the database pool.
 */
import { RuleConfig, RuleConfigError } from '../domain/evaluation/index.ts';
import { loadConfigOrExit } from '../platform/config.ts';
import { createDb } from '../platform/db/database.ts';
import { closeOnSignals } from '../platform/shutdown.ts';
import { buildApp } from './app.ts';

const config = loadConfigOrExit();
// The rules file's ledger and submission sections bind the API's rules of duty and deadlines too.
let rules: RuleConfig;
try {
  rules = RuleConfig.load(config.monitor.rulesFile, { provinceCode: config.provinceCode });
} catch (err) {
  if (!(err instanceof RuleConfigError)) throw err;
  process.stderr.write(`Invalid rule configuration (MONITOR_RULES_FILE): ${err.message}\n`);
  process.exit(78);
}
const db = createDb({ url: config.databaseUrl, poolSize: config.dbPoolSize });
const app = await buildApp({ config, db, workflow: { ledger: rules.ledger, submissions: rules.submissions } });

closeOnSignals(app.log, async () => {
  await app.close();
  await db.destroy();
});

await app.listen({ host: config.api.host, port: config.api.port });
