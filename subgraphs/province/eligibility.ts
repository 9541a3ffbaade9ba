/**
 * The eligibility pre-check in the graph (docs/eligibility.md; SDL: schema/eligibility.graphql):
 * `Query.reviewBatches` serves the
 * notices as data, and `Person.eligibility` runs every rule of domain/eligibility over what each
 * region holds on the person, gathered by the gateway through @requires. A region that did not
 * answer is passed on as MISSING, which no rule reads as "nothing found".
 */
import { decideAnnualReview, type RegionApplications } from '../../domain/annualReviewVerdict.js';
import type { RegionDefinition } from '../../domain/regions.js';
import type { PersonProfile } from '../../domain/types.js';
import {
  checkEligibility,
  findBatch,
  reviewBatches,
  type BatchLookup,
  type EligibilityInput,
  type RegionFacts,
  type ReviewBatch,
} from '../../domain/eligibility/index.js';
import type { GraphQLResolveInfo } from 'graphql';
import { beijingYear } from '../../domain/time.js';
import { ErrorCode, userInputError } from '../../platform/errors.js';
import { checkYear } from '../../platform/input.js';
import { cacheAtMost, CONFIGURATION_MAX_AGE_SECONDS } from '../cacheHints.js';
import { denyDerived, requireNameableApplication, type AccessContext } from '../access.js';
import { derivedFor } from '../accessMatrix.js';
import { eligibilityFor } from './reasonView.js';
import { requiredRecordOf, type RequiredRecord } from './requiredRecords.js';

/** A record counts as answered only when every aspect the rules read came back. */
function regionFacts(regions: readonly RegionDefinition[], records: ReadonlyArray<RequiredRecord | null>): RegionFacts[] {
  return regions.map((region, index) => {
    const record = requiredRecordOf(records, region, index);
    if (!record?.applicationsForProvince || !record.integrityRecordsForProvince || !record.assessmentsForProvince) {
      return { region: region.code, status: 'MISSING' as const };
    }
    return {
      region: region.code,
      status: 'ANSWERED' as const,
      profile: record.profileForProvince
        ? ({ name: null, ethnicityCode: null, ethnicity: null, politicalStatusCode: null, politicalStatus: null, employer: null, ...record.profileForProvince } as PersonProfile)
        : null,
      applications: record.applicationsForProvince,
      integrityRecords: record.integrityRecordsForProvince,
      assessments: record.assessmentsForProvince,
    };
  });
}

function batchForGraph(batch: ReviewBatch) {
  return {
    ...batch,
    fees: batch.fees.entries,
    feesAnnouncedLater: batch.fees.announcedLater,
  };
}

function configurationField<K extends 'windows' | 'fees' | 'submissionLimit'>(name: K) {
  return (batch: ReturnType<typeof batchForGraph>, _args: unknown, _context: unknown, info: GraphQLResolveInfo) => {
    cacheAtMost(info, CONFIGURATION_MAX_AGE_SECONDS);
    return batch[name];
  };
}

/**
 * Longest text of each EligibilityInput field (schema/eligibility.graphql). The reasons quote the
 * batch code, location and specialty in both languages (BATCH_NOT_FOUND,
 * BATCH_SPECIALTY_NOT_OFFERED, DEFENCE_REQUIRED): 20,000 characters of them came back twice. No
 * portal value is near these lengths.
 */
export const ELIGIBILITY_TEXT_LIMITS = { region: 32, batchCode: 64, specialty: 100, location: 100, applicationId: 100, asOf: 64 } as const;

/** BAD_USER_INPUT, naming the field and never its value, for text over its limit or a year outside 1978–2100. */
function checkEligibilityInput(input: EligibilityInput & { asOf?: string | null; applicationId?: string | null }): void {
  for (const [field, limit] of Object.entries(ELIGIBILITY_TEXT_LIMITS)) {
    const value = (input as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.length > limit) {
      throw userInputError(ErrorCode.BAD_USER_INPUT, `"input.${field}" may be at most ${limit} characters.`);
    }
  }
  checkYear('input.year', input.year);
}

/**
 * The year the one-review-a-year verdict is taken for: the batch's, else the year asked for, else
 * the calendar year at the check's instant in Beijing time, the notices' calendar.
 */
export function yearOfCheck(lookup: BatchLookup, askedYear: number | null | undefined, at: Date): number {
  return lookup.found ? lookup.batch.year : (askedYear ?? beijingYear(at));
}

export function eligibilityResolvers(regions: readonly RegionDefinition[], now: () => Date = () => new Date()) {
  return {
    Query: {
      reviewBatches: (_root: unknown, args: { year?: number | null; region?: string | null }, _context: unknown, info: GraphQLResolveInfo) => {
        cacheAtMost(info, CONFIGURATION_MAX_AGE_SECONDS);
        return reviewBatches({ year: checkYear('year', args.year) ?? null, region: args.region ?? null }).map(batchForGraph);
      },
    },
    // The batches are the notices as shipped (domain/eligibility/batches.json): their parts may be
    // reused as long as the list (subgraphs/cacheHints.ts; a field returning objects needs its own hint).
    ReviewBatch: {
      windows: configurationField('windows'),
      fees: configurationField('fees'),
      submissionLimit: configurationField('submissionLimit'),
    },
    Person: {
      eligibility(
        person: { records?: ReadonlyArray<RequiredRecord | null> },
        args: { input: EligibilityInput & { asOf?: string | null } },
        context: AccessContext,
      ) {
        // First: no rule, and no refusal below, may quote an unbounded value.
        checkEligibilityInput(args.input);
        const at = args.input.asOf ? new Date(args.input.asOf) : now();
        if (Number.isNaN(at.getTime()) || (args.input.asOf && !/[zZ]|[+-]\d\d:?\d\d$/.test(args.input.asOf))) {
          throw userInputError(ErrorCode.BAD_USER_INPUT, '"asOf" must be an ISO-8601 instant with an offset, e.g. 2024-09-10T10:00:00+08:00.');
        }
        // A portal checks applications to its own region (the matrix's eligibilityRegion), whose
        // application it may name; another region's data reaches it only as the verdict and
        // reasons rendered for it (reasonView.ts).
        if (derivedFor('eligibilityRegion', context.principal, args.input.region) !== 'ALLOWED') {
          throw denyDerived(context, 'eligibility(input.region)', 'a portal checks applications to its own region only.', args.input.region);
        }
        // Moving the check day into the future would let a caller find, day by day, when another
        // region's ban or sanction ends, which the reasons withhold (docs/access.md).
        if (derivedFor('eligibilityAsOf', context.principal, null) === 'NOT_AFTER_NOW' && at.getTime() > now().getTime()) {
          throw denyDerived(context, 'eligibility(input.asOf)', 'a portal may replay a past check, not one in the future.');
        }
        const facts = regionFacts(regions, person.records ?? []);
        const lookup = findBatch(args.input);
        const year = yearOfCheck(lookup, args.input.year, at);
        const answers: RegionApplications[] = facts.map((fact) => ({
          region: fact.region,
          applications: fact.status === 'ANSWERED' ? fact.applications : null,
        }));
        const applicationId = args.input.applicationId ?? null;
        const ownApplication =
          applicationId === null ? null : applicationId.includes(':') ? applicationId : `${args.input.region}:${applicationId}`;
        requireNameableApplication(context, ownApplication);
        const annual = decideAnnualReview(year, answers, ownApplication);
        const result = checkEligibility(
          args.input,
          { regions: facts, annualReview: { year, verdict: annual.verdict, counted: annual.counted, missingRegions: annual.missingRegions } },
          at,
        );
        const visible = eligibilityFor(context.principal, result, facts);
        return {
          ...visible,
          batch: visible.batch ? batchForGraph(visible.batch) : null,
          openWindows: visible.windows.open,
          nextWindows: visible.windows.next,
        };
      },
    },
  };
}
