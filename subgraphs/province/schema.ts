/**
 * The province subgraph: it holds no portal data. It owns Person (found by ID number), the region
 * registry, and the annual-review verdict, which needs every region's answer and so is computed
 * with @requires over the argument-free allApplications (../shared/DESIGN.md, patterns 1, 3, 4).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { decideAnnualReview, type RegionAnswer } from '../../domain/annualReview.js';
import { InvalidIdNumberError, maskIdNumber, normaliseIdNumber } from '../../domain/idNumber.js';
import type { RegionDefinition } from '../../domain/regions.js';
import type { Application } from '../../domain/types.js';
import { ErrorCode, userInputError } from '../../platform/errors.js';
import type { Principal } from '../../platform/auth.js';
import type { Identity } from '../../platform/identity.js';
import type { Logger } from '../../platform/logger.js';
import { applicationResolvers, requireRole } from '../access.js';
import type { AccessLog } from './accessLog.js';
import { eligibilitySdl, eligibilityResolvers } from './eligibility.js';
import { requiredRecordOf } from './requiredRecords.js';
import { FEDERATION_LINK, fullSelection, recordTypeName, regionStubsSdl, regionTypeName, SHARED_SDL } from '../../schema/sdl.js';

export interface ProvinceContext {
  log: Logger;
  requestId: string;
  /** The caller, from the gateway's token (platform/auth.ts). */
  principal: Principal;
}

export function provinceSubgraphSdl(regions: readonly RegionDefinition[]): string {
  const required = `records { applicationsForProvince { ${fullSelection('Application')} } }`;
  return [
    FEDERATION_LINK,
    SHARED_SDL,
    `type Query {
  """
  A person, by resident ID number in any accepted form: 18 characters or the old 15 digits, with
  lowercase x, full-width digits or spaces. A malformed number is refused with INVALID_ID_NUMBER.
  """
  person(idNumber: String!): Person!
  "The configured regions (all, or those named by code); null where a region failed."
  regions(codes: [String!]): [Region]!
  "Who looked a person up, newest first, by Person.key (analysts only)."
  accessLog(personKey: ID!, first: Int = 50): [AccessLogEntry!]!
}

"One lookup of a person: who, when, in which operation. The person is named by Person.key only."
type AccessLogEntry {
  "When, ISO-8601 in Beijing time."
  at: String!
  "analyst, portal or dashboard."
  role: String!
  "The portal's region; null for the other roles."
  region: String
  "The caller's token subject."
  subject: String!
  "The client's operation name, where it gave one."
  operation: String
  requestId: String
}

"A person across every region, named by a pseudonymous key; the ID number itself is never readable."
type Person @key(fields: "key") {
  "Stable pseudonymous key: an HMAC of the normalised ID number."
  key: ID!
  "First 6 and last 4 characters of the normalised number: 652801********123X."
  idNumberMasked: String!
  "What each region holds on the person, one per configured region; null where a region failed."
  records: [RegionalRecord]!
  """
  Has the person already taken part in a title review in the given year, in any region?
  Notice 000 §五(五): one review per person per year, province-wide. \`excludeApplication\` is the
  id (e.g. \`bz:1042\`) of the application being checked, so that it does not count against itself.
  """
  annualReview(year: Int!, excludeApplication: ID): AnnualReview! @requires(fields: "${required}")
}

enum AnnualReviewVerdict {
  "At least one application counts toward the limit that year (even if a region is missing)."
  ALREADY_APPLIED
  "Every region answered, none counts, and none is undecidable."
  CLEAR
  "A region did not answer, or an application's kind, status or year is unknown."
  UNKNOWN
}

type AnnualReview {
  year: Int!
  verdict: AnnualReviewVerdict!
  "Every region answered."
  complete: Boolean!
  "Regions that did not answer."
  missingRegions: [String!]!
  "The applications that count toward the limit that year."
  counted: [Application!]!
  "Applications whose kind, status or year cannot be read, so they neither count nor clear."
  undecided: [Application!]!
}`,
    eligibilitySdl(),
    regionStubsSdl(regions),
  ].join('\n\n');
}

interface PersonParent {
  key: string;
  idNumberMasked?: string;
  /** Only on the first hop, never sent anywhere but to the regions, sealed. */
  normalised?: string;
  /** Only on the @requires hop: what the gateway fetched from the regions. */
  records?: ReadonlyArray<RequiredRecord | null>;
}

interface RequiredRecord {
  __typename?: string;
  applicationsForProvince?: Application[] | null;
}

const YEAR_RANGE = { min: 1978, max: 2100 };

/** Each region's applications as the gateway gathered them, or null where the region did not answer. */
function regionAnswers(regions: readonly RegionDefinition[], records: ReadonlyArray<RequiredRecord | null>): RegionAnswer[] {
  return regions.map((region, index) => ({
    region: region.code,
    applications: requiredRecordOf(records, region, index)?.applicationsForProvince ?? null,
  }));
}

/** The client's operation name in the gateway's subgraph operation name, `AnnualReview__province__0`. */
function clientOperationName(info: GraphQLResolveInfo): string | null {
  const name = info.operation.name?.value;
  return name ? name.replace(/__province__\d+$/, '').slice(0, 200) : null;
}

export function createProvinceSchema(regions: readonly RegionDefinition[], identity: Identity, accessLog?: AccessLog): GraphQLSchema {
  const resolvers = {
    Query: {
      person(_root: unknown, args: { idNumber: string }, context: ProvinceContext, info: GraphQLResolveInfo): PersonParent {
        // Looking people up is for portals and analysts; a dashboard reads statistics only.
        requireRole(context, info, ['analyst', 'portal']);
        try {
          const normalised = normaliseIdNumber(args.idNumber);
          const key = identity.personKey(normalised);
          const { principal } = context;
          accessLog?.record({
            at: new Date(),
            role: principal.role,
            region: principal.region,
            subject: principal.subject,
            personKey: key,
            operation: clientOperationName(info),
            requestId: context.requestId,
          });
          return { key, idNumberMasked: maskIdNumber(normalised), normalised };
        } catch (error) {
          if (error instanceof InvalidIdNumberError) {
            throw new GraphQLError(error.message, { extensions: { code: ErrorCode.INVALID_ID_NUMBER, reason: error.reason } });
          }
          throw error;
        }
      },
      async accessLog(_root: unknown, args: { personKey: string; first?: number | null }, context: ProvinceContext, info: GraphQLResolveInfo) {
        requireRole(context, info, ['analyst']);
        const first = args.first ?? 50;
        if (!Number.isInteger(first) || first < 1 || first > 200) throw userInputError(ErrorCode.BAD_USER_INPUT, '"first" must be from 1 to 200.');
        if (!accessLog) return [];
        return accessLog.list(args.personKey, first);
      },
      regions(_root: unknown, args: { codes?: string[] | null }) {
        const unknown = (args.codes ?? []).filter((code) => !regions.some((region) => region.code === code));
        if (unknown.length > 0) {
          throw userInputError(
            ErrorCode.UNKNOWN_REGION,
            `Unknown region code(s): ${unknown.slice(0, 5).map((code) => JSON.stringify(code.slice(0, 20))).join(', ')}. Configured: ${regions.map((r) => r.code).join(', ')}.`,
          );
        }
        return regions
          .filter((region) => !args.codes || args.codes.includes(region.code))
          .map((region) => ({ __typename: regionTypeName(region), code: region.code }));
      },
    },
    Person: {
      __resolveReference(reference: PersonParent): PersonParent {
        return reference;
      },
      records(person: PersonParent) {
        if (!person.normalised) return [];
        const personRef = identity.sealPersonRef(person.normalised);
        return regions.map((region) => ({ __typename: recordTypeName(region), personRef }));
      },
      annualReview(person: PersonParent, args: { year: number; excludeApplication?: string | null }) {
        if (!Number.isInteger(args.year) || args.year < YEAR_RANGE.min || args.year > YEAR_RANGE.max) {
          throw userInputError(ErrorCode.BAD_USER_INPUT, `"year" must be from ${YEAR_RANGE.min} to ${YEAR_RANGE.max}.`);
        }
        const exclude = args.excludeApplication ?? null;
        if (exclude !== null && !regions.some((region) => exclude.startsWith(`${region.code}:`) && exclude.length > region.code.length + 1)) {
          throw userInputError(
            ErrorCode.INVALID_APPLICATION_ID,
            `"excludeApplication" must be an application id such as bz:1042, naming a configured region.`,
          );
        }
        return decideAnnualReview(args.year, regionAnswers(regions, person.records ?? []), exclude);
      },
    },
    // `counted` and `undecided` carry other regions' applications, gathered in full for the
    // verdict: the same rule as in the regions applies to what a client reads of them.
    Application: applicationResolvers<ProvinceContext>(),
  };
  const eligibility = eligibilityResolvers(regions);
  const merged = {
    ...resolvers,
    Query: { ...resolvers.Query, ...eligibility.Query },
    Person: { ...resolvers.Person, ...eligibility.Person },
  };
  return buildSubgraphSchema([{ typeDefs: parse(provinceSubgraphSdl(regions)), resolvers: merged }]);
}
