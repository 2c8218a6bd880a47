import { describe, expect, it } from 'vitest';
import { METER_ID_PATTERN } from '../../domain/registry/index.ts';
import { generateFleet } from './generate-fleet.ts';

describe('generateFleet', () => {
  it('makes the same fleet from the same seed, with valid unique ids', () => {
    const fleet = generateFleet({ count: 500, seed: 3, meterIdPrefix: 'B-' });
    expect(generateFleet({ count: 500, seed: 3, meterIdPrefix: 'B-' })).toEqual(fleet);
    expect(new Set(fleet.map((m) => m.meterId)).size).toBe(500);
    expect(fleet.every((m) => METER_ID_PATTERN.test(m.meterId) && m.meterId.startsWith('B-'))).toBe(true);
    expect(fleet[0]?.meterId).toBe('B-00001');
  });

  it('mixes water uses with plausible permits, rates and registers', () => {
    const fleet = generateFleet({ count: 1000, seed: 1 });
    const uses = new Set(fleet.map((m) => m.waterUse));
    expect(uses).toEqual(new Set(['agricultural', 'industrial', 'public_supply', 'domestic', 'ecological']));
    expect(fleet.filter((m) => m.waterUse === 'agricultural').length).toBeGreaterThan(350);
    for (const m of fleet) {
      expect(m.annualVolumeM3).toBeGreaterThanOrEqual(1000);
      // The permit's rate leaves room above the average flow.
      expect(m.maxRateM3h ?? 0).toBeGreaterThan((m.annualVolumeM3 ?? 0) / 8760);
      expect([10_000_000, 100_000_000]).toContain(m.registerMaxM3);
      expect(m.reportingIntervalS).toBe(900);
      expect(m.scenarios).toEqual([]);
    }
  });

  it('takes a fixed use, volume and interval', () => {
    const fleet = generateFleet({ count: 3, seed: 1, waterUse: 'domestic', annualVolumeM3: 12_345, reportingIntervalS: 60 });
    expect(fleet.map((m) => [m.waterUse, m.annualVolumeM3, m.reportingIntervalS])).toEqual(
      Array.from({ length: 3 }, () => ['domestic', 12_345, 60]),
    );
  });

  it('refuses a prefix that makes invalid meter ids', () => {
    expect(() => generateFleet({ count: 1, seed: 1, meterIdPrefix: 'bad/prefix' })).toThrow(/prefix/);
    expect(() => generateFleet({ count: -1, seed: 1 })).toThrow(/count/);
  });
});
