import { Point } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import type { Reading } from './meter-contract.ts';
import { readingLine, statusLine } from './points.ts';

const placement = { intakeId: '42', countyCode: '220102' };

/** The same reading through the client's Point class: the reference for our strings. */
function viaPoint(measurement: string, tags: Record<string, string>, r: Reading, receivedMs: number): string | undefined {
  const p = new Point(measurement).floatField('total_m3', r.totalM3).intField('received_ms', receivedMs).timestamp(r.ts);
  for (const [k, v] of Object.entries(tags)) p.tag(k, v);
  if (r.flowM3h !== undefined) p.floatField('flow_m3h', r.flowM3h);
  if (r.seq !== undefined) p.intField('seq', r.seq);
  const s = r.status;
  if (s?.powerOff !== undefined) p.booleanField('power_off', s.powerOff);
  if (s?.tamper !== undefined) p.booleanField('tamper', s.tamper);
  if (s?.lowBattery !== undefined) p.booleanField('low_battery', s.lowBattery);
  if (s?.reverseFlow !== undefined) p.booleanField('reverse_flow', s.reverseFlow);
  return p.toLineProtocol();
}

describe('line protocol of readings', () => {
  const readings: Reading[] = [
    { ts: 1_764_000_000_000, totalM3: 1234.5 },
    { ts: 1_764_000_000_001, totalM3: 0, flowM3h: 12.25, seq: 7 },
    {
      ts: 1_764_000_000_002,
      totalM3: 99_999_999.999,
      flowM3h: 0,
      status: { powerOff: true, tamper: false, lowBattery: true, reverseFlow: false },
    },
    { ts: 1_764_000_000_003, totalM3: 1e-7, status: { tamper: true } },
  ];

  it.each(readings.map((r, i) => [i, r] as const))('reading %i is written as Point writes it', (_, r) => {
    expect(readingLine('M-1', placement, r, 1_764_000_000_500)).toBe(
      viaPoint('readings', { county: '220102', intake: '42', meter: 'M-1' }, r, 1_764_000_000_500),
    );
    expect(readingLine('GHOST_9', undefined, r, 1_764_000_000_500)).toBe(
      viaPoint('unregistered_readings', { meter: 'GHOST_9' }, r, 1_764_000_000_500),
    );
  });

  it('writes a status change on the receive time', () => {
    expect(statusLine('M-1', placement, false, 1_764_000_000_500)).toBe(
      new Point('meter_status')
        .tag('meter', 'M-1')
        .tag('intake', '42')
        .tag('county', '220102')
        .booleanField('online', false)
        .timestamp(1_764_000_000_500)
        .toLineProtocol(),
    );
  });

  it('escapes tag values as line protocol requires', () => {
    expect(readingLine('a b', { intakeId: '1,2', countyCode: 'x=y' }, { ts: 1, totalM3: 1 }, 2)).toBe(
      'readings,county=x\\=y,intake=1\\,2,meter=a\\ b received_ms=2i,total_m3=1 1',
    );
  });

  it('keys each meter by its own id even when two meters are handed one placement object', () => {
    const shared = { intakeId: '7', countyCode: '220102' };
    expect(readingLine('M-1', shared, { ts: 1, totalM3: 1 }, 2)).toMatch(/^readings,county=220102,intake=7,meter=M-1 /);
    expect(readingLine('M-2', shared, { ts: 1, totalM3: 1 }, 2)).toMatch(/^readings,county=220102,intake=7,meter=M-2 /);
    expect(readingLine('M-1', shared, { ts: 1, totalM3: 1 }, 2)).toMatch(/^readings,county=220102,intake=7,meter=M-1 /);
  });

  it('refuses a non-finite number rather than write a line InfluxDB would refuse', () => {
    expect(() => readingLine('M-1', placement, { ts: 1, totalM3: Number.NaN }, 2)).toThrow(/invalid float/);
  });
});
