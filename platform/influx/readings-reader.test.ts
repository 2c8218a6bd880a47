import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { MergedInfluxReader } from './readings-reader.ts';

describe('MergedInfluxReader on a database not created yet (a first start)', () => {
  const config = loadConfig({ ...process.env, INFLUX_DATABASE: `wim_missing_${process.pid}_${Date.now()}` }).influx;
  const reader = MergedInfluxReader.of(config);

  it('reads no series from one statement', async () => {
    expect((await reader.query('SELECT last("totalM3") FROM "readings"')).flat()).toEqual([]);
  });

  it('reads no series from several statements (InfluxDB 1.x says "not executed")', async () => {
    const answer = await reader.query('SELECT last("totalM3") FROM "readings"; SELECT first("totalM3") FROM "readings"');
    expect(answer.flat()).toEqual([]);
  });
});
