import { describe, expect, it } from 'vitest';
import { decodeMessage } from './message-decoder.ts';

const now = Date.parse('2026-06-01T00:20:00Z');
const limits = { maxFutureMs: 86_400_000, maxPastMs: 400 * 86_400_000 };
const decode = (payload: string | Buffer, topic = 'meters/m-1/readings') =>
  decodeMessage(topic, typeof payload === 'string' ? Buffer.from(payload) : payload, now, limits);

describe('decodeMessage', () => {
  it('accepts one reading with an RFC 3339 offset, normalised to epoch ms', () => {
    const d = decode('{"ts":"2026-06-01T08:15:00+08:00","totalM3":182734.25,"flowM3h":36.4,"seq":8812,"status":{"tamper":false}}');
    expect(d).toEqual({
      kind: 'readings',
      meterId: 'm-1',
      readings: [{ ts: Date.parse('2026-06-01T00:15:00Z'), totalM3: 182734.25, flowM3h: 36.4, seq: 8812, status: { tamper: false } }],
    });
  });

  it('accepts a store-and-forward batch with epoch-ms timestamps', () => {
    const d = decode(
      JSON.stringify({
        readings: [
          { ts: now - 60_000, totalM3: 1 },
          { ts: now, totalM3: 2 },
        ],
      }),
    );
    expect(d.kind === 'readings' && d.readings.map((r) => r.totalM3)).toEqual([1, 2]);
  });

  it.each([
    ['meters/a/b/readings', 'bad_topic'],
    ['meters/bad id/readings', 'bad_topic'],
    ['other/m-1/readings', 'bad_topic'],
  ])('rejects topic %s as %s', (topic, code) => {
    expect(decode('{"ts":0,"totalM3":1}', topic)).toMatchObject({ kind: 'rejected', code });
  });

  it.each([
    ['not json', 'malformed_json', /not JSON/],
    ['{"ts":"2026-06-01T08:15:00+08:00"}', 'schema_violation', /totalM3/],
    ['{"ts":"2026-06-01T08:15:00+08:00","totalM3":-3}', 'schema_violation', /totalM3.*>=0/],
    ['{"ts":"2026-06-01T08:15:00+08:00","totalM3":1e999}', 'schema_violation', /totalM3: .*Infinity/],
    ['{"ts":"2026-06-01T08:15:00+08:00","totalM3":"NaN"}', 'schema_violation', /totalM3/],
    ['{"ts":"2026-06-01T08:15:00","totalM3":1}', 'schema_violation', /ts: expected RFC 3339 with an offset/],
    ['{"ts":"2026-02-30T08:15:00+08:00","totalM3":1}', 'schema_violation', /not a real date/],
    ['{"readings":[{"ts":0,"totalM3":1},{"ts":1,"totalM3":"x"}]}', 'schema_violation', /readings\.1\.totalM3/],
    ['{"readings":[]}', 'schema_violation', /readings/],
    ['{"ts":0,"totalM3":1,"readings":[{"ts":1,"totalM3":2}]}', 'schema_violation', /not both/],
    ['{"ts":"2036-06-01T08:15:00+08:00","totalM3":1}', 'timestamp_out_of_range', /ahead of its arrival/],
    ['{"ts":"2020-06-01T08:15:00+08:00","totalM3":1}', 'timestamp_out_of_range', /behind its arrival/],
  ])('rejects %s as %s, saying why', (payload, code, reason) => {
    const d = decode(payload);
    expect(d).toMatchObject({ kind: 'rejected', meterId: 'm-1', code });
    expect(d.kind === 'rejected' && d.reason).toMatch(reason);
  });

  it('rejects more than 1000 readings in one message', () => {
    const readings = Array.from({ length: 1001 }, (_, i) => ({ ts: now - i * 1000, totalM3: i }));
    expect(decode(JSON.stringify({ readings }))).toMatchObject({
      code: 'schema_violation',
      reason: expect.stringMatching(/1000/) as unknown,
    });
  });

  it('rejects an oversize payload before parsing it, and bytes that are not UTF-8', () => {
    expect(decode(Buffer.alloc(600 * 1024, 0x20))).toMatchObject({ code: 'oversize' });
    expect(decode(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toMatchObject({ code: 'not_utf8' });
  });

  it('reads the status topic', () => {
    expect(decode('offline', 'meters/m-1/status')).toEqual({ kind: 'status', meterId: 'm-1', online: false });
    expect(decode('maybe', 'meters/m-1/status')).toMatchObject({ kind: 'rejected', code: 'schema_violation' });
  });
});
