/**
 * The supergraph is composed by a script and checked in: a stale file fails
 * here. And adding a prefecture adds implementing types only, never client-facing fields.
 */
import { readFileSync } from 'node:fs';
// Printed with federation-internals' own printer: its schema objects come from graphql's CommonJS
// build, which graphql's ESM printSchema refuses ("from another module or realm").
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { describe, expect, it } from 'vitest';
import { REGIONS, type RegionDefinition } from '../../domain/regions.js';
import { composeSupergraph } from '../../gateway/compose.js';
import { SUPERGRAPH_PATH } from '../../gateway/server.js';

const HAMI: RegionDefinition = { code: 'hm', typePrefix: 'Hm', name: '哈密市', divisionCode: '650500', portal: 'hm.xjzcsq.com' };

function apiSchemaSdl(supergraphSdl: string): string {
  return printSchema(Supergraph.build(supergraphSdl).apiSchema());
}

/** Every type's printed definition, by name. */
function typeDefinitions(printed: string): Map<string, string> {
  const blocks = printed.split(/\n(?=(?:"""[\s\S]*?"""\n|"[^\n]*"\n)?(?:type|interface|enum|input|scalar|union) )/);
  const map = new Map<string, string>();
  for (const block of blocks) {
    const name = /(?:type|interface|enum|input|scalar|union) (\w+)/.exec(block)?.[1];
    if (name) map.set(name, block.trim());
  }
  return map;
}

describe('the supergraph', () => {
  it('checked in under schema/ is what the subgraphs compose to today (run `npm run compose` if not)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraph(REGIONS));
  });

  it('gives every configured region its own record and region type', () => {
    const types = typeDefinitions(apiSchemaSdl(composeSupergraph(REGIONS)));
    for (const region of REGIONS) {
      expect(types.get(`${region.typePrefix}Record`)).toContain('implements RegionalRecord');
      expect(types.get(`${region.typePrefix}Region`)).toContain('implements Region');
    }
  });
});

describe('a fourth prefecture', () => {
  const before = typeDefinitions(apiSchemaSdl(composeSupergraph(REGIONS)));
  const after = typeDefinitions(apiSchemaSdl(composeSupergraph([...REGIONS, HAMI])));

  it('composes, adding exactly its two implementing types', () => {
    const added = [...after.keys()].filter((name) => !before.has(name)).sort();
    expect(added).toEqual(['HmRecord', 'HmRegion']);
    expect(after.get('HmRecord')).toContain('implements RegionalRecord');
  });

  it('changes no existing client-facing type, field or argument', () => {
    expect([...before.keys()]).toEqual(expect.arrayContaining(['Query', 'Person', 'Application', 'RegionalRecord', 'Region', 'AnnualReview']));
    for (const [name, definition] of before) {
      expect(after.get(name), `type ${name}`).toBe(definition);
    }
  });
});
