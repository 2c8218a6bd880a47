import { describe, expect, it } from 'vitest';
import type { WaterUse } from '../fleet/fleet-member.ts';
import { simulateMeter } from '../generation/meter-simulation.ts';
import { deliveredReadings } from '../testing/conservation.ts';
import { testMeter } from '../testing/test-meter.ts';
import { localMoment } from '../../platform/local-time.ts';

const YEAR_2026 = { from: Date.parse('2026-01-01T00:00:00+08:00'), to: Date.parse('2027-01-01T00:00:00+08:00') };
const USES: WaterUse[] = ['agricultural', 'industrial', 'public_supply', 'domestic', 'ecological'];

function yearOf(waterUse: WaterUse, seed: number, overPermit?: number) {
  return simulateMeter(testMeter({ waterUse, maxRateM3h: null, meterId: `Y-${waterUse}` }), {
    ...YEAR_2026,
    intervalS: 3600,
    seed,
    scenarios: overPermit === undefined ? [] : [{ name: 'over-permit', params: { factor: overPermit } }],
  });
}

/** Volume per reading (m3), keyed by what `key` says about the reading's local time. */
function volumeBy(readings: ReturnType<typeof deliveredReadings>, key: (ts: number) => number | undefined) {
  const sums = new Map<number, number>();
  for (const r of readings) {
    const k = key(r.ts);
    if (k !== undefined) sums.set(k, (sums.get(k) ?? 0) + (r.flowM3h ?? 0));
  }
  return sums;
}

describe('usage patterns', () => {
  it('keeps normal use under the permit and over-permit above it, for every water use', () => {
    for (const waterUse of USES) {
      for (const seed of [1, 2]) {
        const normal = yearOf(waterUse, seed).volume.generatedM3;
        expect(normal).toBeLessThan(500_000 * 0.9);
        expect(normal).toBeGreaterThan(500_000 * 0.5);
        expect(yearOf(waterUse, seed, 1.3).volume.generatedM3).toBeGreaterThan(500_000 * 1.15);
      }
    }
  });

  it('irrigates nothing in a Jilin January and most from May to August', () => {
    const simulation = simulateMeter(testMeter({ waterUse: 'agricultural' }), {
      from: Date.parse('2026-01-01T00:00:00+08:00'),
      to: Date.parse('2026-02-01T00:00:00+08:00'),
      seed: 5,
    });
    expect(simulation.volume.generatedM3).toBeLessThan(1);
    const year = yearOf('agricultural', 5);
    const byMonth = volumeBy(deliveredReadings(year), (ts) => localMoment(ts - 1).month);
    const total = [...byMonth.values()].reduce((a, b) => a + b, 0);
    const summer = [5, 6, 7, 8].reduce((sum, m) => sum + (byMonth.get(m) ?? 0), 0);
    expect(summer / total).toBeGreaterThan(0.7);
    for (const winter of [11, 12, 1, 2, 3]) expect((byMonth.get(winter) ?? 0) / total).toBeLessThan(0.01);
  });

  it('irrigates by day', () => {
    const byHour = volumeBy(deliveredReadings(yearOf('agricultural', 2)), (ts) => Math.floor(localMoment(ts - 1).hour));
    expect(byHour.get(12) ?? 0).toBeGreaterThan(5 * (byHour.get(2) ?? 0));
  });

  it('dips at weekends in industry', () => {
    const byWeekday = volumeBy(deliveredReadings(yearOf('industrial', 3)), (ts) => localMoment(ts - 1).weekday);
    expect(byWeekday.get(0) ?? 0).toBeLessThan(0.8 * (byWeekday.get(3) ?? 0));
  });

  it('peaks in the morning and evening in public supply, above a steady night base', () => {
    const byHour = volumeBy(deliveredReadings(yearOf('public_supply', 4)), (ts) => Math.floor(localMoment(ts - 1).hour));
    const night = byHour.get(3) ?? 0;
    expect(night).toBeGreaterThan(0);
    expect(byHour.get(7) ?? 0).toBeGreaterThan(1.5 * night);
    expect(byHour.get(19) ?? 0).toBeGreaterThan(1.3 * night);
  });
});
