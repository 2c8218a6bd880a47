import { describe, expect, it } from 'vitest';
import { createRandom, hashSeed, hashUnit, randomFor } from './prng.ts';

describe('seeded randomness', () => {
  it('repeats a stream for the same seed and differs for another', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createRandom(seed).next);
    const a = createRandom(1);
    const b = createRandom(1);
    expect(Array.from({ length: 100 }, a.next)).toEqual(Array.from({ length: 100 }, b.next));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('names streams by their parts', () => {
    expect(hashSeed(1, 'M-1', 'rollover')).toBe(hashSeed(1, 'M-1', 'rollover'));
    expect(hashSeed(1, 'M-1', 'rollover')).not.toBe(hashSeed(1, 'M-1', 'rollback'));
    expect(hashSeed('ab', 'c')).not.toBe(hashSeed('a', 'bc'));
    expect(randomFor(7, 'x').next()).toBe(randomFor(7, 'x').next());
  });

  it('draws in range with about the right mean and spread', () => {
    const random = createRandom(42);
    const n = 20_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const u = random.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      const g = random.gaussian();
      sum += g;
      squares += g * g;
      const k = random.int(3, 5);
      expect([3, 4, 5]).toContain(k);
    }
    expect(sum / n).toBeCloseTo(0, 1);
    expect(squares / n).toBeCloseTo(1, 1);
    expect(hashUnit(1, 'day', 20_000)).toBeLessThan(1);
  });
});
