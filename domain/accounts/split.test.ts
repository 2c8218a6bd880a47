import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../platform/local-time.ts';
import { intervalShare, splitAcrossDays, toM3, toUnits } from './split.ts';
import { local } from './testing/fixtures.ts';

describe('toUnits', () => {
  it('rounds m³ to integer litres and back', () => {
    expect(toUnits(182734.25, 1000)).toBe(182_734_250);
    expect(toUnits(0.1 + 0.2, 1000)).toBe(300);
    expect(toM3(toUnits(1234.567, 1000), 1000)).toBe(1234.567);
  });

  it('refuses volumes that doubles cannot hold exactly', () => {
    expect(() => toUnits(1e13, 1000)).toThrow(RangeError);
  });
});

describe('splitAcrossDays', () => {
  const spanStart = local('2026-06-01 00:00');

  it('splits 23:45 -> 00:15 with 10 m³ into 5 and 5', () => {
    const pieces = splitAcrossDays(10_000, local('2026-06-01 23:45'), local('2026-06-02 00:15'), spanStart, 2);
    expect(pieces).toEqual([
      { dayIndex: 0, units: 5000, overlapMs: 15 * 60_000 },
      { dayIndex: 1, units: 5000, overlapMs: 15 * 60_000 },
    ]);
  });

  it('splits an interval across several midnights in proportion to time', () => {
    // 18:00 day 1 -> 06:00 day 4: 6 h, 24 h, 24 h, 6 h of 60 h.
    const pieces = splitAcrossDays(60_000, local('2026-06-01 18:00'), local('2026-06-04 06:00'), spanStart, 5);
    expect(pieces.map((p) => [p.dayIndex, p.units])).toEqual([
      [0, 6000],
      [1, 24000],
      [2, 24000],
      [3, 6000],
    ]);
  });

  it('clips to the span and keeps the cumulative rounding of the whole interval', () => {
    // 1 litre over three equal days: the whole split is 0, 1, 0 (rounding at 1/3 and 2/3); a span
    // holding only the middle day must show the same 1.
    const from = local('2026-06-01 00:00');
    const to = local('2026-06-04 00:00');
    expect(splitAcrossDays(1, from, to, spanStart, 3).map((p) => p.units)).toEqual([0, 1, 0]);
    expect(splitAcrossDays(1, from, to, spanStart + DAY_MS, 1).map((p) => p.units)).toEqual([1]);
  });

  it('gives a reading exactly at midnight to the new day (half-open days)', () => {
    const pieces = splitAcrossDays(7000, local('2026-06-01 20:00'), local('2026-06-02 00:00'), spanStart, 2);
    expect(pieces).toEqual([{ dayIndex: 0, units: 7000, overlapMs: 4 * 3_600_000 }]);
  });

  it('pieces are non-negative, within one unit of the time share, and sum exactly to the interval', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 20 * DAY_MS }),
        fc.integer({ min: 1, max: 20 * DAY_MS }),
        (units, offset, length) => {
          const from = spanStart + offset;
          const to = from + length;
          const pieces = splitAcrossDays(units, from, to, spanStart, 45);
          expect(pieces.reduce((s, p) => s + p.units, 0)).toBe(units);
          for (const p of pieces) {
            expect(p.units).toBeGreaterThanOrEqual(0);
            expect(Math.abs(p.units - (units * p.overlapMs) / length)).toBeLessThanOrEqual(1);
          }
          expect(pieces.reduce((s, p) => s + p.overlapMs, 0)).toBe(length);
        },
      ),
    );
  });

  it('intervalShare of adjacent ranges telescopes', () => {
    const from = 1000;
    const to = 1000 + 7 * 3_600_000;
    const cuts = [from, from + 1, from + 3_600_000, from + 5_000_000, to];
    let sum = 0;
    for (let i = 1; i < cuts.length; i++) sum += intervalShare(12_345, from, to, cuts[i - 1] ?? 0, cuts[i] ?? 0);
    expect(sum).toBe(12_345);
  });
});
