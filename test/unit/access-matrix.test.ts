/**
 * The access matrix (subgraphs/accessMatrix.ts) covers every field every subgraph serves, and a
 * field it does not cover stops a service at start instead of being readable by default.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../domain/regions.js';
import type { Principal } from '../../platform/auth.js';
import { createIdentity } from '../../platform/identity.js';
import { createLogger } from '../../platform/logger.js';
import { withAccessMatrix } from '../../subgraphs/access.js';
import { audienceOf, FIELD_GRANTS, uncoveredFields } from '../../subgraphs/accessMatrix.js';
import { createProvinceSchema } from '../../subgraphs/province/schema.js';
import { createRegionalSchema } from '../../subgraphs/template/createRegionalSubgraph.js';
import { createCursorCodec } from '../../subgraphs/template/cursor.js';
import type { RegionalSource } from '../../subgraphs/template/source.js';

// graphql's CommonJS build, the one @apollo/subgraph builds its schemas with: the ESM build refuses
// a schema from the other ("from another module or realm").
const { execute, parse } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.14", import: ["@key"])';

/** Types that hold personal data: every field must be listed, no `'*'`. */
const PERSONAL_DATA_TYPES: readonly string[] = [
  'Person',
  'RegionalRecord',
  'Application',
  'PersonProfile',
  'Qualification',
  'IntegrityRecord',
  'Assessment',
  'AnnualReviewClaim',
  'ActiveClaim',
  'AnnualReviewIndexEntry',
];

const SECRET = 'unit-test-identity-secret-0123456789abcdef';
const identity = createIdentity(SECRET);
const log = createLogger({ service: 'test', level: 'silent' });

describe('the access matrix', () => {
  it('covers every field of the province and of every region', () => {
    expect(uncoveredFields(createProvinceSchema(REGIONS, identity))).toEqual([]);
    // The source is never called while a schema is built.
    for (const region of REGIONS) expect(uncoveredFields(createRegionalSchema(region, {} as RegionalSource, { identity, cursors: createCursorCodec(SECRET, region.code), cellKeySeed: 1n }))).toEqual([]);
  });

  it('lists every field of a personal-data type by name, never by a wildcard', () => {
    for (const type of PERSONAL_DATA_TYPES) {
      expect(FIELD_GRANTS[type], type).toBeDefined();
      expect(Object.keys(FIELD_GRANTS[type]!), type).not.toContain('*');
    }
  });

  it('refuses to serve a schema with a field it does not cover', () => {
    const typeDefs = parse(`${FEDERATION_LINK}
      type Query { regions: [String] }
      type Application { id: ID region: String nickname: String }
      type Secret { value: String }`);
    expect(() => withAccessMatrix(buildSubgraphSchema([{ typeDefs }]), 'bz')).toThrow(/Application\.nickname, Secret\.value/);
  });

  it("refuses another region's portal a detail field, whatever the resolver would answer", async () => {
    const typeDefs = parse(`${FEDERATION_LINK}
      type Query { regions: [Application] }
      type Application { id: ID region: String! year: Int }`);
    const schema = withAccessMatrix(
      buildSubgraphSchema([{ typeDefs, resolvers: { Query: { regions: () => [{ id: 'aks:1', region: 'aks', year: 2024 }] } } }]),
      'aks',
    );
    const run = async (principal: Principal) =>
      execute({ schema, document: parse('{ regions { id region year } }'), contextValue: { principal, log } });
    const portal = await run({ role: 'portal', region: 'bz', subject: 'bz' });
    expect(portal.data).toEqual({ regions: [{ id: null, region: 'aks', year: 2024 }] });
    expect(portal.errors?.map((error) => error.extensions.code)).toEqual(['FORBIDDEN']);
    const own = await run({ role: 'portal', region: 'aks', subject: 'aks' });
    expect(own.errors).toBeUndefined();
    expect(own.data).toEqual({ regions: [{ id: 'aks:1', region: 'aks', year: 2024 }] });
  });

  it('names the audience by role and, for a portal, by the region of the data', () => {
    const portal: Principal = { role: 'portal', region: 'bz', subject: 'x' };
    expect(audienceOf(portal, 'bz')).toBe('ownRegionPortal');
    expect(audienceOf(portal, 'aks')).toBe('otherRegionPortal');
    expect(audienceOf(portal, null)).toBe('ownRegionPortal');
    expect(audienceOf({ role: 'dashboard', region: null, subject: 'x' }, 'bz')).toBe('dashboard');
  });
});
