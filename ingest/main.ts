/**
 * `node ingest/main.ts`: MQTT -> durable log -> InfluxDB. Serves /metrics (Prometheus) and
 * /healthz on INGEST_METRICS_HOST:INGEST_METRICS_PORT. SIGTERM/SIGINT: graceful shutdown
 * (IngestService.close); a second signal exits at once.
 */
import { createServer } from 'node:http';
import { loadConfigOrExit } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { closeOnSignals } from '../platform/shutdown.ts';
import { createRedis } from '../platform/redis.ts';
import { buildIngest } from './ingest-service.ts';

const config = loadConfigOrExit();
const logger = createLogger('ingest', config.logLevel);
const service = buildIngest({
  config,
  logger,
  redis: (name) => createRedis({ url: config.redisUrl, connectionName: `${config.ingest.id}:${name}`, logger }),
  onFailure: (err) => {
    logger.fatal({ err }, 'drain thread failed; stopping so a supervisor can restart ingest');
    process.exit(70);
  },
});

const server = createServer((req, res) => {
  if (req.url === '/metrics') {
    service.metricsText().then(
      ({ contentType, text }) => res.writeHead(200, { 'content-type': contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  } else if (req.url === '/healthz') {
    void service
      .health()
      .then((status) => res.writeHead(status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status })));
  } else {
    res.writeHead(404).end();
  }
});

closeOnSignals(logger, () => {
  server.close();
  return service.close();
});

server.listen(config.ingest.metrics.port, config.ingest.metrics.host);
await service.start();
