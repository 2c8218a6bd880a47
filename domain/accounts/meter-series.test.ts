/** The chart series' buckets: never more than asked for, whatever the span. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seriesBucketS, seriesQuery } from './meter-series.ts';

describe('seriesBucketS', () => {
  it('puts any span in at most maxPoints epoch-aligned buckets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4e12 }),
        fc.integer({ min: 1, max: 400 * 86_400_000 }),
        fc.integer({ min: 2, max: 5000 }),
        (fromMs, spanMs, maxPoints) => {
          const bucketMs = seriesBucketS(fromMs, fromMs + spanMs, maxPoints) * 1000;
          const buckets = Math.floor((fromMs + spanMs - 1) / bucketMs) - Math.floor(fromMs / bucketMs) + 1;
          expect(buckets).toBeLessThanOrEqual(maxPoints);
        },
      ),
    );
  });

  it('asks InfluxDB for whole-second buckets of last total and mean flow, per meter', () => {
    const q = seriesQuery("it's", 0, 86_400_000, { bucketS: seriesBucketS(0, 86_400_000, 2000) });
    expect(q).toBe(
      `SELECT last("total_m3") AS "total_m3", mean("flow_m3h") AS "flow_m3h" FROM "readings" WHERE ("intake" = 'it\\'s') ` +
        `AND time >= '1970-01-01T00:00:00.000Z' AND time < '1970-01-02T00:00:00.000Z' GROUP BY time(44s), "meter" fill(none)`,
    );
  });
});
