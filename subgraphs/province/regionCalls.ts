/**
 * The province's own calls to the regional subgraphs, for what a mutation or a Query field cannot
 * get through the gateway: a mutation cannot @require anything, and annualReviewConflicts needs
 * every region's list for a year, not one person's record. The province signs the gateway's kind
 * of token for the caller it serves (platform/auth.ts), so each region applies the same access
 * rules as for a gateway call, and reads the same @inaccessible fields the gateway's @requires
 * fetches would (`applicationsForProvince`, `annualReviewIndexForProvince`).
 *
 * Fail closed: a region that does not answer in time, answers an error, or answers something
 * unreadable is `null` in the answer, never an empty list.
 *
 * Concurrent claims of the same caller are batched: the person lookups that become ready in one
 * event-loop turn go to each region as one `_entities` call (a DataLoader per caller), as the
 * gateway's coalescer does for the duplicate check.
 */
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { RegionApplications } from '../../domain/annualReviewVerdict.js';
import type { RegionDefinition } from '../../domain/regions.js';
import type { Application } from '../../domain/types.js';
import { createInternalTokenSigner, type Principal } from '../../platform/auth.js';
import type { Identity } from '../../platform/identity.js';
import type { Logger } from '../../platform/logger.js';
import { fullSelection, recordTypeName, regionTypeName } from '../../schema/sdl.js';
import { RegionCallError, type GraphQLAnswer, type RegionClient } from './regionClient.js';

export interface RegionCallOptions {
  regions: readonly RegionDefinition[];
  /** The province's client for the regions (regionClient.ts), shared with the merged list. */
  client: RegionClient;
  internalTokenSecret: string;
  identity: Identity;
  log: Logger;
}

/** One region's entry of a year's index: a person (by key) and their counted applications there. */
export interface IndexEntry {
  personKey: string;
  applicationIds: string[];
  /** Only when asked about given people. */
  personRef: string | null;
  applications: Application[] | null;
}

/** The people of one page of the conflicts report, and their counted applications (`bz:1042`) as the regions listed them. */
export interface IndexDetail {
  personKeys: readonly string[];
  applicationIds: readonly string[];
}

/** A region's answer to an index call: null where it did not answer. */
export interface RegionIndex {
  region: string;
  entries: IndexEntry[] | null;
}

export interface RegionCalls {
  /** Every region's applications (all years) of one person, null where a region did not answer. */
  applicationsOf(principal: Principal, normalisedIdNumber: string, requestId: string): Promise<RegionApplications[]>;
  /**
   * Each region's people with counted applications in `year`; with `detail`, only those people, in
   * detail, read through the applications the first answer listed for them, from the regions that
   * hold those applications (the others answer an empty list without being asked).
   */
  annualReviewIndex(principal: Principal, year: number, requestId: string, detail?: IndexDetail): Promise<RegionIndex[]>;
}

type EntitiesAnswer = GraphQLAnswer<{ _entities?: Array<Record<string, unknown> | null> | null }>;

/** Representations per call: a claim burst of one caller stays one call per region up to this. */
const MAX_BATCH = 100;

export function createRegionCalls(options: RegionCallOptions): RegionCalls {
  const { regions, identity, log, client } = options;
  const signer = createInternalTokenSigner(options.internalTokenSecret);
  const applicationSelection = fullSelection('Application');

  /**
   * The `_entities` answer of one region as a list (one per representation), or null when the call
   * failed or any error touched the entities: a partial answer is not an answer.
   */
  async function entities(region: RegionDefinition, principal: Principal, requestId: string, query: string, variables: Record<string, unknown>, count: number, purpose: string): Promise<Array<Record<string, unknown> | null> | null> {
    try {
      const answer: EntitiesAnswer = await client.post(region, await signer.tokenFor(principal), requestId, query, variables);
      const list = answer.data?._entities;
      if (answer.errors?.length || !Array.isArray(list) || list.length !== count) {
        const code = answer.errors?.[0]?.extensions?.code;
        log.warn({ event: 'region_unavailable', region: region.code, purpose, reason: typeof code === 'string' ? code : 'BAD_ANSWER' }, 'a region did not answer the province');
        return null;
      }
      return list;
    } catch (error) {
      const reason = error instanceof RegionCallError ? error.reason : 'UNREACHABLE';
      log.warn({ event: 'region_unavailable', region: region.code, purpose, reason, type: error instanceof Error ? error.name : typeof error }, 'a region did not answer the province');
      return null;
    }
  }

  const recordQuery = (region: RegionDefinition) =>
    `query ProvinceClaimCheck($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${recordTypeName(region)} { applicationsForProvince { ${applicationSelection} } } } }`;

  /** Every region's applications of these people: the batch function of one caller's loader. */
  async function applicationsOfMany(principal: Principal, requestId: string, normalised: readonly string[]): Promise<RegionApplications[][]> {
    const representations = normalised.map((idNumber) => identity.sealPersonRef(idNumber));
    const perRegion = await Promise.all(
      regions.map(async (region) => {
        const list = await entities(
          region,
          principal,
          requestId,
          recordQuery(region),
          { representations: representations.map((personRef) => ({ __typename: recordTypeName(region), personRef })) },
          representations.length,
          'claim',
        );
        return list?.map((entity) => {
          const applications = entity?.applicationsForProvince;
          return Array.isArray(applications) ? (applications as Application[]) : null;
        }) ?? null;
      }),
    );
    return normalised.map((_idNumber, index) =>
      regions.map((region, regionIndex) => ({ region: region.code, applications: perRegion[regionIndex]?.[index] ?? null })),
    );
  }

  // One loader per caller: never a batch mixing callers, since each region judges the caller's
  // token. The request id of the batch is the first request's (the others are in the province's log).
  const loaders = new LRUCache<string, DataLoader<{ idNumber: string; requestId: string }, RegionApplications[], string>>({ max: 1_000 });
  const loaderFor = (principal: Principal) => {
    const key = `${principal.role}\0${principal.region ?? ''}\0${principal.subject}`;
    let loader = loaders.get(key);
    if (!loader) {
      loader = new DataLoader(
        async (keys) => applicationsOfMany(principal, keys[0]!.requestId, keys.map((entry) => entry.idNumber)),
        { cache: false, maxBatchSize: MAX_BATCH, cacheKeyFn: (entry) => entry.idNumber },
      );
      loaders.set(key, loader);
    }
    return loader;
  };

  return {
    applicationsOf(principal, normalisedIdNumber, requestId) {
      return loaderFor(principal).load({ idNumber: normalisedIdNumber, requestId });
    },

    async annualReviewIndex(principal, year, requestId, detail) {
      return Promise.all(
        regions.map(async (region): Promise<RegionIndex> => {
          const applicationIds = detail?.applicationIds.filter((id) => id.startsWith(`${region.code}:`));
          // A region not asked holds none of the people: its answer is known to be empty.
          if (applicationIds?.length === 0) return { region: region.code, entries: [] };
          const fields = detail ? `personKey applicationIds personRef applications { ${applicationSelection} }` : 'personKey applicationIds';
          const query = `query ProvinceAnnualReviewIndex($representations: [_Any!]!, $year: Int!, $personKeys: [ID!], $applicationIds: [ID!]) { _entities(representations: $representations) { ... on ${regionTypeName(region)} { annualReviewIndexForProvince(year: $year, personKeys: $personKeys, applicationIds: $applicationIds) { ${fields} } } } }`;
          const list = await entities(
            region,
            principal,
            requestId,
            query,
            {
              representations: [{ __typename: regionTypeName(region), code: region.code }],
              year,
              personKeys: detail ? [...detail.personKeys] : null,
              applicationIds: applicationIds ?? null,
            },
            1,
            'annualReviewConflicts',
          );
          const entries = list?.[0]?.annualReviewIndexForProvince;
          return { region: region.code, entries: Array.isArray(entries) ? (entries as IndexEntry[]) : null };
        }),
      );
    },
  };
}
