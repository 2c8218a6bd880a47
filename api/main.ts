/**
 * `node api/main.ts`: the HTTP API. Shutdown on SIGTERM/SIGINT: stop accepting connections,
 * finish requests in flight (Fastify close), then close the database pool.
 */
import { loadConfigOrExit } from '../platform/config.ts';
import { createDb } from '../platform/db/database.ts';
import { closeOnSignals } from '../platform/shutdown.ts';
import { buildApp } from './app.ts';

const config = loadConfigOrExit();
const db = createDb({ url: config.databaseUrl, poolSize: config.dbPoolSize });
const app = await buildApp({ config, db });

closeOnSignals(app.log, async () => {
  await app.close();
  await db.destroy();
});

await app.listen({ host: config.api.host, port: config.api.port });
