/**
 * The access matrix (issue 11): for each audience, which fields it may read, which derived outputs
 * it gets and in which form, and what error details it is told. Written once, here; docs/access.md
 * is its table in words. Every subgraph applies it to every field of its schema
 * (`enforceAccessMatrix`), so that what is not granted here is refused:
 * - a field of a client-visible type with no entry stops the service at start (and fails
 *   test/unit/access-matrix.test.ts), so a new field is never readable by accident;
 * - a granted field is checked on every read against the caller and the region of the data.
 *
 * The audience is the caller's role, and for a portal whether the data is its own region's. Data
 * that belongs to no region (the province's Person, verdicts, notices) counts as a portal's own.
 */
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLNamedType, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { Principal } from '../platform/auth.js';

export type Audience = 'analyst' | 'ownRegionPortal' | 'otherRegionPortal' | 'dashboard';

export const AUDIENCES: readonly Audience[] = ['analyst', 'ownRegionPortal', 'otherRegionPortal', 'dashboard'];

export function audienceOf(principal: Principal, dataRegion: string | null): Audience {
  switch (principal.role) {
    case 'analyst':
      return 'analyst';
    case 'dashboard':
      return 'dashboard';
    case 'portal':
      return dataRegion === null || dataRegion === principal.region ? 'ownRegionPortal' : 'otherRegionPortal';
  }
}

/** Who may read a field, and the sentence a refused caller is told (no value, no person). */
export interface Grant {
  to: readonly Audience[];
  /** Completes "Your role (…) may not read Type.field: …". */
  why: string;
}

const grant = (to: readonly Audience[], why: string): Grant => ({ to, why });

const EVERYONE = grant(AUDIENCES, 'open to every role.');
const PEOPLE = grant(['analyst', 'ownRegionPortal', 'otherRegionPortal'], 'open to analysts and portals only.');
const ANALYSTS = grant(['analyst'], 'it is open to analyst only.');
/** What a portal reads of another region: that the region answered, and each application's summary. */
const SUMMARY = grant(['analyst', 'ownRegionPortal', 'otherRegionPortal'], 'open to analysts and portals only.');
const OWN_REGION = grant(
  ['analyst', 'ownRegionPortal'],
  "a portal reads another region's applications (region, year, reviewKind, status) and nothing else of it.",
);
const APPLICATION_DETAIL = grant(
  ['analyst', 'ownRegionPortal'],
  "a portal reads only region, year, reviewKind and status of another region's applications.",
);
/**
 * Lists of a region's applications: a portal lists its own region only. Another region's list,
 * even of the summary fields a portal may read, would give that region's exact counts by year,
 * kind and status (undoing its perturbed statistics) and, by its order, its application ids and
 * submission times.
 */
const LISTS = grant(
  ['analyst', 'ownRegionPortal'],
  "a portal lists its own region's applications only: another region's list would tell its exact counts and, by its order, its ids and submission times.",
);
/** A claim's application and history: its own region's portal and analysts (issue 13). */
const CLAIM_DETAIL = grant(['analyst', 'ownRegionPortal'], "a portal sees another region's claim as region, state and times only.");
/** 盲评: reviewers never see name or employer, and analysts read as reviewers do. */
const NOT_BLIND = grant(['ownRegionPortal'], 'analysts read blind (盲评): names and employers are hidden.');

/**
 * Field grants by type. A region's own types (`BzRecord`, `BzRegion`, …) take the entry of the
 * interface they implement. `'*'` is allowed only on types that carry no personal data of their
 * own (containers, notices, statistics rows); the personal-data types list every field.
 */
export const FIELD_GRANTS: Readonly<Record<string, Readonly<Record<string, Grant>>>> = {
  Query: {
    person: PEOPLE,
    regions: EVERYONE,
    accessLog: ANALYSTS,
    // The violations in the data, person by person: analysts only (issue 13).
    annualReviewConflicts: ANALYSTS,
    // A portal's own region's claim only: the resolver refuses another region's.
    annualReviewClaim: PEOPLE,
    // The notices are public documents.
    reviewBatches: EVERYONE,
    // The merged list across regions (subgraphs/province/mergedList.ts): its applications follow
    // the Application grants per region, its filters DERIVED_OUTPUTS.applicationFilters.
    // A portal's merged list holds its own region only (LISTS, applied per region by mergedList.ts).
    applications: grant(['analyst', 'ownRegionPortal', 'otherRegionPortal'], 'it is open to analyst and portal only.'),
  },
  // Claims are changed by portals only, each for its own region: the resolvers check both, since
  // the region is the claim's, known only once it is read.
  Mutation: {
    claimAnnualReview: PEOPLE,
    confirmAnnualReviewClaim: PEOPLE,
    releaseAnnualReviewClaim: PEOPLE,
  },
  Person: {
    key: PEOPLE,
    idNumberMasked: PEOPLE,
    records: PEOPLE,
    annualReview: PEOPLE,
    eligibility: PEOPLE,
  },
  RegionalRecord: {
    // The entity key, @inaccessible: only the gateway's own fetches select it (issue 11, item 1).
    personRef: PEOPLE,
    region: PEOPLE,
    found: SUMMARY,
    applications: SUMMARY,
    allApplications: SUMMARY,
    profile: OWN_REGION,
    qualifications: OWN_REGION,
    integrityRecords: OWN_REGION,
    assessments: OWN_REGION,
    // @inaccessible, selected only by the gateway's @requires fetch for the province's checks, which
    // weigh every region for a portal; what they return is marked for the province (forProvince).
    applicationsForProvince: SUMMARY,
    profileForProvince: SUMMARY,
    integrityRecordsForProvince: SUMMARY,
    assessmentsForProvince: SUMMARY,
  },
  Application: {
    id: APPLICATION_DETAIL,
    region: SUMMARY,
    localId: APPLICATION_DETAIL,
    batchCode: APPLICATION_DETAIL,
    year: SUMMARY,
    series: APPLICATION_DETAIL,
    specialty: APPLICATION_DETAIL,
    level: APPLICATION_DETAIL,
    levelCode: APPLICATION_DETAIL,
    levelLabel: APPLICATION_DETAIL,
    reviewKind: SUMMARY,
    status: SUMMARY,
    submissionCount: APPLICATION_DETAIL,
    submittedAt: APPLICATION_DETAIL,
    returnCount: APPLICATION_DETAIL,
    defence: APPLICATION_DETAIL,
    feePaidFen: APPLICATION_DETAIL,
    countsTowardAnnualLimit: APPLICATION_DETAIL,
    dataQuality: APPLICATION_DETAIL,
  },
  PersonProfile: {
    name: NOT_BLIND,
    employer: NOT_BLIND,
    gender: OWN_REGION,
    ethnicityCode: OWN_REGION,
    ethnicity: OWN_REGION,
    politicalStatusCode: OWN_REGION,
    politicalStatus: OWN_REGION,
    employerKind: OWN_REGION,
    location: OWN_REGION,
    civilServant: OWN_REGION,
    retired: OWN_REGION,
    sanctionUntil: OWN_REGION,
    dataQuality: OWN_REGION,
  },
  Qualification: {
    region: OWN_REGION,
    name: OWN_REGION,
    series: OWN_REGION,
    specialty: OWN_REGION,
    level: OWN_REGION,
    obtainedOn: OWN_REGION,
    route: OWN_REGION,
    obtainedInXinjiang: OWN_REGION,
    approvalDocument: OWN_REGION,
    certificateNumber: OWN_REGION,
    issuer: OWN_REGION,
    dataQuality: OWN_REGION,
  },
  IntegrityRecord: {
    region: OWN_REGION,
    reason: OWN_REGION,
    decidedOn: OWN_REGION,
    barredUntil: OWN_REGION,
    openEnded: OWN_REGION,
    banYears: OWN_REGION,
  },
  Assessment: {
    region: OWN_REGION,
    year: OWN_REGION,
    result: OWN_REGION,
    dataQuality: OWN_REGION,
  },
  DataQualityIssue: { '*': EVERYONE },
  Region: {
    code: EVERYONE,
    name: EVERYONE,
    divisionCode: EVERYONE,
    applications: LISTS,
    // Counts: exact or perturbed by audience (DERIVED_OUTPUTS.statistics).
    statistics: EVERYONE,
    // @inaccessible: the province's annualReviewConflicts, for analysts.
    annualReviewIndexForProvince: ANALYSTS,
    // @inaccessible: only the province's merged list calls it, with the caller's token; its rows
    // are marked for the province (forProvince), which applies the Application grants for the caller.
    applicationsInSubmissionOrder: LISTS,
  },
  ApplicationConnection: { '*': PEOPLE },
  MergedApplicationConnection: { '*': PEOPLE },
  ApplicationEdge: { '*': PEOPLE },
  PageInfo: { '*': PEOPLE },
  StatisticsRow: { '*': EVERYONE },
  AccessLogEntry: { '*': ANALYSTS },
  AnnualReview: { '*': PEOPLE },
  // A claim's answer names conflicts by region and kind only (issue 13).
  AnnualReviewClaimResult: { '*': PEOPLE },
  ClaimConflict: { '*': PEOPLE },
  // A claim's region is its data's region: another region's portal reads its state and times, not
  // which application holds it nor who changed it.
  AnnualReviewClaim: {
    id: CLAIM_DETAIL,
    year: PEOPLE,
    region: PEOPLE,
    applicationId: CLAIM_DETAIL,
    state: PEOPLE,
    expiresAt: PEOPLE,
    createdAt: CLAIM_DETAIL,
    updatedAt: CLAIM_DETAIL,
    releaseReason: CLAIM_DETAIL,
    history: CLAIM_DETAIL,
  },
  // Reached only through AnnualReviewClaim.history; `region` here is the actor's.
  AnnualReviewClaimEvent: { '*': PEOPLE },
  // Another region's portal learns that the year is held, and until when a HELD claim lapses (the
  // one fact it needs to act: when to try again), not when the claim was made, which would tell
  // when that region's application was taken in.
  ActiveClaim: {
    region: PEOPLE,
    state: PEOPLE,
    expiresAt: PEOPLE,
    createdAt: CLAIM_DETAIL,
    claim: CLAIM_DETAIL,
  },
  AnnualReviewConflictConnection: { '*': ANALYSTS },
  AnnualReviewConflictEdge: { '*': ANALYSTS },
  AnnualReviewConflict: { '*': ANALYSTS },
  // @inaccessible, read by the province for annualReviewConflicts only.
  AnnualReviewIndexEntry: {
    personKey: ANALYSTS,
    applicationIds: ANALYSTS,
    personRef: ANALYSTS,
    applications: ANALYSTS,
  },
  // Eligibility answers: their reasons are rendered for the caller (DERIVED_OUTPUTS.eligibilityReasons).
  Eligibility: { '*': PEOPLE },
  RuleOutcome: { '*': PEOPLE },
  EligibilityReason: { '*': PEOPLE },
  FeeDecision: { '*': PEOPLE },
  DefenceDecision: { '*': PEOPLE },
  DefenceExemptionApplied: { '*': PEOPLE },
  // The notices, as data.
  ReviewBatch: { '*': EVERYONE },
  ReviewWindow: { '*': EVERYONE },
  FeeEntry: { '*': EVERYONE },
  SubmissionLimit: { '*': EVERYONE },
  NoticeSource: { '*': EVERYONE },
};

/**
 * What each audience gets of the outputs computed from data rather than read from a field. The
 * code applying each one reads it from here; docs/access.md gives the reasons.
 */
export const DERIVED_OUTPUTS = {
  /** `Region.statistics` counts: exact, or cell-key perturbed (subgraphs/template/perturbation.ts). */
  statistics: { analyst: 'EXACT', ownRegionPortal: 'EXACT', otherRegionPortal: 'PERTURBED', dashboard: 'PERTURBED' },
  /**
   * Eligibility reasons about a region's data: FULL (every detail the rules quote), or SUMMARY
   * (code, verdict, region, source and a sentence of what it means for the application: no ids,
   * batch codes, dates or profile values of that region).
   */
  eligibilityReasons: { analyst: 'FULL', ownRegionPortal: 'FULL', otherRegionPortal: 'SUMMARY', dashboard: 'NONE' },
  /**
   * `Person.eligibility(input: { asOf })`: a portal may replay a past check but not move the check
   * day into the future, where stepping it would find when another region's ban ends.
   */
  eligibilityAsOf: { analyst: 'ANY', ownRegionPortal: 'NOT_AFTER_NOW', otherRegionPortal: 'NOT_AFTER_NOW', dashboard: 'REFUSED' },
  /** `Person.eligibility(input: { region })`: a portal checks applications to its own region only. */
  eligibilityRegion: { analyst: 'ALLOWED', ownRegionPortal: 'ALLOWED', otherRegionPortal: 'REFUSED', dashboard: 'REFUSED' },
  /**
   * `annualReview(excludeApplication:)` and `eligibility(input: { applicationId })`: naming an
   * application of a region is allowed only to those who may read its ids; otherwise FORBIDDEN,
   * so the verdict cannot link another region's application to a person.
   */
  excludeApplication: { analyst: 'ALLOWED', ownRegionPortal: 'ALLOWED', otherRegionPortal: 'REFUSED', dashboard: 'REFUSED' },
  /**
   * `Region.applications(filter:)`: a filter on a field answers only for those who may read that
   * field of the region (FIELD_GRANTS.Application); any other filter is FORBIDDEN.
   */
  applicationFilters: { analyst: 'ANY_FIELD', ownRegionPortal: 'ANY_FIELD', otherRegionPortal: 'REFUSED', dashboard: 'REFUSED' },
  /**
   * Which regions' applications a list holds (`Region.applications`, the merged `Query.applications`
   * and its CSV): a portal's lists hold its own region only (FIELD_GRANTS.Region.applications).
   */
  lists: { analyst: 'EVERY_REGION', ownRegionPortal: 'OWN_REGION', otherRegionPortal: 'REFUSED', dashboard: 'REFUSED' },
  /** Cursors carry nothing a reader could decode (the region kit's opaque cursors). */
  cursors: { analyst: 'OPAQUE', ownRegionPortal: 'OPAQUE', otherRegionPortal: 'OPAQUE', dashboard: 'REFUSED' },
} as const satisfies Record<string, Readonly<Record<Audience, string>>>;

export type DerivedOutput = keyof typeof DERIVED_OUTPUTS;

/** What `principal` gets of a derived output about `dataRegion`'s data. */
type DerivedValue<K extends DerivedOutput> = (typeof DERIVED_OUTPUTS)[K][Audience];

export function derivedFor<K extends DerivedOutput>(output: K, principal: Principal, dataRegion: string | null): DerivedValue<K> {
  // Each entry is a Record<Audience, …> (checked by `satisfies` above); indexing the union of
  // entries by a generic key is more than TypeScript follows, hence the widening assertion.
  const table = DERIVED_OUTPUTS[output] as Readonly<Record<Audience, DerivedValue<K>>>;
  return table[audienceOf(principal, dataRegion)];
}

/**
 * Error details by code: what a refused or failed request is told, for every audience alike.
 * Only these codes carry a message from the service; anything else is INTERNAL_SERVER_ERROR
 * with no detail (platform/errors.ts).
 */
export const ERROR_DETAILS = {
  FORBIDDEN: 'the role and the Type.field refused, with the rule; never a value, a person or a region\'s data',
  REGION_UNAVAILABLE: 'the region code and TIMEOUT or UNREACHABLE',
  INVALID_ID_NUMBER: 'which check failed; never the number',
  INVALID_APPLICATION_ID: 'the expected form; never the id given',
  INVALID_CURSOR: 'that the cursor is not one this list issued',
  BAD_USER_INPUT: 'the argument and its allowed range',
  IDEMPOTENCY_KEY_REUSED: 'that the key was used before with another input; never that input',
  CLAIM_NOT_FOUND: 'that no claim has the id',
  CLAIM_NOT_ACTIVE: 'the claim\'s state (EXPIRED or RELEASED)',
  INTERNAL_SERVER_ERROR: 'nothing; the details are in the service log',
} as const;

function grantsOf(typeName: string, interfaces: readonly string[]): Readonly<Record<string, Grant>> | undefined {
  return FIELD_GRANTS[typeName] ?? interfaces.map((name) => FIELD_GRANTS[name]).find(Boolean);
}

/** The grant of one field, or undefined where the matrix says nothing (refused). */
export function grantOf(typeName: string, fieldName: string, interfaces: readonly string[] = []): Grant | undefined {
  const grants = grantsOf(typeName, interfaces);
  return grants?.[fieldName] ?? grants?.['*'];
}

export function mayRead(principal: Principal, dataRegion: string | null, typeName: string, fieldName: string): boolean {
  const found = grantOf(typeName, fieldName);
  return found !== undefined && found.to.includes(audienceOf(principal, dataRegion));
}

/** Federation's own plumbing, served to the gateway and not part of the client API. */
const FEDERATION_TYPES = new Set(['_Service', '_Entity', '_Any']);
const FEDERATION_QUERY_FIELDS = new Set(['_entities', '_service']);

/**
 * By graphql's own tag, not `isObjectType`: @apollo/subgraph builds its schema with graphql's
 * CommonJS build, and `instanceof` across the two builds fails.
 */
function isObjectType(type: GraphQLNamedType): type is GraphQLObjectType {
  return Object.prototype.toString.call(type) === '[object GraphQLObjectType]';
}

/** Fields of the schema the matrix does not cover: they would leak by default, so a service refuses to start. */
export function uncoveredFields(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || FEDERATION_TYPES.has(type.name)) continue;
    const interfaces = type.getInterfaces().map((iface) => iface.name);
    for (const field of Object.values(type.getFields())) {
      if (type.name === schema.getQueryType()?.name && FEDERATION_QUERY_FIELDS.has(field.name)) continue;
      if (!grantOf(type.name, field.name, interfaces)) missing.push(`${type.name}.${field.name}`);
    }
  }
  return missing;
}

/**
 * Objects a regional subgraph hands to the province's cross-region checks through the @inaccessible
 * `*ForProvince` fields. Clients cannot select those fields, so what is read of these objects is
 * read by the province on the caller's behalf; the province then answers only what the matrix
 * grants the caller (verdicts, and reasons rendered for them).
 */
const FOR_PROVINCE = Symbol('forProvince');

export function forProvince<T extends object>(value: T): T;
export function forProvince<T extends object>(value: T | null): T | null;
export function forProvince<T extends object>(value: T | null): T | null {
  return value && { ...value, [FOR_PROVINCE]: true };
}

export function forProvinceList<T extends object>(values: readonly T[] | null): T[] | null {
  return values && values.map((value) => forProvince(value));
}

export interface MatrixContext {
  principal: Principal;
}

/**
 * Applies the matrix to every field of `schema`, in place: before a field's resolver runs, the
 * caller's audience for the data's region must be granted, else `refuse` builds the FORBIDDEN
 * error (logged by the caller's code). The data's region is the parent's `region` where it has
 * one, else `ownRegion` (a regional subgraph's records and profiles), else none (the province).
 * Fields open to every audience are left unwrapped, so they cost nothing.
 */
export function enforceAccessMatrix<TContext extends MatrixContext>(
  schema: GraphQLSchema,
  options: {
    ownRegion: string | null;
    refuse: (context: TContext, info: GraphQLResolveInfo, why: string, dataRegion: string | null) => Error;
  },
): GraphQLSchema {
  const missing = uncoveredFields(schema);
  if (missing.length > 0) {
    throw new Error(`The access matrix (subgraphs/accessMatrix.ts) does not cover ${missing.join(', ')}: add them there.`);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || FEDERATION_TYPES.has(type.name)) continue;
    const interfaces = type.getInterfaces().map((iface) => iface.name);
    for (const field of Object.values(type.getFields())) {
      const fieldGrant = grantOf(type.name, field.name, interfaces);
      if (!fieldGrant || fieldGrant.to.length === AUDIENCES.length) continue;
      const resolve: GraphQLFieldResolver<unknown, TContext> = field.resolve ?? defaultFieldResolver;
      const allowed = new Set(fieldGrant.to);
      field.resolve = (parent, args, context, info) => {
        const data = parent as Record<string | symbol, unknown> | null;
        if (!(data && data[FOR_PROVINCE])) {
          const region = data && typeof data.region === 'string' ? data.region : options.ownRegion;
          if (!allowed.has(audienceOf(context.principal, region))) throw options.refuse(context, info, fieldGrant.why, region);
        }
        return resolve(parent, args, context, info);
      };
    }
  }
  return schema;
}
