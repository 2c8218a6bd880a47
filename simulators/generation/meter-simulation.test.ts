import { describe, expect, it } from 'vitest';
import type { ScenarioUse } from '../scenarios/scenario.ts';
import { accountedVolumeM3, deliveredReadings } from '../testing/conservation.ts';
import { contractVerdict } from '../testing/contract-verdict.ts';
import { JUNE_WEEK as JUNE, testMeter as meter } from '../testing/test-meter.ts';
import { generateMeterReadings, simulateMeter } from './meter-simulation.ts';

/** Everything that changes the register or the stream, but not malformed (it drops readings). */
const REGISTER_AND_STREAM: ScenarioUse[] = [
  { name: 'offline-gap' },
  { name: 'rollover' },
  { name: 'rollback' },
  { name: 'stuck-register' },
  { name: 'rate-spike' },
  { name: 'clock-skew' },
  { name: 'duplicates' },
  { name: 'fault-flags' },
];

describe('generateMeterReadings', () => {
  it('gives identical messages for the same seed, and different ones for another seed', () => {
    const options = { ...JUNE, seed: 42, scenarios: [...REGISTER_AND_STREAM, { name: 'malformed' as const }] };
    const first = generateMeterReadings(meter(), options);
    expect(generateMeterReadings(meter(), options)).toEqual(first);
    expect(generateMeterReadings(meter(), { ...options, seed: 43 })).not.toEqual(first);
  });

  it('does not depend on the order in which scenarios are given', () => {
    const options = { ...JUNE, seed: 7 };
    const forward = generateMeterReadings(meter(), { ...options, scenarios: REGISTER_AND_STREAM });
    const backward = generateMeterReadings(meter(), { ...options, scenarios: [...REGISTER_AND_STREAM].reverse() });
    expect(backward).toEqual(forward);
  });

  it('reads every interval once, in order, with the contract-valid payload of its readings', () => {
    const messages = generateMeterReadings(meter(), { ...JUNE, seed: 1 });
    expect(messages).toHaveLength(7 * 96);
    messages.forEach((message, i) => {
      expect(message.topic).toBe('meters/M-0001/readings');
      expect(message.kind).toBe('live');
      expect(message.readings[0]?.ts).toBe(JUNE.from + i * 900_000);
      expect(contractVerdict(message.payload)).toEqual({ ok: true, readings: message.readings });
      if (i > 0) expect(message.sentAtMs).toBeGreaterThan(messages[i - 1]?.sentAtMs ?? 0);
    });
  });

  it('keeps the totalizer monotone and its advance equal to mean flow x interval', () => {
    const readings = deliveredReadings(simulateMeter(meter(), { ...JUNE, seed: 3 }));
    for (let i = 1; i < readings.length; i++) {
      const previous = readings[i - 1];
      const current = readings[i];
      if (!previous || !current) throw new Error('missing reading');
      const advance = current.totalM3 - previous.totalM3;
      expect(advance).toBeGreaterThanOrEqual(0);
      expect(Math.abs(advance - (current.flowM3h ?? 0) * 0.25)).toBeLessThanOrEqual(0.0011);
    }
  });

  it('conserves volume: totalizer advances + rollovers + rollbacks + stuck losses = water generated', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const simulation = simulateMeter(meter({ meterId: `M-${seed}` }), { ...JUNE, seed, scenarios: REGISTER_AND_STREAM });
      const kinds = simulation.events.map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['rollover', 'rollback', 'stuck-register']));
      const { generatedM3, lostToStuckRegisterM3 } = simulation.volume;
      expect(generatedM3).toBeGreaterThan(1000);
      expect(accountedVolumeM3(simulation) + lostToStuckRegisterM3).toBeCloseTo(generatedM3, 2);
    }
  });

  it('conserves volume for plain meters of every water use', () => {
    for (const waterUse of ['agricultural', 'industrial', 'public_supply', 'domestic', 'ecological', 'other'] as const) {
      const simulation = simulateMeter(meter({ waterUse }), { ...JUNE, seed: 9 });
      expect(simulation.volume.generatedM3).toBeGreaterThan(0);
      expect(accountedVolumeM3(simulation)).toBeCloseTo(simulation.volume.generatedM3, 2);
    }
  });

  it('refuses a window that ends before it starts, a bad interval and a bad meter id', () => {
    expect(() => generateMeterReadings(meter(), { from: JUNE.to, to: JUNE.from, seed: 1 })).toThrow(/after from/);
    expect(() => generateMeterReadings(meter(), { ...JUNE, seed: 1, intervalS: 0 })).toThrow(/interval/);
    expect(() => generateMeterReadings(meter({ meterId: 'has space' }), { ...JUNE, seed: 1 })).toThrow(/meter id/);
  });
});
