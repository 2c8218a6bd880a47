import { describe, expect, it } from 'vitest';
import { accountedVolumeM3, deliveredReadings } from '../testing/conservation.ts';
import { contractVerdict } from '../testing/contract-verdict.ts';
import { JUNE_WEEK as JUNE, testMeter as meter } from '../testing/test-meter.ts';
import { generateMeterReadings, simulateMeter } from './meter-simulation.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('catching up: a meter that comes online during its run (--history)', () => {
  it('forwards what it kept as batches when it comes online, then reports live as before', () => {
    const at = JUNE.from + 2.5 * DAY + 7 * 60_000;
    const plain = generateMeterReadings(meter(), { ...JUNE, seed: 1 });
    const caught = generateMeterReadings(meter(), { ...JUNE, seed: 1, catchUpAt: at });
    const kept = plain.filter((m) => m.sentAtMs < at);
    const [batch, ...rest] = caught;
    expect(batch).toMatchObject({ kind: 'backlog', sentAtMs: at, readings: kept.flatMap((m) => m.readings) });
    expect(contractVerdict(batch?.payload ?? '')).toEqual({ ok: true, readings: batch?.readings });
    expect(rest).toEqual(plain.slice(kept.length));
  });

  it('sends at most 1000 readings a message, oldest first', () => {
    const at = JUNE.from + DAY;
    const messages = generateMeterReadings(meter({ reportingIntervalS: 60 }), { ...JUNE, seed: 1, catchUpAt: at });
    const [first, second, live] = messages;
    expect([first, second, live].map((m) => [m?.kind, m?.readings.length])).toEqual([
      ['backlog', 1000],
      ['backlog', 440],
      ['live', 1],
    ]);
    expect([first?.sentAtMs, second?.sentAtMs]).toEqual([at, at + 1]);
    expect(first?.readings[0]?.ts).toBe(JUNE.from);
    expect(second?.readings[0]?.ts).toBe(JUNE.from + 1000 * 60_000);
    expect(live?.readings[0]?.ts).toBe(at);
  });

  it('keeps a broken message of the history in its place, between batches', () => {
    const options = { ...JUNE, seed: 4, scenarios: [{ name: 'malformed' as const, params: { rate: 0.2 } }] };
    const at = JUNE.from + DAY;
    const plain = generateMeterReadings(meter(), options).filter((m) => m.sentAtMs < at);
    const caught = generateMeterReadings(meter(), { ...options, catchUpAt: at }).filter((m) => m.sentAtMs < at + 1000);
    expect(caught.map((m) => m.kind).filter((k) => k === 'malformed')).toHaveLength(plain.filter((m) => m.kind === 'malformed').length);
    expect(caught.flatMap((m) => m.readings)).toEqual(plain.flatMap((m) => m.readings));
    expect(caught.map((m) => m.payload).filter((_, i) => caught[i]?.kind === 'malformed')).toEqual(
      plain.filter((m) => m.kind === 'malformed').map((m) => m.payload),
    );
    for (const m of caught) if (m.kind === 'backlog') expect(contractVerdict(m.payload).ok).toBe(true);
  });

  it('a meter offline when it should come online forwards the history when it is back, with the gap', () => {
    const options = { ...JUNE, seed: 5, scenarios: [{ name: 'offline-gap' as const, params: { hours: 10 } }] };
    const gap = simulateMeter(meter(), options).events.find((e) => e.kind === 'offline-gap');
    if (gap?.kind !== 'offline-gap') throw new Error('no gap');
    const at = gap.fromMs + 4 * HOUR;
    const plain = generateMeterReadings(meter(), options);
    const caught = generateMeterReadings(meter(), { ...options, catchUpAt: at });
    const firstLive = caught.findIndex((m) => m.kind === 'live');
    expect(caught[firstLive]?.readings[0]?.ts).toBe(gap.toMs + 900_000);
    const forwarded = caught.slice(0, firstLive);
    expect(forwarded.every((m) => m.kind === 'backlog' && m.sentAtMs > gap.toMs)).toBe(true);
    expect(forwarded.flatMap((m) => m.readings)).toEqual(plain.flatMap((m) => m.readings).filter((r) => r.ts <= gap.toMs));
  });

  it('conserves every reading and the volume, with every scenario that changes the stream', () => {
    const scenarios = [
      { name: 'offline-gap' as const },
      { name: 'rollover' as const },
      { name: 'rollback' as const },
      { name: 'stuck-register' as const },
      { name: 'duplicates' as const },
    ];
    for (const seed of [1, 2, 3]) {
      const options = { ...JUNE, seed, scenarios };
      const plain = simulateMeter(meter(), options);
      const caught = simulateMeter(meter(), { ...options, catchUpAt: JUNE.from + seed * DAY + 123_456 });
      expect(deliveredReadings(caught)).toEqual(deliveredReadings(plain));
      expect(accountedVolumeM3(caught) + caught.volume.lostToStuckRegisterM3).toBeCloseTo(caught.volume.generatedM3, 2);
      for (let i = 1; i < caught.messages.length; i++) {
        expect(caught.messages[i]?.sentAtMs).toBeGreaterThan(caught.messages[i - 1]?.sentAtMs ?? 0);
      }
    }
  });
});
