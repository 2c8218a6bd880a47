import { describe, expect, it } from 'vitest';
import { createPacer } from './publish-clock.ts';

describe('createPacer', () => {
  it('never waits in accelerated mode without a rate', () => {
    const pacer = createPacer({ mode: 'accelerated' }, () => 0);
    expect(pacer.wait(0)).toBeUndefined();
    expect(pacer.wait(1e12)).toBeUndefined();
  });

  it('spaces messages at the capped rate', async () => {
    let now = 1000;
    const pacer = createPacer({ mode: 'accelerated', ratePerS: 100 }, () => now);
    expect(pacer.wait(0)).toBeUndefined(); // message 0 at 0 ms
    expect(pacer.wait(0)).toBeDefined(); // message 1 due at 10 ms
    now = 1020;
    expect(pacer.wait(0)).toBeUndefined(); // message 2 due at 20 ms: now
    await Promise.resolve();
  });

  it('waits for send times at the given speed in realtime mode', async () => {
    let now = 0;
    const pacer = createPacer({ mode: 'realtime', speed: 60, startMs: 1_000_000 }, () => now);
    expect(pacer.wait(1_000_000)).toBeUndefined();
    // One simulated minute later is one wall-clock second later at speed 60.
    const started = Date.now();
    const waiting = pacer.wait(1_000_000 + 60_000);
    expect(waiting).toBeDefined();
    now = 1000;
    expect(pacer.wait(1_000_000 + 60_000)).toBeUndefined();
    await waiting;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('stops waiting when aborted', async () => {
    const pacer = createPacer({ mode: 'realtime', speed: 1, startMs: 0 }, () => 0);
    const stop = new AbortController();
    const waiting = pacer.wait(3_600_000, stop.signal);
    stop.abort();
    await expect(waiting).rejects.toThrow(/abort/i);
  });

  it('refuses a rate or speed that is not positive', () => {
    expect(() => createPacer({ mode: 'accelerated', ratePerS: 0 })).toThrow(/rate/);
    expect(() => createPacer({ mode: 'realtime', speed: -1 })).toThrow(/speed/);
  });
});
