/**
 * The eligibility pre-check in the graph (docs/eligibility.md): `Query.reviewBatches` serves the
 * notices as data, and `Person.eligibility` runs every rule of domain/eligibility over what each
 * region holds on the person, gathered by the gateway through @requires. A region that did not
 * answer is passed on as MISSING, which no rule reads as "nothing found".
 */
import { decideAnnualReview, type RegionAnswer } from '../../domain/annualReview.js';
import type { RegionDefinition } from '../../domain/regions.js';
import type { Application, Assessment, IntegrityRecord, PersonProfile } from '../../domain/types.js';
import {
  checkEligibility,
  findBatch,
  reviewBatches,
  type EligibilityInput,
  type RegionFacts,
  type ReviewBatch,
} from '../../domain/eligibility/index.js';
import { ErrorCode, userInputError } from '../../platform/errors.js';
import { fullSelection } from '../../schema/sdl.js';
import { requiredRecordOf } from './requiredRecords.js';

/**
 * Only what the rules read of a profile: never names or employers, which no rule needs and which
 * analysts may not see (blind review, 盲评).
 */
const PROFILE_FIELDS_THE_RULES_READ = 'gender employerKind location civilServant retired sanctionUntil dataQuality { field localValue }';

export function eligibilitySdl(): string {
  // The *ForProvince fields are @inaccessible (schema/shared.graphql, RegionalRecord): the gateway's
  // fetch for this @requires reads them whatever the caller's role, so a portal's check sees every
  // region, while what the caller may select itself still follows subgraphs/access.ts.
  const required = `records { applicationsForProvince { ${fullSelection('Application')} } profileForProvince { ${PROFILE_FIELDS_THE_RULES_READ} } integrityRecordsForProvince { ${fullSelection('IntegrityRecord')} } assessmentsForProvince { ${fullSelection('Assessment')} } }`;
  return `
extend type Query {
  "The review batches the notices open (domain/eligibility/batches.json), optionally of one year or region."
  reviewBatches(year: Int, region: String): [ReviewBatch!]!
}

extend type Person {
  """
  May this person's application be accepted, and why not? Every rule of the notices, each reason
  citing its notice file and section. A region that did not answer makes the answer UNKNOWN, never ELIGIBLE.
  """
  eligibility(input: EligibilityInput!): Eligibility! @requires(fields: "${required}")
}

"Circumstances the notices exempt from the defence (答辩), as the applicant declares them."
enum DefenceExemptionFlag {
  VILLAGE_RESIDENT_WORK
  SOUTH_XINJIANG_PRESCHOOL_TEACHING
  INLAND_SERVICE_MANAGEMENT
  POOR_VILLAGE_FIRST_SECRETARY
  GRASSROOTS_COOPERATIVE
  SECONDMENT_OR_STARTUP
  GRASSROOTS_UNIT
}

"What is applied for: the batch by code, or by year, series and specialty."
input EligibilityInput {
  "The region applied in: bz, aks or wlmq."
  region: String!
  "The portal's batch code, e.g. AKS-2024-JXDZ-HG."
  batchCode: String
  year: Int
  series: TitleSeries
  specialty: String
  level: TitleLevel!
  reviewKind: ReviewKind!
  "County (bz 所在县市) or zone (wlmq 片区), where a rule needs it and the portal does not record it."
  location: String
  "单位性质, where a rule needs it and the portal does not record it (wlmq)."
  employerKind: EmployerKind
  "The portal's own application being checked (e.g. 1042 or bz:1042): not counted against itself."
  applicationId: ID
  defenceExemptions: [DefenceExemptionFlag!]
  "Evaluate the rules as of this instant (ISO-8601 with offset), e.g. to replay a past decision; default now."
  asOf: String
}

enum EligibilityVerdict {
  ELIGIBLE
  INELIGIBLE
  UNKNOWN
}

enum RuleVerdict {
  PASS
  FAIL
  UNKNOWN
}

"A notice file under seeds/ and its section."
type NoticeSource {
  file: String!
  section: String!
}

type EligibilityReason {
  "Stable code, listed in docs/eligibility.md."
  code: String!
  verdict: RuleVerdict!
  messageZh: String!
  messageEn: String!
  source: NoticeSource!
  "The region whose data or notice triggered it."
  region: String!
}

type RuleOutcome {
  rule: String!
  verdict: RuleVerdict!
  reasons: [EligibilityReason!]!
}

type FeeDecision {
  "Fee in fen (0.01 CNY); null when the notice gives none (never read as free)."
  fen: Int
  source: NoticeSource
  reason: EligibilityReason!
}

type DefenceExemptionApplied {
  code: String!
  source: NoticeSource!
}

type DefenceDecision {
  required: Boolean
  exemption: DefenceExemptionApplied
  reason: EligibilityReason!
}

"A window of a batch: exact instants with offset, in the time zone the notice gives."
type ReviewWindow {
  "APPLY, AUDIT, DETERMINATION, PAPER_MATERIALS, PAY, REVIEW or DEFENCE."
  kind: String!
  "SCHEDULED, or TO_BE_ANNOUNCED where the notice says it will be announced later."
  status: String!
  opensAt: String
  closesAt: String
  timeZone: String
  tentative: Boolean
  source: String!
}

type FeeEntry {
  levels: [TitleLevel!]!
  reviewKinds: [ReviewKind!]!
  fen: Int!
  source: String!
}

type SubmissionLimit {
  "MAX_SUBMISSIONS or MAX_RETURNS."
  kind: String!
  max: Int!
  resubmitWithin: String!
  source: String!
}

"One notice's batch."
type ReviewBatch {
  code: String!
  region: String!
  year: Int!
  title: String!
  issuer: String!
  issuedOn: String!
  "The notice, under seeds/."
  sourceFile: String!
  series: [TitleSeries!]!
  specialties: [String!]
  levels: [TitleLevel!]!
  reviewKinds: [ReviewKind!]!
  windows: [ReviewWindow!]!
  fees: [FeeEntry!]!
  feesAnnouncedLater: Boolean!
  submissionLimit: SubmissionLimit
}

type Eligibility {
  verdict: EligibilityVerdict!
  batch: ReviewBatch
  checkedAt: String!
  "Every rule's answer."
  outcomes: [RuleOutcome!]!
  "Every reason, failing and unknown ones first."
  reasons: [EligibilityReason!]!
  fee: FeeDecision
  defence: DefenceDecision
  openWindows: [ReviewWindow!]!
  nextWindows: [ReviewWindow!]!
}
`;
}

interface RequiredRecord {
  __typename?: string;
  /** Every application in full, for the rules; clients cannot select it (see subgraphs/access.ts). */
  applicationsForProvince?: Application[] | null;
  /** Only PROFILE_FIELDS_THE_RULES_READ arrive. */
  profileForProvince?: Partial<PersonProfile> | null;
  integrityRecordsForProvince?: IntegrityRecord[] | null;
  assessmentsForProvince?: Assessment[] | null;
}

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

export function eligibilityResolvers(regions: readonly RegionDefinition[], now: () => Date = () => new Date()) {
  return {
    Query: {
      reviewBatches: (_root: unknown, args: { year?: number | null; region?: string | null }) =>
        reviewBatches({ year: args.year ?? null, region: args.region ?? null }).map(batchForGraph),
    },
    Person: {
      eligibility(person: { records?: ReadonlyArray<RequiredRecord | null> }, args: { input: EligibilityInput & { asOf?: string | null } }) {
        const at = args.input.asOf ? new Date(args.input.asOf) : now();
        if (Number.isNaN(at.getTime()) || (args.input.asOf && !/[zZ]|[+-]\d\d:?\d\d$/.test(args.input.asOf))) {
          throw userInputError(ErrorCode.BAD_USER_INPUT, '"asOf" must be an ISO-8601 instant with an offset, e.g. 2024-09-10T10:00:00+08:00.');
        }
        const facts = regionFacts(regions, person.records ?? []);
        const lookup = findBatch(args.input);
        const year = lookup.found ? lookup.batch.year : (args.input.year ?? at.getUTCFullYear());
        const answers: RegionAnswer[] = facts.map((fact) => ({
          region: fact.region,
          applications: fact.status === 'ANSWERED' ? fact.applications : null,
        }));
        const applicationId = args.input.applicationId ?? null;
        const ownApplication =
          applicationId === null ? null : applicationId.includes(':') ? applicationId : `${args.input.region}:${applicationId}`;
        const annual = decideAnnualReview(year, answers, ownApplication);
        const result = checkEligibility(
          args.input,
          { regions: facts, annualReview: { year, verdict: annual.verdict, counted: annual.counted, missingRegions: annual.missingRegions } },
          at,
        );
        return {
          ...result,
          batch: result.batch ? batchForGraph(result.batch) : null,
          openWindows: result.windows.open,
          nextWindows: result.windows.next,
        };
      },
    },
  };
}
