/**
 * The queries a subgraph runs once at start (platform/http.ts `warmUp`), so that its first real
 * request finds its code compiled, Prisma's query plans built and a database connection open:
 * the same paths a portal's check and a dashboard take, for a person nobody is (a synthetic ID
 * number of a region code no prefecture uses) and so without an access-log entry.
 */
import type { ApolloServer, BaseContext } from '@apollo/server';
import { checkCharacter } from '../domain/idNumber.js';
import type { RegionDefinition } from '../domain/regions.js';
import type { Principal } from '../platform/auth.js';
import type { Identity } from '../platform/identity.js';
import { recordTypeName, regionTypeName } from '../schema/sdl.js';

/** 000000 is no administrative division: this number belongs to nobody. */
const NOBODY_BODY = '00000019700101000';
export const NOBODY_ID_NUMBER = NOBODY_BODY + checkCharacter(NOBODY_BODY);

/** The caller the warm-up runs as: read-everything, named as itself in any log line. */
export const WARM_UP_PRINCIPAL: Principal = { role: 'analyst', region: null, subject: 'warm-up' };

export class WarmUpError extends Error {
  override name = 'WarmUpError';
}

/** Runs one operation in-process and fails on any error in the answer (by code only). */
export async function runWarmUp<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  query: string,
  variables: Record<string, unknown>,
  contextValue: TContext,
): Promise<void> {
  const response = await apollo.executeOperation({ query, variables }, { contextValue });
  if (response.body.kind !== 'single') throw new WarmUpError('warm-up got an incremental answer');
  const errors = response.body.singleResult.errors ?? [];
  if (errors.length > 0) {
    throw new WarmUpError(`warm-up answered with errors: ${errors.map((error) => String(error.extensions?.code ?? 'UNKNOWN')).join(', ')}`);
  }
}

/** A region's warm-up: what the province's @requires fetch of a check selects, and a dashboard's statistics. */
export function regionalWarmUpOperation(region: RegionDefinition, identity: Identity): { query: string; variables: Record<string, unknown> } {
  const record = recordTypeName(region);
  const regionType = regionTypeName(region);
  return {
    query: /* GraphQL */ `
      query WarmUp($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on ${record} {
            found
            applicationsForProvince { id year status reviewKind countsTowardAnnualLimit }
            profileForProvince { gender employerKind }
            integrityRecordsForProvince { reason barredUntil }
            assessmentsForProvince { year result }
          }
          ... on ${regionType} {
            statistics(year: 2024, groupBy: [LEVEL]) { level count suppressed }
          }
        }
      }`,
    variables: {
      representations: [
        { __typename: record, personRef: identity.sealPersonRef(NOBODY_ID_NUMBER) },
        { __typename: regionType, code: region.code },
      ],
    },
  };
}

/** The province's warm-up: the annual-review verdict over answers from no region, and the registry. */
export const PROVINCE_WARM_UP_QUERY = /* GraphQL */ `
  query WarmUp($representations: [_Any!]!) {
    regions { code }
    reviewBatches(year: 2024) { code }
    _entities(representations: $representations) {
      ... on Person { annualReview(year: 2024) { verdict complete missingRegions } }
    }
  }`;
export const PROVINCE_WARM_UP_VARIABLES = { representations: [{ __typename: 'Person', key: 'warm-up', records: [] }] };
