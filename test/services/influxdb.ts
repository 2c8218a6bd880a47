/**
 * InfluxDB for tests. Most tests share the server scripts/services.sh started (127.0.0.1:8086),
 * each with a database of its own; a test that stops InfluxDB starts a server of its own.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InfluxConfig } from '../../platform/config.ts';
import { InfluxStore } from '../../platform/influx/influx-store.ts';
import { freePort, ServerProcess, waitFor } from './process.ts';

let counter = 0;

export function testInfluxConfig(url = process.env.TEST_INFLUX_URL ?? 'http://127.0.0.1:8086'): InfluxConfig {
  return {
    url,
    api: 'v1',
    database: `wim_test_${process.pid}_${Date.now().toString(36)}_${++counter}`,
    retentionPolicy: '',
    username: undefined,
    password: undefined,
    org: undefined,
    token: undefined,
  };
}

/** Points in a measurement (counts the total_m3 field, present on every reading). */
export async function countPoints(store: InfluxStore, measurement: string): Promise<number> {
  const [series] = await store.query(`SELECT count("total_m3") FROM "${measurement}"`);
  const value = series?.[0]?.values[0]?.[1];
  return typeof value === 'number' ? value : 0;
}

export async function dropDatabase(config: InfluxConfig): Promise<void> {
  const store = new InfluxStore(config);
  await store.query(`DROP DATABASE "${config.database}"`).catch(() => undefined);
}

export interface TestInfluxd {
  url: string;
  process: ServerProcess;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An influxd of the test's own (Debian's 1.6.7), on free ports with its own data folder; `settings`
 * are more of influxd's INFLUXDB_* variables, e.g. INFLUXDB_HTTP_AUTH_ENABLED.
 */
export async function startInfluxd(settings: Record<string, string> = {}): Promise<TestInfluxd> {
  const dir = mkdtempSync(join(tmpdir(), 'wim-influxd-'));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  const env = {
    ...process.env,
    INFLUXDB_BIND_ADDRESS: `127.0.0.1:${rpcPort}`,
    INFLUXDB_HTTP_BIND_ADDRESS: `127.0.0.1:${httpPort}`,
    INFLUXDB_META_DIR: join(dir, 'meta'),
    INFLUXDB_DATA_DIR: join(dir, 'data'),
    INFLUXDB_DATA_WAL_DIR: join(dir, 'wal'),
    INFLUXDB_REPORTING_DISABLED: 'true',
    INFLUXDB_HTTP_LOG_ENABLED: 'false',
    INFLUXDB_DATA_QUERY_LOG_ENABLED: 'false',
    ...settings,
  };
  const process_ = new ServerProcess('influxd', 'influxd', ['-config', 'deploy/influxdb/influxdb.conf'], env);
  const store = new InfluxStore({ ...testInfluxConfig(url), database: '_internal' });
  const start = async () => {
    process_.start();
    await waitFor('influxd', () => store.ping());
  };
  await start();
  return { url, process: process_, start, stop: () => process_.stop() };
}
