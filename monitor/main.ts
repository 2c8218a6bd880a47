/**
 * `node monitor/main.ts`: water-use accounts and rules. SIGTERM/SIGINT: graceful shutdown
 * (MonitorService.close); a second signal exits at once.
 */
import { loadConfigOrExit } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { closeOnSignals } from '../common/shutdown.ts';
import { MonitorService } from './monitor-service.ts';

const config = loadConfigOrExit();
const logger = createLogger('monitor', config.logLevel);
const service = new MonitorService(config, logger);

closeOnSignals(logger, () => service.close());

await service.start();
