/**
 * The one template every regional subgraph is built from: what differs per
 * region is its RegionalSource (its Prisma model and mapping module) and its registry entry.
 */
import type DataLoader from 'dataloader';
import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { TITLE_LEVELS } from '../../domain/codes.js';
import { REGIONS, type RegionDefinition } from '../../domain/regions.js';
import type { Application } from '../../domain/types.js';
import type { Principal } from '../../platform/auth.js';
import { ErrorCode, userInputError } from '../../platform/errors.js';
import { checkPageSize, checkYear, PAGE_SIZE } from '../../platform/input.js';
import { InvalidPersonRefError, type Identity } from '../../platform/identity.js';
import type { Logger } from '../../platform/logger.js';
import { buildSubgraph, recordTypeName, regionalSubgraphSdl, regionTypeName, type SubgraphResolvers } from '../../schema/sdl.js';
import { cacheAtMost, CONFIGURATION_MAX_AGE_SECONDS, neverCache } from '../cacheHints.js';
import { publishStatistics, requireReadableFilter, withAccessMatrix } from '../access.js';
import { derivedFor, forProvince, forProvinceList } from '../accessMatrix.js';
import type { CursorCodec } from './cursor.js';
import { loadForPerson, type RegionalLoaders } from './loaders.js';
import type { ApplicationFilter, RegionalSource, StatisticsDimension } from './source.js';
import { InvalidPositionError, orderCursor, readInSubmissionOrder, segmentsAfter, type OrderedApplication, type SubmissionPosition } from './submissionOrder.js';
import { createStatisticsCache } from './statisticsCache.js';

export interface RegionalContext {
  loaders: RegionalLoaders;
  log: Logger;
  /** The caller, from the gateway's token (platform/auth.ts). */
  principal: Principal;
}

/** The resolved form of `<Prefix>Record`: the sealed reference and the number it opens to. */
interface RecordParent {
  personRef: string;
  idNumber: string;
}

interface RegionParent {
  code: string;
}

function byYear(applications: Application[], year: number | null | undefined): Application[] {
  return year == null ? applications : applications.filter((application) => application.year === year);
}

const DIMENSION_ORDER: readonly StatisticsDimension[] = ['REGION', 'SERIES', 'SPECIALTY', 'LEVEL', 'REVIEW_KIND', 'STATUS'];

/** What a region's resolvers need besides its source: the keys its references and cursors are sealed with. */
export interface RegionalSecrets {
  identity: Identity;
  cursors: CursorCodec;
  /** The seed of this region's statistics record keys (subgraphs/template/perturbation.ts). */
  cellKeySeed: bigint;
}

/** How a region serves what is not secret. */
export interface RegionalOptions {
  /** Longest a statistics count is reused, seconds (STATISTICS_MAX_AGE_SECONDS). @default 30 */
  statisticsMaxAgeSeconds?: number;
}

export const DEFAULT_STATISTICS_MAX_AGE_SECONDS = 30;

export function regionalResolvers(
  region: RegionDefinition,
  source: RegionalSource,
  { identity, cursors, cellKeySeed }: RegionalSecrets,
  options: RegionalOptions = {},
): SubgraphResolvers {
  const maxAgeSeconds = options.statisticsMaxAgeSeconds ?? DEFAULT_STATISTICS_MAX_AGE_SECONDS;
  const statistics = createStatisticsCache(source, { maxAgeSeconds, cellKeySeed });
  // By ID number in one statement (RegionalSource.applicationsByIdNumber): the duplicate check's
  // hot path, which needs no people lookup first.
  const applicationsOf = (parent: RecordParent, context: RegionalContext) => context.loaders.applicationsByIdNumber.load(parent.idNumber);

  const newestProfile = async (parent: RecordParent, context: RegionalContext) => {
    const people = await context.loaders.people.load(parent.idNumber);
    const newest = [...people].sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))[0];
    return newest?.profile ?? null;
  };

  /**
   * A record's list of one aspect (qualifications, integrity records …). Who may read it is the
   * access matrix's (subgraphs/accessMatrix.ts), applied to every field of this schema.
   */
  const aspect =
    <V extends object>(pick: (loaders: RegionalLoaders) => DataLoader<string, V[]>, province = false) =>
    async (parent: RecordParent, _args: unknown, context: RegionalContext) => {
      const values = await loadForPerson(context.loaders, parent.idNumber, pick(context.loaders));
      return province ? forProvinceList(values) : values;
    };

  return {
    [recordTypeName(region)]: {
      // Async, so that a bad reference fails its own entity (path _entities.<i>), not every entity
      // of the call: @apollo/subgraph turns a synchronous throw into an error on all of _entities.
      async __resolveReference(reference: { personRef: string }, _context: RegionalContext, info: GraphQLResolveInfo): Promise<RecordParent> {
        // A person's records are never reused (subgraphs/cacheHints.ts), whatever shares the call.
        neverCache(info);
        try {
          return { personRef: reference.personRef, idNumber: identity.openPersonRef(reference.personRef) };
        } catch (error) {
          if (error instanceof InvalidPersonRefError) throw userInputError(ErrorCode.INVALID_PERSON_REF, error.message);
          throw error;
        }
      },
      region: () => region.code,
      found: async (parent: RecordParent, _args: unknown, context: RegionalContext) => {
        return (await context.loaders.people.load(parent.idNumber)).length > 0;
      },
      profile: (parent: RecordParent, _args: unknown, context: RegionalContext) => newestProfile(parent, context),
      allApplications: (parent: RecordParent, _args: unknown, context: RegionalContext) => applicationsOf(parent, context),
      // @inaccessible: only the gateway's plan for the province's @requires can select it.
      applicationsForProvince: async (parent: RecordParent, _args: unknown, context: RegionalContext) =>
        forProvinceList(await applicationsOf(parent, context)),
      // The eligibility rules' share of the record, @inaccessible like applicationsForProvince: a
      // portal may not read another region's profile or records, but the province may check them
      // for it (schema/shared.graphql, RegionalRecord). PersonProfile.name and .employer keep their
      // own rule, and the province never selects them.
      profileForProvince: async (parent: RecordParent, _args: unknown, context: RegionalContext) => forProvince(await newestProfile(parent, context)),
      integrityRecordsForProvince: aspect((loaders) => loaders.integrityRecords, true),
      assessmentsForProvince: aspect((loaders) => loaders.assessments, true),
      applications: async (parent: RecordParent, args: { year?: number | null }, context: RegionalContext) =>
        byYear(await applicationsOf(parent, context), checkYear('year', args.year)),
      qualifications: aspect((loaders) => loaders.qualifications),
      integrityRecords: aspect((loaders) => loaders.integrityRecords),
      assessments: aspect((loaders) => loaders.assessments),
    },
    [regionTypeName(region)]: {
      __resolveReference(reference: { code: string }, _context: RegionalContext, info: GraphQLResolveInfo): RegionParent | null {
        // The region itself (code, names) is configuration; its lists and counts carry their own hints.
        cacheAtMost(info, CONFIGURATION_MAX_AGE_SECONDS);
        return reference.code === region.code ? { code: region.code } : null;
      },
      code: () => region.code,
      name: () => region.name,
      divisionCode: () => region.divisionCode,
      applications: async (
        _parent: RegionParent,
        args: { filter?: ApplicationFilter | null; first?: number | null; after?: string | null },
        context: RegionalContext,
      ) => {
        const first = checkPageSize('first', args.first);
        const filter = args.filter ?? {};
        checkYear('filter.year', filter.year);
        requireReadableFilter(context, region.code, filter);
        // An empty cursor is a malformed one, not an absent one.
        const after = args.after != null ? cursors.decode(args.after) : null;
        const page = await source.listApplications(filter, { first, after });
        const edges = page.items.map((node) => ({ cursor: cursors.encode(node.localId), node }));
        return {
          edges,
          pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
          // Counted only when a client selects it: the default resolver calls the function.
          totalCount: () => source.countApplications(filter),
        };
      },
      // @inaccessible: only the province calls it, for an analyst's annualReviewConflicts. One SQL
      // statement over the year; the keys are computed here, where the numbers are, so that only
      // pseudonymous keys leave the region (and sealed references for the few people asked about).
      annualReviewIndexForProvince: async (_parent: RegionParent, args: { year: number; personKeys?: string[] | null; applicationIds?: string[] | null }) => {
        // Analysts only: the access matrix (Region.annualReviewIndexForProvince) refuses anyone else.
        checkYear('year', args.year);
        // The province's second call names the applications its first answer listed for the page's
        // people: read by key, not the year again (on 1,000,000 applications, half of the report's work).
        const prefix = `${region.code}:`;
        const localIds = args.applicationIds?.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
        const byPerson = new Map<string, string[]>();
        for (const { idNumber, localId } of await source.countedApplicationsInYear(args.year, localIds ?? undefined)) {
          const applicationId = `${region.code}:${localId}`;
          const ids = byPerson.get(idNumber);
          if (ids) ids.push(applicationId);
          else byPerson.set(idNumber, [applicationId]);
        }
        const wanted = args.personKeys ? new Set(args.personKeys) : null;
        const entries: Array<{ idNumber: string; personKey: string; applicationIds: string[] }> = [];
        for (const [idNumber, applicationIds] of byPerson) {
          const personKey = identity.personKey(idNumber);
          if (!wanted || wanted.has(personKey)) entries.push({ idNumber, personKey, applicationIds });
        }
        if (!wanted) return entries.map(({ personKey, applicationIds }) => ({ personKey, applicationIds, personRef: null, applications: null }));
        const applications = await source.applicationsByIdNumber(entries.map((entry) => entry.idNumber));
        return entries.map(({ idNumber, personKey, applicationIds }) => ({
          personKey,
          applicationIds,
          personRef: identity.sealPersonRef(idNumber),
          applications: forProvinceList((applications.get(idNumber) ?? []).filter((application) => applicationIds.includes(application.id))),
        }));
      },
      // @inaccessible: only the province's merged list calls it (subgraphs/province/mergedList.ts).
      // The rows go to the province in full, as applicationsForProvince's do; the province applies
      // the caller's rule to what it returns.
      applicationsInSubmissionOrder: async (
        _parent: RegionParent,
        args: { filter?: ApplicationFilter | null; descending: boolean; first: number; after?: SubmissionPosition | null },
        context: RegionalContext,
      ) => {
        // One more than a page: the province asks for first + 1 to know whether there are more.
        if (!Number.isInteger(args.first) || args.first < PAGE_SIZE.min || args.first > PAGE_SIZE.max + 1) {
          throw userInputError(ErrorCode.BAD_USER_INPUT, `"first" must be from ${PAGE_SIZE.min} to ${PAGE_SIZE.max + 1}.`);
        }
        const filter = args.filter ?? {};
        checkYear('filter.year', filter.year);
        // The caller's own rule, as in Region.applications: the province checks it first too.
        requireReadableFilter(context, region.code, filter);
        // The registry's order, and this region after it where the registry does not list it (a test fixture).
        const registry = REGIONS.map((known) => known.code);
        const order = registry.includes(region.code) ? registry : [...registry, region.code];
        let rows: OrderedApplication[];
        try {
          const segments = segmentsAfter(region.code, order, args.after ?? null, args.descending);
          rows = await readInSubmissionOrder(segments, args.first, (segment, limit) => source.listInSubmissionOrder(filter, segment, args.descending, limit));
        } catch (error) {
          if (error instanceof InvalidPositionError) throw userInputError(ErrorCode.INVALID_CURSOR, error.message);
          throw error;
        }
        const full = forProvinceList(rows.map((row) => row.application)) ?? [];
        return {
          edges: rows.map((row, index) => ({ cursor: orderCursor(row), node: full[index] })),
          pageInfo: { hasNextPage: rows.length === args.first, endCursor: rows.length > 0 ? orderCursor(rows.at(-1)!) : null },
          totalCount: () => source.countApplications(filter),
        };
      },
      statistics: async (_parent: RegionParent, args: { year?: number | null; groupBy: StatisticsDimension[] }, context: RegionalContext, info: GraphQLResolveInfo) => {
        const dimensions = DIMENSION_ORDER.filter((dimension) => args.groupBy.includes(dimension));
        const grouped = dimensions.filter((d) => d !== 'REGION');
        // Exact or perturbed by audience (the access matrix); the cell keys cost SQL work only when used.
        const perturbed = derivedFor('statistics', context.principal, region.code) === 'PERTURBED';
        // The cached groups carry every cell key; perturbation is applied here, per caller, so that
        // a cached answer is the one an uncached count would give (subgraphs/template/statisticsCache.ts).
        const { groups, computedAt } = await statistics.get(checkYear('year', args.year) ?? null, grouped);
        const freshness = { computedAt: computedAt.toISOString(), ageSeconds: Math.max(0, (Date.now() - computedAt.getTime()) / 1000) };
        // Reusable for what is left of the count's freshness, by callers of the same audience only
        // (perturbed or exact): the gateway never serves the data older than the statistics' own bound.
        cacheAtMost(info, maxAgeSeconds - freshness.ageSeconds, 'PRIVATE');
        return publishStatistics(
          groups.map((group) => ({ ...group, region: dimensions.includes('REGION') ? region.code : null })),
          { perturbed, grouped: grouped.length > 0 },
        ).map((row) => ({ ...row, ...freshness }));
      },
    },
    StatisticsRow: {
      // An age is true only when it is answered: an answer that states one is never reused
      // (computedAt, which stays true, may be).
      ageSeconds: (row: { ageSeconds: number }, _args: unknown, _context: unknown, info: GraphQLResolveInfo) => {
        neverCache(info);
        return row.ageSeconds;
      },
    },
    Application: {
      levelCode: (application: Application) => TITLE_LEVELS[application.level].code,
      levelLabel: (application: Application) => TITLE_LEVELS[application.level].label,
    },
  } as SubgraphResolvers;
}

export function createRegionalSchema(region: RegionDefinition, source: RegionalSource, secrets: RegionalSecrets, options: RegionalOptions = {}): GraphQLSchema {
  return withAccessMatrix(buildSubgraph(regionalSubgraphSdl(region), regionalResolvers(region, source, secrets, options)), region.code);
}
