/** The region kit's general helpers that the regions' mappings and sources share. */
import { describe, expect, it } from 'vitest';
import type { DataQualityReporter } from '../../subgraphs/template/dataQuality.js';
import { collectingReporter } from '../helpers/dataQuality.js';
import { addedToEarlierRows, dedupeIdentical } from '../../subgraphs/template/keys.js';
import { jsonKind } from '../../subgraphs/template/rowMapper.js';

describe('dedupeIdentical', () => {
  it('keeps the first of identical entries, in order', () => {
    expect(dedupeIdentical([{ a: 1 }, { a: 2 }, { a: 1 }, { a: 3 }, { a: 2 }])).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });
});

describe('addedToEarlierRows', () => {
  interface Row { key: string; from: string; titles: string[] }
  const own = (key: string, titles: string[]): Row => ({ key, from: key, titles });
  const earlier = (key: string, from: string, titles: string[]): Row => ({ key, from, titles });
  const mapTitles = (row: Row, report: DataQualityReporter) => {
    if (row.titles.includes('?')) report({ region: 'x', table: 't', localId: row.from, field: 'level', localValue: '?' });
    return row.titles;
  };

  it("answers each key with what its own row adds to the earlier rows', identical entries once", () => {
    const report = collectingReporter();
    const rows = [
      own('D1', ['助理工程师']),
      own('D2', ['助理工程师', '工程师', '工程师']),
      earlier('D2', 'D1', ['助理工程师']),
    ];
    const added = addedToEarlierRows(['D1', 'D2', 'D3'], rows, (row) => row.key, (row) => row.from === row.key, mapTitles, report);
    expect([...added]).toEqual([['D1', ['助理工程师']], ['D2', ['工程师']], ['D3', []]]);
  });

  it('reports the issues of the own rows only', () => {
    const report = collectingReporter();
    const rows = [own('D2', ['工程师']), earlier('D2', 'D1', ['?'])];
    addedToEarlierRows(['D2'], rows, (row) => row.key, (row) => row.from === row.key, mapTitles, report);
    expect(report.events).toEqual([]);
    addedToEarlierRows(['D1'], [own('D1', ['?'])], (row) => row.key, (row) => row.from === row.key, mapTitles, report);
    expect(report.events.map((event) => event.localId)).toEqual(['D1']);
  });
});

describe('jsonKind', () => {
  it('names a JSON value by its type, never its content', () => {
    expect([undefined, null, [1], { a: 1 }, '张三', 3, true].map(jsonKind)).toEqual(['undefined', 'null', 'array', 'object', 'string', 'number', 'boolean']);
  });
});
