/**
 * `node monitor/main.ts`: water-use accounts and rules. SIGTERM/SIGINT: graceful shutdown
 * (MonitorService.close); a second signal exits at once.
 */
import { loadConfigOrExit } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { closeOnSignals } from '../platform/shutdown.ts';
import { RuleConfigError } from '../domain/evaluation/index.ts';
import { MonitorService } from './monitor-service.ts';

const config = loadConfigOrExit();
const logger = createLogger('monitor', config.logLevel);
let service: MonitorService;
try {
  service = new MonitorService(config, logger);
} catch (err) {
  if (!(err instanceof RuleConfigError)) throw err;
  process.stderr.write(`Invalid rule configuration (MONITOR_RULES_FILE): ${err.message}\n`);
  process.exit(78);
}

closeOnSignals(logger, () => service.close());

await service.start();
