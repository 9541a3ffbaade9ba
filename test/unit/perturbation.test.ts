/**
 * Cell-key perturbation (subgraphs/template/perturbation.ts): what the published counts can and
 * cannot be, that they depend on the set of records only, and that differencing (all years minus
 * the others; a total minus its other cells) does not give a count back.
 */
import { describe, expect, it } from 'vitest';
import { publishStatistics } from '../../subgraphs/access.js';
import { addCellKeys, CELL_KEY_RANGE, cellKeySeed, perturbCount } from '../../subgraphs/perturbation.js';
import { mergeStatisticsGroups } from '../../subgraphs/template/statistics.js';
import type { StatisticsGroup } from '../../subgraphs/template/source.js';

const KEYS = Array.from({ length: CELL_KEY_RANGE }, (_, key) => key);

/** A deterministic stream of record keys (xorshift), standing in for PostgreSQL's seeded hash. */
function recordKeys(seed: number): () => number {
  let state = seed || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % CELL_KEY_RANGE;
  };
}

/** A cell: its records' keys. Its count and cell key follow, as SQL computes them. */
const cell = (keys: number[]) => ({ count: keys.length, cellKey: keys.reduce((sum, key) => sum + key, 0) % CELL_KEY_RANGE });
const published = (keys: number[]) => perturbCount(cell(keys).count, cell(keys).cellKey);

describe('the perturbation table', () => {
  it('keeps 0 at 0 for every cell key', () => {
    for (const key of KEYS) expect(perturbCount(0, key)).toBe(0);
  });

  it('never shows 1 or 2, and never a negative count', () => {
    for (let count = 0; count <= 40; count++) {
      for (const key of KEYS) {
        const shown = perturbCount(count, key);
        expect(shown).not.toBe(1);
        expect(shown).not.toBe(2);
        expect(shown).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('moves a count of 3 or more by at most 2, never below 3', () => {
    for (let count = 3; count <= 40; count++) {
      for (const key of KEYS) {
        const shown = perturbCount(count, key);
        expect(Math.abs(shown - count)).toBeLessThanOrEqual(2);
        expect(shown).toBeGreaterThanOrEqual(3);
      }
    }
  });

  it('is unbiased on average over the cell keys, up to the floor at 3', () => {
    const mean = (count: number) => KEYS.reduce((sum, key) => sum + perturbCount(count, key), 0) / KEYS.length;
    expect(mean(1)).toBeCloseTo(1, 1);
    expect(mean(2)).toBeCloseTo(2, 1);
    expect(mean(10)).toBeCloseTo(10, 5);
    expect(mean(100)).toBeCloseTo(100, 5);
  });

  it('refuses a negative count or a key out of range instead of guessing', () => {
    expect(() => perturbCount(-1, 0)).toThrow(RangeError);
    expect(() => perturbCount(3, CELL_KEY_RANGE)).toThrow(RangeError);
  });
});

describe('cell keys', () => {
  it('are derived from the secret and the region: the same for both, different otherwise', () => {
    expect(cellKeySeed('secret-a', 'bz')).toBe(cellKeySeed('secret-a', 'bz'));
    expect(cellKeySeed('secret-a', 'bz')).not.toBe(cellKeySeed('secret-a', 'aks'));
    expect(cellKeySeed('secret-a', 'bz')).not.toBe(cellKeySeed('secret-b', 'bz'));
  });

  it('give the same answer for the same records however the groups are merged', () => {
    const next = recordKeys(7);
    const parts = [3, 1, 4].map((size) => Array.from({ length: size }, next));
    const groups: StatisticsGroup[] = parts.map((keys) => ({ series: 'ENGINEERING', specialty: null, level: null, reviewKind: null, status: null, ...cell(keys) }));
    const merged = mergeStatisticsGroups(groups);
    const whole = cell(parts.flat());
    expect(merged).toEqual([{ series: 'ENGINEERING', specialty: null, level: null, reviewKind: null, status: null, ...whole }]);
    expect(mergeStatisticsGroups([...groups].reverse())[0]!.cellKey).toBe(whole.cellKey);
    expect(addCellKeys(CELL_KEY_RANGE - 1, 2)).toBe(1);
  });
});

describe('differencing', () => {
  it('across years: all years minus the other years is not the withheld year, nor better than a guess', () => {
    // A region's cells by level, three years each; an attacker subtracts the published 2023 and
    // 2024 counts from all years to rebuild 2022, as was done against suppression (issue 11, item 5).
    const next = recordKeys(20241130);
    let exact = 0;
    let small = 0;
    const trials = 4000;
    for (let trial = 0; trial < trials; trial++) {
      const years = [1 + (trial % 4), 3 + (trial % 7), 5 + (trial % 11)].map((size) => Array.from({ length: size }, next));
      const [y2022, y2023, y2024] = years as [number[], number[], number[]];
      const estimate = published(years.flat()) - published(y2023) - published(y2024);
      if (estimate === y2022.length) exact++;
      small++;
    }
    // Without perturbation every estimate is exact; with it, well under half are.
    expect(exact / small).toBeLessThan(0.35);
  });

  it('within one answer: a total minus the other cells of its line does not give a small cell back', () => {
    const next = recordKeys(5);
    let exact = 0;
    const trials = 4000;
    for (let trial = 0; trial < trials; trial++) {
      const cells = [1 + (trial % 2), 6 + (trial % 5), 9 + (trial % 3)].map((size) => Array.from({ length: size }, next));
      const estimate = published(cells.flat()) - published(cells[1]!) - published(cells[2]!);
      if (estimate === cells[0]!.length) exact++;
    }
    expect(exact / trials).toBeLessThan(0.35);
  });

  it('repeating a query gains nothing: the same records always publish the same count', () => {
    const keys = Array.from({ length: 4 }, recordKeys(99));
    const answers = new Set(Array.from({ length: 50 }, () => published([...keys].reverse())));
    expect(answers.size).toBe(1);
  });
});

describe('publishing', () => {
  const group = (count: number, cellKey: number) => ({ series: null, specialty: null, level: 'JUNIOR' as const, reviewKind: null, status: null, region: null, count, cellKey });

  it('leaves a group perturbed to 0 out of a grouped answer, and keeps the total row', () => {
    const keyToZero = KEYS.find((key) => perturbCount(1, key) === 0)!;
    expect(publishStatistics([group(1, keyToZero)], { perturbed: true, grouped: true })).toEqual([]);
    expect(publishStatistics([group(1, keyToZero)], { perturbed: true, grouped: false })).toEqual([
      { series: null, specialty: null, level: 'JUNIOR', reviewKind: null, status: null, region: null, count: 0, suppressed: false, perturbed: true },
    ]);
  });

  it('publishes exact counts unmarked, and refuses to publish a perturbed answer without cell keys', () => {
    expect(publishStatistics([group(1, 0)], { perturbed: false, grouped: true })[0]).toMatchObject({ count: 1, perturbed: false });
    const { cellKey: _dropped, ...withoutKey } = group(4, 0);
    expect(() => publishStatistics([withoutKey], { perturbed: true, grouped: true })).toThrow(/cell key/);
  });
});
