/**
 * The one template every regional subgraph is built from (../shared/DESIGN.md): what differs per
 * region is its RegionalSource (its Prisma model and mapping module) and its registry entry.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { parse, type GraphQLSchema } from 'graphql';
import { TITLE_LEVELS } from '../../domain/codes.js';
import type { RegionDefinition } from '../../domain/regions.js';
import type { Application } from '../../domain/types.js';
import type { Principal } from '../../platform/auth.js';
import { ErrorCode, userInputError } from '../../platform/errors.js';
import { InvalidPersonRefError, type Identity } from '../../platform/identity.js';
import type { Logger } from '../../platform/logger.js';
import { recordTypeName, regionalSubgraphSdl, regionTypeName } from '../../schema/sdl.js';
import { loadForPerson, type RegionalLoaders } from './loaders.js';
import type { ApplicationFilter, RegionalSource, StatisticsDimension } from './source.js';

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

/** Page size: the default of the SDL, and a cap so one request cannot ask for a whole region. */
export const MAX_PAGE_SIZE = 200;

export function encodeCursor(region: string, localId: string): string {
  return Buffer.from(`${region}:${localId}`, 'utf8').toString('base64url');
}

export function decodeCursor(region: string, cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `${region}:`;
  if (!decoded.startsWith(prefix) || decoded.length === prefix.length) {
    throw userInputError(ErrorCode.INVALID_CURSOR, `The cursor is not one this ${region} list issued; start again without "after".`);
  }
  return decoded.slice(prefix.length);
}

function byYear(applications: Application[], year: number | null | undefined): Application[] {
  return year == null ? applications : applications.filter((application) => application.year === year);
}

const DIMENSION_ORDER: readonly StatisticsDimension[] = ['REGION', 'SERIES', 'SPECIALTY', 'LEVEL', 'REVIEW_KIND', 'STATUS'];

export function regionalResolvers(region: RegionDefinition, source: RegionalSource, identity: Identity): GraphQLResolverMap<RegionalContext> {
  const applicationsOf = (parent: RecordParent, context: RegionalContext) =>
    loadForPerson(context.loaders, parent.idNumber, context.loaders.applications);

  return {
    [recordTypeName(region)]: {
      __resolveReference(reference: { personRef: string }): RecordParent {
        try {
          return { personRef: reference.personRef, idNumber: identity.openPersonRef(reference.personRef) };
        } catch (error) {
          if (error instanceof InvalidPersonRefError) throw userInputError(ErrorCode.INVALID_PERSON_REF, error.message);
          throw error;
        }
      },
      region: () => region.code,
      found: async (parent: RecordParent, _args: unknown, context: RegionalContext) =>
        (await context.loaders.people.load(parent.idNumber)).length > 0,
      profile: async (parent: RecordParent, _args: unknown, context: RegionalContext) => {
        const people = await context.loaders.people.load(parent.idNumber);
        const newest = [...people].sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))[0];
        return newest?.profile ?? null;
      },
      allApplications: (parent: RecordParent, _args: unknown, context: RegionalContext) => applicationsOf(parent, context),
      applications: async (parent: RecordParent, args: { year?: number | null }, context: RegionalContext) =>
        byYear(await applicationsOf(parent, context), args.year),
      qualifications: (parent: RecordParent, _args: unknown, context: RegionalContext) =>
        loadForPerson(context.loaders, parent.idNumber, context.loaders.qualifications),
      integrityRecords: (parent: RecordParent, _args: unknown, context: RegionalContext) =>
        loadForPerson(context.loaders, parent.idNumber, context.loaders.integrityRecords),
      assessments: (parent: RecordParent, _args: unknown, context: RegionalContext) =>
        loadForPerson(context.loaders, parent.idNumber, context.loaders.assessments),
    },
    [regionTypeName(region)]: {
      __resolveReference(reference: { code: string }): RegionParent | null {
        return reference.code === region.code ? { code: region.code } : null;
      },
      code: () => region.code,
      name: () => region.name,
      divisionCode: () => region.divisionCode,
      applications: async (
        _parent: RegionParent,
        args: { filter?: ApplicationFilter | null; first?: number | null; after?: string | null },
      ) => {
        const first = args.first ?? 50;
        if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
          throw userInputError(ErrorCode.BAD_USER_INPUT, `"first" must be from 1 to ${MAX_PAGE_SIZE}.`);
        }
        const filter = args.filter ?? {};
        const after = args.after ? decodeCursor(region.code, args.after) : null;
        const page = await source.listApplications(filter, { first, after });
        const edges = page.items.map((node) => ({ cursor: encodeCursor(region.code, node.localId), node }));
        return {
          edges,
          pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
          // Counted only when a client selects it: the default resolver calls the function.
          totalCount: () => source.countApplications(filter),
        };
      },
      statistics: async (_parent: RegionParent, args: { year?: number | null; groupBy: StatisticsDimension[] }) => {
        const dimensions = DIMENSION_ORDER.filter((dimension) => args.groupBy.includes(dimension));
        const groups = await source.statistics(args.year ?? null, dimensions.filter((d) => d !== 'REGION'));
        return groups.map((group) => ({
          ...group,
          region: dimensions.includes('REGION') ? region.code : null,
          suppressed: false,
        }));
      },
    },
    Application: {
      levelCode: (application: Application) => TITLE_LEVELS[application.level].code,
      levelLabel: (application: Application) => TITLE_LEVELS[application.level].label,
    },
  } as GraphQLResolverMap<RegionalContext>;
}

export function createRegionalSchema(region: RegionDefinition, source: RegionalSource, identity: Identity): GraphQLSchema {
  return buildSubgraphSchema([
    { typeDefs: parse(regionalSubgraphSdl(region)), resolvers: regionalResolvers(region, source, identity) },
  ]);
}
