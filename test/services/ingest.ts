/** An ingest process (node ingest/main.ts) as a child, so tests can SIGKILL it mid-stream. */
import { readFileSync } from 'node:fs';
import type { InfluxConfig } from '../../platform/config.ts';
import { INGESTER } from './mosquitto.ts';
import { freePort, ServerProcess } from './process.ts';

export interface IngestEnvironment {
  databaseUrl: string;
  redisUrl: string;
  mqttUrl: string;
  influx: InfluxConfig;
  /** Stable id: a restarted process with the same id resumes its MQTT sessions and log entries. */
  id: string;
  /** Extra variables (INGEST_*). */
  extra?: Record<string, string>;
  /** Node options after the production ones (so they can override them), e.g. --cpu-prof. */
  nodeArgs?: readonly string[];
}

/**
 * Node's options for ingest as production runs it: those of `npm run ingest` (package.json), the
 * one place they are set; docker-compose.test.ts checks that the compose file has the same.
 */
export const INGEST_NODE_ARGS: readonly string[] = (() => {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { ingest: string } };
  const [node, ...args] = packageJson.scripts.ingest.split(' ');
  if (node !== 'node' || args.at(-1) !== 'ingest/main.ts') throw new Error(`unexpected "ingest" script: ${packageJson.scripts.ingest}`);
  return args.slice(0, -1);
})();

export interface IngestHandle {
  process: ServerProcess;
  /** A counter or gauge from the process's /metrics, summed over its labels (NaN when absent). */
  metric(name: string): Promise<number>;
  /** The whole /metrics page. */
  metricsText(): Promise<string>;
  /** The HTTP status of /healthz (rejects when it does not answer within 2 s). */
  healthStatus(): Promise<number>;
}

export async function ingestProcess(env: IngestEnvironment): Promise<IngestHandle> {
  const metricsPort = await freePort();
  const child = new ServerProcess(`ingest ${env.id}`, process.execPath, [...INGEST_NODE_ARGS, ...(env.nodeArgs ?? []), 'ingest/main.ts'], {
    ...process.env,
    LOG_LEVEL: 'info',
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    MQTT_URL: env.mqttUrl,
    MQTT_USERNAME: INGESTER.username,
    MQTT_PASSWORD: INGESTER.password,
    INFLUX_URL: env.influx.url,
    INFLUX_API: 'v1',
    INFLUX_DATABASE: env.influx.database,
    INGEST_ID: env.id,
    INGEST_METRICS_PORT: String(metricsPort),
    INGEST_COALESCE_MS: '500',
    ...env.extra,
  });
  const metricsText = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return {
    process: child,
    metricsText,
    async healthStatus() {
      return (await fetch(`http://127.0.0.1:${metricsPort}/healthz`, { signal: AbortSignal.timeout(2000) })).status;
    },
    async metric(name) {
      return metricSum(await metricsText(), name);
    },
  };
}

/** A metric's value in Prometheus text, summed over its label sets; NaN when it has none. */
export function metricSum(text: string, name: string): number {
  const lines = text.split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return lines.length ? lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0) : Number.NaN;
}

/** Starts it and waits until it has subscribed. */
export async function startIngest(env: IngestEnvironment): Promise<IngestHandle> {
  const ingest = await ingestProcess(env);
  ingest.process.start();
  await ingest.process.waitForOutput('ingest started');
  return ingest;
}
