/** The span read for an entry's readings, and a long window's readings cut to its last 31 days (real InfluxDB). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingLine } from '../telemetry/index.ts';
import { InfluxStore } from '../../platform/influx/influx-store.ts';
import { MergedInfluxReader } from '../../platform/influx/readings-reader.ts';
import { DAY_MS } from '../../platform/local-time.ts';
import { useTestDatabase } from '../../test/database.ts';
import { registerMeters } from '../../test/fixtures/registry.ts';
import { dropDatabase, testInfluxConfig } from '../../test/services/influxdb.ts';
import { getItemReadings, MAX_READINGS_SPAN_MS, READINGS_MARGIN_MS, readingsSpan } from './item-readings.ts';
import { day, finding, principal, raise } from './testing/fixtures.ts';

const testDb = useTestDatabase();
const influxConfig = testInfluxConfig();
const store = new InfluxStore(influxConfig);

beforeAll(() => store.ensureDatabase());
afterAll(() => dropDatabase(influxConfig));

describe('readingsSpan', () => {
  it('widens a window by the margin either side', () => {
    const [start, end] = [day('2026-06-01'), day('2026-06-03')];
    expect(readingsSpan(start, end)).toEqual({ fromMs: start - READINGS_MARGIN_MS, toMs: end + READINGS_MARGIN_MS });
  });

  it('keeps the last 31 days of a long window, ending a margin after it', () => {
    const [start, end] = [day('2026-01-01'), day('2026-06-01')];
    expect(readingsSpan(start, end)).toEqual({ fromMs: end + READINGS_MARGIN_MS - MAX_READINGS_SPAN_MS, toMs: end + READINGS_MARGIN_MS });
  });
});

describe('getItemReadings', () => {
  it("reads a long window's last 31 days, thinned to maxPoints when asked", async () => {
    const [m] = await registerMeters(testDb.db, { count: 1, prefix: 'IR', countyCode: '220102' });
    if (!m) throw new Error('fixture');
    const [start, end] = [day('2026-01-01'), day('2026-06-01')];
    const id = await raise(testDb.db, finding(m.intakeId, { windowStartMs: start, windowEndMs: end, subject: m.meterId }));
    const days = Array.from({ length: 160 }, (_, i) => start + i * DAY_MS);
    const placement = { intakeId: m.intakeId, countyCode: m.countyCode };
    await store.writeLines(days.map((ts, i) => readingLine(m.meterId, placement, { ts, totalM3: i }, ts)));
    const reader = MergedInfluxReader.of(influxConfig);
    const county = principal('ir', '220102');

    const read = await getItemReadings(testDb.db, reader, county, id);
    const { fromMs, toMs } = readingsSpan(start, end);
    expect(read?.from).toBe(new Date(fromMs).toISOString());
    expect(read?.meters[0]?.points.map((p) => p.at)).toEqual(
      days.filter((ts) => ts >= fromMs && ts < toMs).map((ts) => new Date(ts).toISOString()),
    );
    expect(read?.meters[0]?.points).toHaveLength(31);

    const thinned = await getItemReadings(testDb.db, reader, county, id, { maxPoints: 10 });
    expect(thinned?.downsampled).toBe(true);
    expect(thinned?.meters[0]?.points.length).toBeLessThanOrEqual(10);
    expect(thinned?.meters[0]?.points.at(-1)?.totalM3).toBe(read?.meters[0]?.points.at(-1)?.totalM3);

    expect(await getItemReadings(testDb.db, reader, principal('other', '220103'), id)).toBeUndefined();
    expect(await getItemReadings(testDb.db, reader, county, 'x')).toBeUndefined();
  });
});
