import { describe, expect, it } from 'vitest';
import { classifyStep, distinctReadings, type MeterPoint, meterIntervals, meterPoints, serviceWindow } from './intervals.ts';
import { resolveAccountingOptions } from './options.ts';
import { history, local, meter, r } from './testing/fixtures.ts';

const o = resolveAccountingOptions();
const point = (time: string, totalM3: number): MeterPoint => ({
  ts: local(time),
  totalM3,
  units: Math.round(totalM3 * 1000),
  origin: 'reading',
  reading: null,
});

describe('classifyStep', () => {
  const m = meter('m', { registerMaxM3: 100_000 });

  it('counts an advance as the difference', () => {
    expect(classifyStep(point('2026-06-01 00:00', 10.5), point('2026-06-01 00:15', 12), m, o, 1000)).toEqual({
      kind: 'advance',
      units: 1500,
    });
  });

  it('counts a drop near the register maximum as a rollover: (max − prev) + new', () => {
    expect(classifyStep(point('2026-06-01 00:00', 99_990), point('2026-06-01 00:15', 15), m, o, 1000)).toEqual({
      kind: 'rollover',
      units: 25_000,
    });
  });

  it('treats a drop whose wrap would exceed 1 % of the register as a rollback', () => {
    // prev near max, but the new total is far from zero: (100000 − 99990) + 5000 > 1000.
    expect(classifyStep(point('2026-06-01 00:00', 99_990), point('2026-06-01 00:15', 5000), m, o, 1000)).toEqual({
      kind: 'rollback',
      units: 0,
    });
  });

  it('widens the rollover window by the plausible flow over a long gap', () => {
    const small = meter('s', { registerMaxM3: 10_000 }); // 1 % = 100 m³
    const withFlow = meter('s', { registerMaxM3: 10_000, maxPlausibleFlowM3h: 50 });
    const from = point('2026-06-01 00:00', 9_900);
    const to = point('2026-06-02 00:00', 900); // wrapped 1000 m³ in 24 h; 2 × 50 × 24 = 2400 allows it
    expect(classifyStep(from, to, small, o, 1000).kind).toBe('rollback');
    expect(classifyStep(from, to, withFlow, o, 1000)).toEqual({ kind: 'rollover', units: 1_000_000 });
  });

  it('never counts a rollover without a known register maximum', () => {
    expect(classifyStep(point('2026-06-01 00:00', 99_990), point('2026-06-01 00:15', 15), meter('n'), o, 1000).kind).toBe('rollback');
  });
});

describe('distinctReadings', () => {
  it('sorts and keeps one reading per timestamp, whatever the input order', () => {
    const a = r('2026-06-01 00:15', 2, { flowM3h: 1 });
    const b = r('2026-06-01 00:15', 2, { flowM3h: 3 });
    const c = r('2026-06-01 00:00', 1);
    const m = meter('m');
    const one = distinctReadings(history(m, [a, c, b]));
    const other = distinctReadings(history(m, [b, a, c, c]));
    expect(one).toEqual(other);
    expect(one.map((x) => [x.totalM3, x.flowM3h])).toEqual([
      [1, undefined],
      [2, 3],
    ]);
  });

  it('refuses a reading that could not have passed ingest', () => {
    expect(() => distinctReadings(history(meter('m'), [r('2026-06-01 00:00', -1)]))).toThrow(RangeError);
  });
});

describe('meterPoints across a registered replacement', () => {
  const replacement = {
    oldMeterId: 'old',
    newMeterId: 'new',
    replacedAtMs: local('2026-06-01 12:00'),
    oldFinalTotalM3: 510,
    newInitialTotalM3: 3,
  };

  it('ends the old curve at the registered final total and ignores later old readings', () => {
    const h = history(meter('old'), [r('2026-06-01 11:50', 500), r('2026-06-01 12:10', 999)]);
    const w = serviceWindow(h.meter, [replacement]);
    const points = meterPoints(h, distinctReadings(h), w, 1000);
    expect(points.map((p) => [p.totalM3, p.origin])).toEqual([
      [500, 'reading'],
      [510, 'registered-final'],
    ]);
    expect(meterIntervals(points, h.meter, o, 1000).map((iv) => iv.units)).toEqual([10_000]);
  });

  it('starts the new curve at the registered initial total; at the same instant the registry wins', () => {
    const h = history(meter('new'), [r('2026-06-01 11:00', 0), r('2026-06-01 12:00', 2.5), r('2026-06-01 12:30', 7)]);
    const w = serviceWindow(h.meter, [replacement]);
    const points = meterPoints(h, distinctReadings(h), w, 1000);
    expect(points.map((p) => [p.totalM3, p.origin])).toEqual([
      [3, 'registered-initial'],
      [7, 'reading'],
    ]);
  });

  it('leaves a registered total out when fetched readings do not reach it (no made-up interval)', () => {
    const h = { meter: meter('new'), readings: [r('2026-06-03 00:10', 40)], before: r('2026-06-02 23:50', 39), after: null };
    const points = meterPoints(h, distinctReadings(h), serviceWindow(h.meter, [replacement]), 1000);
    expect(points.map((p) => p.origin)).toEqual(['reading', 'reading']);
  });
});
