/**
 * A small seeded pseudo-random generator (mulberry32) and the draws the demo data needs. The demo
 * data must be reproducible byte for byte from its seed, so nothing here reads Math.random or the
 * clock.
 */

/** 32-bit integer hash of several integers (murmur3-style finaliser), to derive independent seeds. */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    // Parts beyond 32 bits (keys up to 2^53) must not collapse onto each other.
    h = Math.imul(h ^ Math.floor(part / 0x1_0000_0000), 0x27d4eb2f);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** A weighted choice table: [value, weight] pairs; weights need not sum to 1. */
export type Weighted<T> = ReadonlyArray<readonly [T, number]>;

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  weighted<T>(table: Weighted<T>): T;
}

/** mulberry32 (Tommy Ettinger, public domain): fast, 32-bit state, good enough for demo data. */
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
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted<T>(table: Weighted<T>): T {
      let total = 0;
      for (const [, weight] of table) total += weight;
      let r = next() * total;
      for (const [value, weight] of table) {
        r -= weight;
        if (r < 0) return value;
      }
      // Rounding can leave r at exactly 0 after the last entry.
      return table[table.length - 1]![0];
    },
  };
}
