import { describe, expect, it } from 'vitest';
import { MAX_READINGS_PER_MESSAGE } from '../../domain/telemetry/index.ts';
import { simulateMeter } from '../generation/meter-simulation.ts';
import { MALFORMED_DEFECTS } from '../generation/simulated-message.ts';
import { contractVerdict } from '../testing/contract-verdict.ts';
import { JUNE_WEEK, testMeter } from '../testing/test-meter.ts';

const liveReadings = (seed: number, intervalS?: number) =>
  simulateMeter(testMeter(), { ...JUNE_WEEK, seed, ...(intervalS ? { intervalS } : {}) }).messages.flatMap((m) => m.readings);

describe('offline-gap', () => {
  it('is silent for the window, then sends exactly the missed readings in late batches', () => {
    for (const seed of [1, 2, 3, 4]) {
      const simulation = simulateMeter(testMeter(), { ...JUNE_WEEK, seed, scenarios: [{ name: 'offline-gap' }] });
      const gap = simulation.events.find((e) => e.kind === 'offline-gap');
      if (gap?.kind !== 'offline-gap') throw new Error('no gap planned');
      const live = simulation.messages.filter((m) => m.kind === 'live');
      const backlog = simulation.messages.filter((m) => m.kind === 'backlog');
      // Nothing live is sent from the gap's start until the meter is back.
      expect(live.some((m) => m.sentAtMs >= gap.fromMs && m.sentAtMs <= gap.toMs)).toBe(false);
      expect(backlog).toHaveLength(gap.batches);
      const missed = liveReadings(seed).filter((r) => r.ts >= gap.fromMs && r.ts <= gap.toMs);
      expect(backlog.flatMap((m) => m.readings)).toEqual(missed);
      expect(missed).toHaveLength(gap.missedReadings);
      for (const batch of backlog) {
        expect(batch.sentAtMs).toBeGreaterThan(gap.toMs);
        expect(batch.payload.startsWith('{"readings":[')).toBe(true);
        expect(contractVerdict(batch.payload)).toEqual({ ok: true, readings: batch.readings });
      }
      // Every reading is delivered exactly once overall.
      expect(simulation.messages.flatMap((m) => m.readings)).toHaveLength(liveReadings(seed).length);
    }
  });

  it('splits a long backlog into batches of at most 1000 readings', () => {
    const options = { ...JUNE_WEEK, seed: 5, intervalS: 10 };
    const simulation = simulateMeter(testMeter(), { ...options, scenarios: [{ name: 'offline-gap', params: { hours: 5 } }] });
    const backlog = simulation.messages.filter((m) => m.kind === 'backlog');
    expect(backlog.map((m) => m.readings.length)).toEqual([MAX_READINGS_PER_MESSAGE, 800]);
    backlog.forEach((m) => {
      expect(contractVerdict(m.payload).ok).toBe(true);
    });
  });
});

describe('malformed', () => {
  const simulation = simulateMeter(testMeter(), {
    ...JUNE_WEEK,
    seed: 11,
    scenarios: [{ name: 'malformed', params: { rate: 0.2 } }],
  });
  const broken = simulation.messages.filter((m) => m.kind === 'malformed');

  it('breaks about the given share of messages, with every kind of defect', () => {
    expect(broken.length / simulation.messages.length).toBeGreaterThan(0.15);
    expect(broken.length / simulation.messages.length).toBeLessThan(0.25);
    expect(new Set(broken.map((m) => m.defect))).toEqual(new Set(MALFORMED_DEFECTS));
  });

  it('sends messages that the contract refuses, for the reason their defect says', () => {
    for (const message of broken) {
      const verdict = contractVerdict(message.payload);
      expect(verdict.ok, `${message.defect ?? ''}: ${message.payload.slice(0, 200)}`).toBe(false);
      if (verdict.ok) continue;
      const expected = message.defect === 'oversize' ? 'oversize' : message.defect === 'invalid-json' ? 'invalid-json' : 'schema';
      expect(verdict.reason).toBe(expected);
      expect(message.readings).toEqual([]);
    }
  });

  it('leaves the well-formed messages valid and unchanged', () => {
    const wellFormed = simulation.messages.filter((m) => m.kind !== 'malformed');
    for (const m of wellFormed) expect(contractVerdict(m.payload)).toEqual({ ok: true, readings: m.readings });
    const baseline = new Map(liveReadings(11).map((r) => [r.seq, r]));
    for (const r of wellFormed.flatMap((m) => m.readings)) expect(r).toEqual(baseline.get(r.seq));
  });

  it('uses only the defects asked for', () => {
    const only = simulateMeter(testMeter(), {
      ...JUNE_WEEK,
      seed: 11,
      scenarios: [{ name: 'malformed', params: { rate: 0.5, defects: 'nan-string+wrong-types' } }],
    });
    const defects = new Set(only.messages.flatMap((m) => m.defect ?? []));
    expect(defects).toEqual(new Set(['nan-string', 'wrong-types']));
  });
});

describe('duplicates', () => {
  it('resends a share of messages unchanged, shortly after the original and before the next', () => {
    const simulation = simulateMeter(testMeter(), {
      ...JUNE_WEEK,
      seed: 4,
      scenarios: [{ name: 'duplicates', params: { rate: 0.1 } }, { name: 'offline-gap' }],
    });
    const { messages } = simulation;
    const copies = messages.filter((m) => m.kind === 'duplicate');
    expect(copies.length / messages.length).toBeGreaterThan(0.06);
    expect(copies.length / messages.length).toBeLessThan(0.14);
    messages.forEach((message, i) => {
      if (message.kind !== 'duplicate') return;
      const original = messages[i - 1];
      expect(original?.kind).not.toBe('duplicate');
      expect(message.payload).toBe(original?.payload);
      expect(message.topic).toBe(original?.topic);
      expect(message.sentAtMs).toBeGreaterThan(original?.sentAtMs ?? 0);
      expect(message.sentAtMs).toBeLessThan(messages[i + 1]?.sentAtMs ?? Number.POSITIVE_INFINITY);
    });
  });
});
