/**
 * Statistics safe to publish (issue 5, subgraphs/access.ts suppressSmallCells): counts below 5
 * withheld from dashboards, and no withheld count recoverable by subtracting the shown cells of a
 * line from that line's total, which a dashboard reads by asking again without the dimension.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../platform/auth.js';
import { SMALL_CELL_THRESHOLD, suppressSmallCells, type CellDimension } from '../../subgraphs/access.js';

const DASHBOARD: Principal = { role: 'dashboard', region: null, subject: 'dashboard-01' };
const ANALYST: Principal = { role: 'analyst', region: null, subject: 'analyst-01' };

interface Cell {
  series?: string | null;
  level?: string | null;
  status?: string | null;
  count: number | null;
}

const shown = (rows: Array<Cell & { suppressed: boolean }>) => rows.map((row) => row.count);

describe('small cells', () => {
  it.each([
    { name: 'a single total of 4 is withheld', counts: [4], expected: [null] },
    { name: 'a single total of 5 is shown', counts: [5], expected: [5] },
    { name: 'nothing small, nothing withheld', counts: [5, 9, 120], expected: [5, 9, 120] },
  ])('$name', ({ counts, expected }) => {
    const rows = counts.map((count, index) => ({ series: `S${index}`, count }));
    expect(shown(suppressSmallCells(DASHBOARD, rows, counts.length > 1 ? ['series'] : []))).toEqual(expected);
  });

  it('shows analysts every count, small ones included', () => {
    const rows = [{ series: 'A', count: 1 }, { series: 'B', count: 40 }];
    expect(suppressSmallCells(ANALYST, rows, ['series'])).toEqual([
      { series: 'A', count: 1, suppressed: false },
      { series: 'B', count: 40, suppressed: false },
    ]);
  });
});

describe('complementary suppression along one dimension', () => {
  it('withholds the smallest shown cell too when only one cell of the line is small', () => {
    // Total 62 by asking without `series`: 62 - (9 + 50) would give the 3 away.
    const rows = [{ series: 'A', count: 3 }, { series: 'B', count: 9 }, { series: 'C', count: 50 }];
    expect(shown(suppressSmallCells(DASHBOARD, rows, ['series']))).toEqual([null, null, 50]);
  });

  it('keeps withholding until the withheld cells add up to at least 5', () => {
    // 1 + 2 = 3 withheld would still tell "both are small"; a third cell lifts it over 5.
    const rows = [{ series: 'A', count: 1 }, { series: 'B', count: 2 }, { series: 'C', count: 7 }, { series: 'D', count: 30 }];
    expect(shown(suppressSmallCells(DASHBOARD, rows, ['series']))).toEqual([null, null, null, 30]);
  });

  it('leaves a line alone when two small cells already add up to 5', () => {
    const rows = [{ series: 'A', count: 2 }, { series: 'B', count: 3 }, { series: 'C', count: 7 }];
    expect(shown(suppressSmallCells(DASHBOARD, rows, ['series']))).toEqual([null, null, 7]);
  });

  it('withholds the whole line when it has nothing else to hide behind', () => {
    const rows = [{ series: 'A', count: 1 }, { series: 'B', count: 6 }];
    expect(shown(suppressSmallCells(DASHBOARD, rows, ['series']))).toEqual([null, null]);
  });
});

describe('complementary suppression across two dimensions', () => {
  it('checks rows and columns again after each round until nothing changes', () => {
    //            JUNIOR  INTERMEDIATE
    // SERIES A      2        20
    // SERIES B     30        40
    // Row A: 2 and then 20 withheld. Column INTERMEDIATE now has 20 withheld alone: 40 follows.
    // Column JUNIOR has 2 withheld alone: 30 follows. Row B is then all withheld.
    const rows: Cell[] = [
      { series: 'A', level: 'JUNIOR', count: 2 },
      { series: 'A', level: 'INTERMEDIATE', count: 20 },
      { series: 'B', level: 'JUNIOR', count: 30 },
      { series: 'B', level: 'INTERMEDIATE', count: 40 },
    ];
    expect(shown(suppressSmallCells(DASHBOARD, rows, ['series', 'level']))).toEqual([null, null, null, null]);
  });

  it('leaves lines without a small cell untouched once every line with one is safe', () => {
    // Rows A and B and both columns each hold two withheld cells adding up to at least 5.
    const rows: Cell[] = [
      { series: 'A', level: 'JUNIOR', count: 2 },
      { series: 'A', level: 'INTERMEDIATE', count: 3 },
      { series: 'B', level: 'JUNIOR', count: 3 },
      { series: 'B', level: 'INTERMEDIATE', count: 4 },
      { series: 'C', level: 'JUNIOR', count: 60 },
      { series: 'C', level: 'INTERMEDIATE', count: 70 },
    ];
    expect(shown(suppressSmallCells(DASHBOARD, rows, ['series', 'level']))).toEqual([null, null, null, null, 60, 70]);
  });

  it('withholds a large cell when its column would otherwise give two small ones away', () => {
    // Column JUNIOR: 2 + 1 = 3 withheld is still below 5, so 60 goes too, and with it row C's 70.
    const rows: Cell[] = [
      { series: 'A', level: 'JUNIOR', count: 2 },
      { series: 'A', level: 'INTERMEDIATE', count: 3 },
      { series: 'B', level: 'JUNIOR', count: 1 },
      { series: 'B', level: 'INTERMEDIATE', count: 4 },
      { series: 'C', level: 'JUNIOR', count: 60 },
      { series: 'C', level: 'INTERMEDIATE', count: 70 },
    ];
    expect(shown(suppressSmallCells(DASHBOARD, rows, ['series', 'level']))).toEqual([null, null, null, null, null, null]);
  });
});

/** A deterministic pseudo-random table: many small cells, over three dimensions. */
function randomTable(seed: number): Cell[] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const rows: Cell[] = [];
  for (const series of ['A', 'B', 'C', 'D'])
    for (const level of ['JUNIOR', 'INTERMEDIATE', 'SENIOR'])
      for (const status of ['PASSED', 'FAILED', 'WITHDRAWN']) {
        if (next() < 0.2) continue; // GROUP BY returns no row for an empty group
        rows.push({ series, level, status, count: next() < 0.5 ? 1 + Math.floor(next() * 4) : 5 + Math.floor(next() * 40) });
      }
  return rows;
}

describe('no subtraction gives a withheld cell away', () => {
  const dimensions: CellDimension[] = ['series', 'level', 'status'];

  it.each(Array.from({ length: 40 }, (_, seed) => seed + 1))('random table %i', (seed) => {
    const rows = randomTable(seed);
    const answer = suppressSmallCells(DASHBOARD, rows, dimensions);
    // Every small cell is withheld.
    rows.forEach((row, index) => {
      if (row.count! < SMALL_CELL_THRESHOLD) expect(answer[index]!.suppressed).toBe(true);
    });
    // Every line's total (known from the coarser question) minus its shown cells is 0, or at least
    // 5 spread over at least two withheld cells, or the line is withheld entirely.
    for (const dimension of dimensions) {
      const others = dimensions.filter((other) => other !== dimension);
      const lines = new Map<string, number[]>();
      rows.forEach((row, index) => {
        const key = others.map((other) => row[other as keyof Cell]).join('|');
        lines.set(key, [...(lines.get(key) ?? []), index]);
      });
      for (const line of lines.values()) {
        const hidden = line.filter((index) => answer[index]!.suppressed);
        const hiddenTotal = hidden.reduce((sum, index) => sum + rows[index]!.count!, 0);
        if (hidden.length === 0 || hidden.length === line.length) continue;
        expect(hidden.length).toBeGreaterThanOrEqual(2);
        expect(hiddenTotal).toBeGreaterThanOrEqual(SMALL_CELL_THRESHOLD);
      }
    }
  });
});
