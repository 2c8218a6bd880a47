/**
 * Entry point of the drain worker thread (started by drain-thread.ts). Messages from the main
 * thread: { type: 'metrics', id } (answered with this thread's metrics as JSON) and
 * { type: 'stop' } (answered with { type: 'stopped' } once the drain side has closed).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { DrainSide } from './drain-side.ts';
import { IngestMetrics } from './metrics.ts';

type Request = { type: 'metrics'; id: number } | { type: 'stop' };

const port = parentPort;
if (!port) throw new Error('drain-worker.ts runs as a worker thread (see drain-thread.ts)');
const config = (workerData as { config: Config }).config;
const logger = createLogger('ingest-drain', config.logLevel);
const metrics = new IngestMetrics({ processMetrics: false });
const side = new DrainSide(config, logger, metrics);

port.on('message', (request: Request) => {
  if (request.type === 'metrics') {
    void metrics.registry.getMetricsAsJSON().then((json) => {
      port.postMessage({ type: 'metrics', id: request.id, json });
    });
  } else {
    void side.stop().then(
      () => {
        port.postMessage({ type: 'stopped' });
      },
      (err: unknown) => {
        logger.error({ err }, 'drain side failed to stop');
        port.postMessage({ type: 'stopped' });
      },
    );
  }
});

side.start();
port.postMessage({ type: 'started' });
