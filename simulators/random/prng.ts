/**
 * Seeded randomness. Every random choice in the simulator comes from here, so the same seed gives
 * the same fleet, readings and scenario timing on every machine. No dependency: mulberry32 is small,
 * fast and good enough for simulation (not for cryptography).
 */

/** A stream of pseudo-random numbers from one seed. */
export interface Random {
  /** Uniform in [0, 1). */
  readonly next: () => number;
  /** Uniform in [min, max). */
  readonly between: (min: number, max: number) => number;
  /** Integer uniform in [min, max] (both included). */
  readonly int: (min: number, max: number) => number;
  /** True with probability p. */
  readonly chance: (p: number) => boolean;
  /** Standard normal (mean 0, deviation 1). */
  readonly gaussian: () => number;
  /** One element of a non-empty list. */
  readonly pick: <T>(items: readonly T[]) => T;
}

/** FNV-1a over the parts' text: a 32-bit seed for a named stream (e.g. seed + meter id + scenario). */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${String(part)}\u0000`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  // One avalanche round so that seeds differing in the last character differ in every bit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** A uniform number in [0, 1) for a key, without carrying state (e.g. "is this day a day off?"). */
export function hashUnit(...parts: readonly (string | number)[]): number {
  return mulberry32Step(hashSeed(...parts)) / 4294967296;
}

function mulberry32Step(state: number): number {
  let t = (state + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    chance: (p) => next() < p,
    gaussian: () => {
      // Box-Muller; 1 - next() keeps the logarithm's argument in (0, 1].
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
  };
}

/** A random stream for a named purpose: independent of every other name under the same seed. */
export function randomFor(...parts: readonly (string | number)[]): Random {
  return createRandom(hashSeed(...parts));
}
