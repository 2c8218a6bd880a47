/**
 * `node api/main.ts`: the HTTP API. Shutdown on SIGTERM/SIGINT: stop accepting connections,
 * finish requests in flight (Fastify close), then close the database pool.
 */
import { loadConfigOrExit } from '../common/config.ts';
import { createDb } from '../common/db/database.ts';
import { buildApp } from './app.ts';

const config = loadConfigOrExit();
const db = createDb({ url: config.databaseUrl, poolSize: config.dbPoolSize });
const app = await buildApp({ config, db });

let closing: Promise<void> | undefined;
function shutdown(signal: string): Promise<void> {
  closing ??= (async () => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await db.destroy();
  })();
  return closing;
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

await app.listen({ host: config.api.host, port: config.api.port });
