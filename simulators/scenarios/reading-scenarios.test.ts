import { describe, expect, it } from 'vitest';
import { simulateMeter } from '../generation/meter-simulation.ts';
import { deliveredReadings } from '../testing/conservation.ts';
import { JUNE_WEEK, testMeter } from '../testing/test-meter.ts';

describe('rate-spike', () => {
  it('goes above the maximum rate briefly (< 15 min) and for a sustained spell (>= 30 min)', () => {
    for (const seed of [1, 2, 3]) {
      const simulation = simulateMeter(testMeter(), { ...JUNE_WEEK, seed, scenarios: [{ name: 'rate-spike' }] });
      const readings = deliveredReadings(simulation);
      // Runs of consecutive readings above the maximum, as [first ts, last ts].
      const runs: [number, number][] = [];
      readings.forEach((r, i) => {
        if ((r.flowM3h ?? 0) <= 400) return;
        const last = runs.at(-1);
        if (last && (readings[i - 1]?.flowM3h ?? 0) > 400) last[1] = r.ts;
        else runs.push([r.ts, r.ts]);
      });
      const spans = runs.map(([from, to]) => to - from).sort((a, b) => a - b);
      expect(spans).toHaveLength(2);
      expect(spans[0]).toBeLessThan(15 * 60_000);
      expect(spans[1]).toBeGreaterThanOrEqual(30 * 60_000);
      const events = simulation.events.filter((e) => e.kind === 'rate-spike');
      expect(events.map((e) => e.variant).sort()).toEqual(['short', 'sustained']);
      for (const e of events) expect(e.flowM3h / e.maxRateM3h).toBeGreaterThanOrEqual(1.2);
    }
  });

  it('keeps normal flow below the maximum rate', () => {
    const readings = deliveredReadings(simulateMeter(testMeter(), { ...JUNE_WEEK, seed: 1 }));
    expect(Math.max(...readings.map((r) => r.flowM3h ?? 0))).toBeLessThan(400);
  });

  it('makes only the variant asked for', () => {
    const simulation = simulateMeter(testMeter(), {
      ...JUNE_WEEK,
      seed: 1,
      scenarios: [{ name: 'rate-spike', params: { variant: 'sustained', factor: 2 } }],
    });
    const events = simulation.events.filter((e) => e.kind === 'rate-spike');
    expect(events.map((e) => [e.variant, e.flowM3h])).toEqual([['sustained', 800]]);
  });
});

describe('clock-skew', () => {
  it('offsets every ts by more than 5 minutes from the real send time', () => {
    for (const seed of [1, 2, 3, 4]) {
      const simulation = simulateMeter(testMeter(), { ...JUNE_WEEK, seed, scenarios: [{ name: 'clock-skew' }] });
      const skew = simulation.events.find((e) => e.kind === 'clock-skew');
      if (skew?.kind !== 'clock-skew') throw new Error('no skew');
      expect(Math.abs(skew.offsetMs)).toBeGreaterThan(5 * 60_000);
      for (const message of simulation.messages) {
        const drift = (message.readings[0]?.ts ?? 0) - message.sentAtMs;
        expect(Math.abs(drift - skew.offsetMs)).toBeLessThanOrEqual(3000);
      }
    }
  });

  it('uses the minutes given', () => {
    const simulation = simulateMeter(testMeter(), { ...JUNE_WEEK, seed: 1, scenarios: [{ name: 'clock-skew', params: { minutes: -12 } }] });
    expect(simulation.messages[0]?.readings[0]?.ts).toBe(JUNE_WEEK.from - 12 * 60_000);
  });
});

describe('fault-flags', () => {
  it('raises tamper, powerOff and reverseFlow in their windows, with no flow during power off and reverse flow', () => {
    const simulation = simulateMeter(testMeter(), { ...JUNE_WEEK, seed: 3, scenarios: [{ name: 'fault-flags' }] });
    const readings = deliveredReadings(simulation);
    const windows = simulation.events.filter((e) => e.kind === 'fault-flags');
    expect(windows.map((w) => w.flag).sort()).toEqual(['powerOff', 'reverseFlow', 'tamper']);
    for (const window of windows) {
      const inside = readings.filter((r) => r.ts >= window.fromMs && r.ts <= window.toMs);
      expect(inside.length).toBeGreaterThan(0);
      expect(inside.every((r) => r.status?.[window.flag] === true)).toBe(true);
      if (window.flag !== 'tamper') expect(inside.every((r) => r.flowM3h === 0)).toBe(true);
    }
    const outside = readings.filter((r) => !windows.some((w) => r.ts >= w.fromMs && r.ts <= w.toMs));
    expect(outside.every((r) => Object.values(r.status ?? {}).every((flag) => !flag))).toBe(true);
  });
});

describe('unregistered', () => {
  it('publishes under an id the registry does not know', () => {
    const simulation = simulateMeter(testMeter(), { ...JUNE_WEEK, seed: 1, scenarios: [{ name: 'unregistered' }] });
    expect(simulation.publishedAs).toBe('M-0001-UNREG');
    expect(new Set(simulation.messages.map((m) => m.topic))).toEqual(new Set(['meters/M-0001-UNREG/readings']));
    expect(simulation.messages.every((m) => m.meterId === 'M-0001-UNREG')).toBe(true);
  });

  it('uses the id given', () => {
    const simulation = simulateMeter(testMeter(), {
      ...JUNE_WEEK,
      seed: 1,
      scenarios: [{ name: 'unregistered', params: { id: 'ROGUE-7' } }],
    });
    expect(simulation.messages[0]?.topic).toBe('meters/ROGUE-7/readings');
  });
});
