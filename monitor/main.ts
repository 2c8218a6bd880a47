/**
 * `node monitor/main.ts`: water-use accounts and rules. SIGTERM/SIGINT: graceful shutdown
 * (MonitorService.close); a second signal exits at once.
 */
import { loadConfigOrExit } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { MonitorService } from './monitor-service.ts';

const config = loadConfigOrExit();
const logger = createLogger('monitor', config.logLevel);
const service = new MonitorService(config, logger);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

await service.start();
