import { describe, expect, it } from 'vitest';
import { simulateMeter } from '../generation/meter-simulation.ts';
import { deliveredReadings } from '../testing/conservation.ts';
import { JUNE_WEEK, testMeter } from '../testing/test-meter.ts';
import type { ScenarioEvent } from './scenario-event.ts';

function only<K extends ScenarioEvent['kind']>(events: ScenarioEvent[], kind: K): Extract<ScenarioEvent, { kind: K }> {
  const found = events.filter((e): e is Extract<ScenarioEvent, { kind: K }> => e.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Extract<ScenarioEvent, { kind: K }>;
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

describe('rollover', () => {
  it('wraps the totalizer past registerMaxM3 to near 0 once, between two readings', () => {
    for (const seed of SEEDS) {
      const simulation = simulateMeter(testMeter(), { ...JUNE_WEEK, seed, scenarios: [{ name: 'rollover' }] });
      const wrap = only(simulation.events, 'rollover');
      const readings = deliveredReadings(simulation);
      const at = readings.findIndex((r) => r.ts === wrap.atMs);
      const before = readings[at - 1];
      const after = readings[at];
      expect(wrap.registerMaxM3).toBe(10_000_000);
      expect(before?.totalM3).toBe(wrap.beforeM3);
      expect(after?.totalM3).toBe(wrap.afterM3);
      // Volume across the wrap is what flowed in that interval.
      const intervalM3 = (after?.flowM3h ?? 0) * 0.25;
      expect(wrap.registerMaxM3 - wrap.beforeM3 + wrap.afterM3).toBeCloseTo(intervalM3, 2);
      expect(wrap.afterM3).toBeLessThan(intervalM3);
      expect(readings.every((r) => r.totalM3 < wrap.registerMaxM3)).toBe(true);
      expect(readings.filter((r, i) => i > 0 && r.totalM3 < (readings[i - 1]?.totalM3 ?? 0))).toHaveLength(1);
    }
  });

  it('wraps at 100,000,000 m3 when the registry records no register maximum', () => {
    const simulation = simulateMeter(testMeter({ registerMaxM3: null }), { ...JUNE_WEEK, seed: 1, scenarios: [{ name: 'rollover' }] });
    expect(only(simulation.events, 'rollover').registerMaxM3).toBe(100_000_000);
  });
});

describe('rollback', () => {
  it('drops the totalizer by 10-70 % far from the register maximum, then counts on', () => {
    for (const seed of SEEDS) {
      const simulation = simulateMeter(testMeter(), { ...JUNE_WEEK, seed, scenarios: [{ name: 'rollback' }] });
      const jump = only(simulation.events, 'rollback');
      const readings = deliveredReadings(simulation);
      const at = readings.findIndex((r) => r.ts === jump.atMs);
      expect(readings[at - 1]?.totalM3).toBe(jump.beforeM3);
      expect(readings[at]?.totalM3).toBe(jump.afterM3);
      expect(jump.afterM3).toBeLessThan(jump.beforeM3);
      expect(jump.jumpM3 / jump.beforeM3).toBeGreaterThan(0.09);
      expect(jump.jumpM3 / jump.beforeM3).toBeLessThan(0.71);
      expect(jump.beforeM3).toBeLessThan(0.5 * 10_000_000);
      expect(readings.at(-1)?.totalM3).toBeGreaterThan(jump.afterM3);
    }
  });

  it('takes the share given as drop', () => {
    const simulation = simulateMeter(testMeter(), { ...JUNE_WEEK, seed: 1, scenarios: [{ name: 'rollback', params: { drop: 0.5 } }] });
    const jump = only(simulation.events, 'rollback');
    // A share of the value just before the jump, which includes that interval's water.
    expect(jump.jumpM3 / jump.beforeM3).toBeCloseTo(0.5, 3);
  });
});

describe('stuck-register', () => {
  it('reports flow > 0 while the totalizer stays frozen for more than an hour', () => {
    for (const seed of SEEDS) {
      const simulation = simulateMeter(testMeter(), { ...JUNE_WEEK, seed, scenarios: [{ name: 'stuck-register' }] });
      const stuck = only(simulation.events, 'stuck-register');
      expect(stuck.toMs - stuck.fromMs).toBeGreaterThan(3_600_000);
      const readings = deliveredReadings(simulation);
      const frozen = readings.filter((r) => r.ts >= stuck.fromMs && r.ts <= stuck.toMs);
      expect(frozen.length).toBeGreaterThanOrEqual(6);
      expect(frozen.every((r) => r.totalM3 === stuck.frozenAtM3)).toBe(true);
      expect(frozen.slice(1).every((r) => (r.flowM3h ?? 0) > 0)).toBe(true);
      expect(stuck.lostVolumeM3).toBeCloseTo(
        frozen.slice(1).reduce((sum, r) => sum + (r.flowM3h ?? 0) * 0.25, 0),
        2,
      );
      const next = readings.find((r) => r.ts > stuck.toMs);
      expect(next?.totalM3).toBeGreaterThan(stuck.frozenAtM3);
    }
  });

  it('stays frozen for the hours given', () => {
    const simulation = simulateMeter(testMeter(), { ...JUNE_WEEK, seed: 2, scenarios: [{ name: 'stuck-register', params: { hours: 5 } }] });
    const stuck = only(simulation.events, 'stuck-register');
    expect(stuck.toMs - stuck.fromMs).toBe(5 * 3_600_000);
  });
});
