/**
 * The province subgraph's resolvers (its SDL: schema/province.graphql and eligibility.graphql): it
 * holds no portal data. It owns Person (found by ID number), the region registry, and the
 * annual-review verdict, which needs every region's answer and so is computed with @requires over
 * the argument-free applicationsForProvince.
 */
import { GraphQLError, type GraphQLFormattedError, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { decideAnnualReview, type RegionApplications } from '../../domain/annualReviewVerdict.js';
import { maskIdNumber } from '../../domain/idNumber.js';
import type { RegionDefinition } from '../../domain/regions.js';
import { ErrorCode, userInputError } from '../../platform/errors.js';
import { checkYear, typedIdNumber } from '../../platform/input.js';
import type { Principal } from '../../platform/auth.js';
import type { Identity } from '../../platform/identity.js';
import type { Logger } from '../../platform/logger.js';
import { cacheAtMost, CONFIGURATION_MAX_AGE_SECONDS } from '../cacheHints.js';
import { requireNameableApplication, withAccessMatrix } from '../access.js';
import type { AccessLog } from './accessLog.js';
import { NO_CLAIM_LEDGER, type ClaimsModule } from './claims/resolvers.js';
import { eligibilityResolvers } from './eligibility.js';
import { requiredRecordOf, type RequiredRecord } from './requiredRecords.js';
import type { MergedListArgs } from './mergedList.js';
import { buildSubgraph, provinceSubgraphSdl, recordTypeName, regionTypeName } from '../../schema/sdl.js';

export interface ProvinceContext {
  log: Logger;
  /** The gateway's id of the client's operation (platform/http.ts: believed only from the gateway). */
  requestId: string;
  /** The client's operation name as the gateway parsed it; null when it had none. */
  operationName?: string | null;
  /** The SHA-256 of the client's document as the gateway hashed it (x-document-hash); null when not given. */
  documentHash?: string | null;
  /** The caller, from the gateway's token (platform/auth.ts). */
  principal: Principal;
  /** That token itself: the merged list passes it on to the regions, so that they apply the caller's rules too. */
  internalToken: string;
  /**
   * Errors that go with an answer that is still given (a region missing from the merged list):
   * added to the response by the service's plugin, since a resolver can return data or throw, not both.
   */
  extraErrors: GraphQLFormattedError[];
  /**
   * Set where our gateway confirms access-log receipts before it answers (./accessReceipts.ts):
   * takes a lookup whose entry is still being written, so that it is answered without waiting.
   */
  deferLookup?: (personKey: string, committed: Promise<void>) => void;
  /** The receipts of the lookups deferLookup took, for the answer's `extensions.accessLog.deferred`. */
  deferredReceipts?: string[];
}

/** The merged list's resolver (./mergedList.ts), when the province can reach the regions. */
export type MergedListResolver = (args: MergedListArgs, context: ProvinceContext, info: GraphQLResolveInfo) => unknown;

interface PersonParent {
  key: string;
  idNumberMasked?: string;
  /** Only on the first hop, never sent anywhere but to the regions, sealed. */
  normalised?: string;
  /** Only on the @requires hop: what the gateway fetched from the regions. */
  records?: ReadonlyArray<RequiredRecord | null>;
}

/** Each region's applications as the gateway gathered them, or null where the region did not answer. */
function regionAnswers(regions: readonly RegionDefinition[], records: ReadonlyArray<RequiredRecord | null>): RegionApplications[] {
  return regions.map((region, index) => ({
    region: region.code,
    applications: requiredRecordOf(records, region, index)?.applicationsForProvince ?? null,
  }));
}


export function createProvinceSchema(
  regions: readonly RegionDefinition[],
  identity: Identity,
  accessLog?: AccessLog,
  claims: ClaimsModule = NO_CLAIM_LEDGER,
  mergedList?: MergedListResolver,
): GraphQLSchema {
  const resolvers = {
    Query: {
      // One list across the regions (./mergedList.ts); dashboards are refused by the access matrix.
      applications(_root: unknown, args: MergedListArgs, context: ProvinceContext, info: GraphQLResolveInfo) {
        if (!mergedList) throw new GraphQLError('The merged list is not configured in this service.', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
        return mergedList(args, context, info);
      },
      async person(_root: unknown, args: { idNumber: string }, context: ProvinceContext): Promise<PersonParent> {
        // Looking people up is for portals and analysts (the access matrix refuses dashboards).
        const normalised = typedIdNumber(args.idNumber);
        const key = identity.personKey(normalised);
        const { principal } = context;
        // The audit record first: no answer leaves without its committed entry (accessLog.ts);
        // if it cannot be written, the lookup fails with ACCESS_LOG_UNAVAILABLE. Where our gateway
        // holds the answer until the entry is confirmed, and the log is idle, it commits while the
        // regions are asked (./accessReceipts.ts). Under load the lookups that wait for one group
        // commit are answered together, and the gateway combines their region calls: deferring
        // there cost 12% of the duplicate check's throughput at 32 connections in the benchmark.
        const deferLookup = accessLog?.busy() ? undefined : context.deferLookup;
        const committed = accessLog?.record({
          at: new Date(),
          role: principal.role,
          region: principal.region,
          subject: principal.subject,
          personKey: key,
          operation: context.operationName ?? null,
          documentHash: context.documentHash ?? null,
          requestId: context.requestId,
        });
        if (committed && deferLookup) deferLookup(key, committed);
        else await committed;
        return { key, idNumberMasked: maskIdNumber(normalised), normalised };
      },
      async accessLog(_root: unknown, args: { personKey: string; first?: number | null }) {
        const first = args.first ?? 50;
        if (!Number.isInteger(first) || first < 1 || first > 200) throw userInputError(ErrorCode.BAD_USER_INPUT, '"first" must be from 1 to 200.');
        if (!accessLog) return [];
        return accessLog.list(args.personKey, first);
      },
      regions(_root: unknown, args: { codes?: string[] | null }, _context: unknown, info: GraphQLResolveInfo) {
        // The registry is configuration (subgraphs/cacheHints.ts); each region's fields carry their own hints.
        cacheAtMost(info, CONFIGURATION_MAX_AGE_SECONDS);
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
      annualReview(person: PersonParent, args: { year: number; excludeApplication?: string | null }, context: ProvinceContext) {
        checkYear('year', args.year);
        const exclude = args.excludeApplication ?? null;
        if (exclude !== null && !regions.some((region) => exclude.startsWith(`${region.code}:`) && exclude.length > region.code.length + 1)) {
          throw userInputError(
            ErrorCode.INVALID_APPLICATION_ID,
            `"excludeApplication" must be an application id such as bz:1042, naming a configured region.`,
          );
        }
        requireNameableApplication(context, exclude);
        // Active claims of other applications count too (issue 13): the ledger is read in one
        // batched statement per turn of the event loop, across requests.
        return claims.withClaims(decideAnnualReview(args.year, regionAnswers(regions, person.records ?? []), exclude), person.key, exclude);
      },
    },
  };
  const eligibility = eligibilityResolvers(regions);
  const merged = {
    ...claims.resolvers,
    ...resolvers,
    Query: { ...resolvers.Query, ...eligibility.Query, ...claims.resolvers.Query },
    Person: { ...resolvers.Person, ...eligibility.Person },
    ReviewBatch: eligibility.ReviewBatch,
  };
  // `counted` and `undecided` carry other regions' applications, gathered in full for the verdict:
  // the access matrix applies to what a client reads of them as it does in the regions.
  return withAccessMatrix(buildSubgraph(provinceSubgraphSdl(regions), merged), null);
}
