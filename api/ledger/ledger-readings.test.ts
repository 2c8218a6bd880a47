/**
 * The readings behind a ledger entry over HTTP, from a real InfluxDB (both databases) and a real
 * PostgreSQL: the entry's intake's readings only, over its window and a day either side; scoped as
 * the entry is; thinned to time buckets past the cap; 503 without InfluxDB.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SERIES_POINTS } from '../../domain/accounts/index.ts';
import { day, finding, makeConfidential, raise } from '../../domain/ledger/testing/fixtures.ts';
import { readingLine } from '../../domain/telemetry/index.ts';
import { InfluxStore } from '../../platform/influx/influx-store.ts';
import { confidentialInfluxStore, MergedInfluxReader } from '../../platform/influx/readings-reader.ts';
import { DAY_MS } from '../../platform/local-time.ts';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { dropDatabase, testInfluxConfig } from '../../test/services/influxdb.ts';
import { freePort } from '../../test/services/process.ts';
import { type Caller, callerOf, signedIn, testApp } from '../testing/app.ts';

const testDb = useTestDatabase();
const influxConfig = testInfluxConfig();
const ordinary = new InfluxStore(influxConfig);
const confidential = confidentialInfluxStore(influxConfig);
const HOUR = 3_600_000;
let app: FastifyInstance;
let county: Caller;
let otherCounty: Caller;
let cleared: Caller;

interface Point {
  at: string;
  totalM3: number | null;
  flowM3h: number | null;
}
interface Readings {
  from: string;
  to: string;
  meters: { meterId: string; points: Point[] }[];
  downsampled: boolean;
}
interface Written {
  ts: number;
  totalM3: number;
  flowM3h?: number;
}

async function write(store: InfluxStore, meterId: string, intakeId: string, readings: Written[]): Promise<void> {
  const placement = { intakeId, countyCode: '220102' };
  await store.writeLines(readings.map((r) => readingLine(meterId, placement, r, r.ts)));
}

/** Readings every `stepMs` over [fromMs, toMs), the total rising 0.5 a step, the flow cycling. */
function steady(fromMs: number, toMs: number, stepMs: number): Written[] {
  const out: Written[] = [];
  for (let ts = fromMs, i = 0; ts < toMs; ts += stepMs, i++) out.push({ ts, totalM3: 1000 + i * 0.5, flowM3h: 10 + (i % 7) });
  return out;
}

const asPoints = (rs: Written[]): Point[] =>
  rs.map((r) => ({ at: new Date(r.ts).toISOString(), totalM3: r.totalM3, flowM3h: r.flowM3h ?? null }));

beforeAll(async () => {
  await ordinary.ensureDatabase();
  await confidential.ensureDatabase();
  app = await testApp(testDb.db, { readings: MergedInfluxReader.of(influxConfig) });
  county = callerOf(app, await signedIn(testDb.db, { divisionCode: '220102', role: 'staff', confidential: false }));
  otherCounty = callerOf(app, await signedIn(testDb.db, { divisionCode: '220103', role: 'staff', confidential: false }));
  cleared = callerOf(app, await signedIn(testDb.db, { divisionCode: '220000', role: 'admin', confidential: true }));
});
afterAll(async () => {
  await app.close();
  await dropDatabase(influxConfig);
  await dropDatabase({ ...influxConfig, database: confidential.database });
});

describe('GET /v1/ledger/items/{id}/readings', () => {
  it("answers the entry's intake's readings per meter over its window and a day either side", async () => {
    const [a, b] = await registerMeters(testDb.db, { count: 2, prefix: 'RD', countyCode: '220102' });
    if (!a || !b) throw new Error('fixture');
    const [start, end] = [day('2026-06-10'), day('2026-06-11') + 6 * HOUR];
    const id = await raise(testDb.db, finding(a.intakeId, { windowStartMs: start, windowEndMs: end, subject: a.meterId }));
    // A week of hourly readings around the window; a second meter of the intake without flow; another intake's meter.
    const first = steady(start - 3 * DAY_MS, end + 3 * DAY_MS, HOUR);
    const second = [start - 2 * HOUR, start + 5 * HOUR, end].map((ts, i) => ({ ts, totalM3: 7 + i }));
    await write(ordinary, a.meterId, a.intakeId, first);
    await write(ordinary, `${a.meterId}2`, a.intakeId, second);
    await write(ordinary, b.meterId, b.intakeId, steady(start, end, HOUR));

    const res = await county(`/v1/ledger/items/${id}/readings`);
    expect(res.statusCode).toBe(200);
    const [from, to] = [start - DAY_MS, end + DAY_MS];
    const inSpan = (r: Written) => r.ts >= from && r.ts < to;
    expect(res.json<Readings>()).toEqual({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      meters: [
        { meterId: a.meterId, points: asPoints(first.filter(inSpan)) },
        { meterId: `${a.meterId}2`, points: asPoints(second) },
      ],
      downsampled: false,
    });

    // Another county's user, and a missing id: the same 404.
    const hidden = await otherCounty(`/v1/ledger/items/${id}/readings`);
    const missing = await otherCounty('/v1/ledger/items/999999999/readings');
    expect([hidden.statusCode, missing.statusCode]).toEqual([404, 404]);
    expect({ ...hidden.json<object>(), detail: '', instance: '' }).toEqual({ ...missing.json<object>(), detail: '', instance: '' });
    expect((await county('/v1/ledger/items/0/readings')).statusCode).toBe(400);
  });

  it('reads a confidential intake from its own database, for the cleared only', async () => {
    const [c] = await registerMeters(testDb.db, { count: 1, prefix: 'RDC', countyCode: '220102' });
    if (!c) throw new Error('fixture');
    await makeConfidential(testDb.db, c.intakeId);
    const [start, end] = [day('2026-07-01'), day('2026-07-02')];
    const id = await raise(testDb.db, finding(c.intakeId, { windowStartMs: start, windowEndMs: end, subject: c.meterId }));
    const readings = steady(start, end, 4 * HOUR);
    await write(confidential, c.meterId, c.intakeId, readings);

    const res = await cleared(`/v1/ledger/items/${id}/readings`);
    expect(res.statusCode).toBe(200);
    expect(res.json<Readings>().meters).toEqual([{ meterId: c.meterId, points: asPoints(readings) }]);
    expect((await county(`/v1/ledger/items/${id}/readings`)).statusCode).toBe(404);
  });

  it('has no series for an entry without an intake, nor for a span without readings', async () => {
    const unregistered = await raise(testDb.db, finding(null, { rule: 'unregistered-meter', subject: 'RD-UNKNOWN' }));
    const none = await county(`/v1/ledger/items/${unregistered}/readings`);
    expect(none.statusCode).toBe(200);
    expect(none.json<Readings>()).toMatchObject({ meters: [], downsampled: false });

    const [q] = await registerMeters(testDb.db, { count: 1, prefix: 'RDQ', countyCode: '220102' });
    if (!q) throw new Error('fixture');
    const quiet = await raise(testDb.db, finding(q.intakeId, { subject: q.meterId }));
    expect((await county(`/v1/ledger/items/${quiet}/readings`)).json<Readings>().meters).toEqual([]);
  });

  it(`thins every meter to time buckets past ${MAX_SERIES_POINTS} readings, the last total and mean flow of each`, async () => {
    const [d] = await registerMeters(testDb.db, { count: 1, prefix: 'RDS', countyCode: '220102' });
    if (!d) throw new Error('fixture');
    const [start, end] = [day('2026-08-01'), day('2026-08-02')];
    const id = await raise(testDb.db, finding(d.intakeId, { windowStartMs: start, windowEndMs: end, subject: d.meterId }));
    // A reading a minute over the three days read: 4,320, past the cap.
    const dense = steady(start - DAY_MS, end + DAY_MS, 60_000);
    const sparse = [start, end].map((ts, i) => ({ ts, totalM3: 5 + i, flowM3h: 1 }));
    await write(ordinary, d.meterId, d.intakeId, dense);
    await write(ordinary, `${d.meterId}2`, d.intakeId, sparse);

    const res = await county(`/v1/ledger/items/${id}/readings`);
    expect(res.statusCode).toBe(200);
    const body = res.json<Readings>();
    expect(body.downsampled).toBe(true);
    const [thinned, other] = body.meters;
    if (!thinned || !other) throw new Error('two meters expected');
    expect(thinned.points.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    expect(thinned.points.length).toBeGreaterThan(MAX_SERIES_POINTS / 2);
    // The buckets are as wide as two consecutive points apart (every bucket has readings), aligned on the epoch.
    const times = thinned.points.map((p) => Date.parse(p.at));
    const bucket = (times[1] ?? 0) - (times[0] ?? 0);
    expect(bucket).toBeGreaterThan(60_000);
    const expected = new Map<number, Written[]>();
    for (const r of dense) {
      const at = Math.floor(r.ts / bucket) * bucket;
      expected.set(at, [...(expected.get(at) ?? []), r]);
    }
    expect(times).toEqual([...expected.keys()]);
    for (const p of thinned.points) {
      const rs = expected.get(Date.parse(p.at)) ?? [];
      expect(p.totalM3).toBe(rs.at(-1)?.totalM3);
      expect(p.flowM3h).toBeCloseTo(rs.reduce((s, r) => s + (r.flowM3h ?? 0), 0) / rs.length, 9);
    }
    // The meter with two readings is in the same buckets.
    expect(other.points.map((p) => p.at)).toEqual(sparse.map((r) => new Date(Math.floor(r.ts / bucket) * bucket).toISOString()));
  });

  it('answers 503 without InfluxDB: none configured, or one that does not answer', async () => {
    const [e] = await registerMeters(testDb.db, { count: 1, prefix: 'RDU', countyCode: '220102' });
    if (!e) throw new Error('fixture');
    const id = await raise(testDb.db, finding(e.intakeId, { subject: e.meterId }));
    const headers = await signedIn(testDb.db, { divisionCode: '220102', role: 'staff', confidential: false });
    const down = { ...influxConfig, url: `http://127.0.0.1:${await freePort()}` };
    for (const readings of [undefined, MergedInfluxReader.of(down)]) {
      const other = await testApp(testDb.db, readings ? { readings } : {});
      try {
        const res = await callerOf(other, headers)(`/v1/ledger/items/${id}/readings`);
        expect(res.statusCode).toBe(503);
        expect(res.json<{ code: string }>().code).toBe('unavailable');
      } finally {
        await other.close();
      }
    }
    // A database not created yet holds no readings.
    const fresh = await testApp(testDb.db, { readings: MergedInfluxReader.of(testInfluxConfig()) });
    try {
      const res = await callerOf(fresh, headers)(`/v1/ledger/items/${id}/readings`);
      expect(res.statusCode).toBe(200);
      expect(res.json<Readings>().meters).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
