import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults every service address to localhost', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/water_intake');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.mqtt.url).toBe('mqtt://127.0.0.1:1883');
    expect(config.influx).toMatchObject({ url: 'http://127.0.0.1:8086', api: 'v1', database: 'water_intake' });
    expect(config.api).toEqual({ host: '127.0.0.1', port: 3000 });
  });

  it('names every bad variable and what was expected', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://x/y', API_PORT: '99999', INFLUX_API: 'v3' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toMatch(/postgres:\/\/.*got "mysql:\/\/x\/y"/);
    expect(problems.find((p) => p.startsWith('API_PORT:'))).toMatch(/65535/);
    expect(problems.find((p) => p.startsWith('INFLUX_API:'))).toMatch(/v1.*v2/);
  });

  it('requires org, bucket and token in InfluxDB v2 mode', () => {
    expect(() => loadConfig({ INFLUX_API: 'v2', INFLUX_ORG: 'water' })).toThrow(/INFLUX_BUCKET: required when INFLUX_API=v2/);
    const bucketAsDatabase = loadConfig({ INFLUX_API: 'v2', INFLUX_ORG: 'o', INFLUX_BUCKET: 'b', INFLUX_TOKEN: 't' });
    expect(bucketAsDatabase.influx.database).toBe('b');
  });

  it('judges the durable log stalled after INGEST_STALL_AFTER_S, 30 s unless set', () => {
    expect(loadConfig({}).ingest.stallAfterMs).toBe(30_000);
    expect(loadConfig({ INGEST_STALL_AFTER_S: '90' }).ingest.stallAfterMs).toBe(90_000);
    expect(() => loadConfig({ INGEST_STALL_AFTER_S: '0' })).toThrow(/INGEST_STALL_AFTER_S/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ API_PORT: '' }).api.port).toBe(3000);
  });
});
