/**
 * The workloads, as request bodies. Through a gateway they are client queries; against one
 * regional subgraph (the floor) they are the `_entities` calls a gateway makes to that region.
 * The annual-review claim and the conflicts report (issue 13) run through our gateway only: they
 * are the province's own operations, which no peer or floor does differently.
 * Every pool is drawn by a seeded generator, so every run and every target gets the same requests.
 *
 * - duplicate check: one portal check after another (the latency targets are about it);
 * - portal mix: what a portal sends in a working day, duplicate checks with eligibility checks;
 * - analyst search: hundreds of distinct filters, years, page sizes and page depths;
 * - dashboard statistics: many screens showing the same panels, refreshing.
 */
import { checkCharacter } from '../domain/idNumber.js';
import { createIdentity } from '../platform/identity.js';
import { shippedManifest } from '../platform/operationManifest.js';
import { createCursorCodec } from '../subgraphs/template/cursor.js';
import type { BenchRegion } from './dataset.js';

export type WorkloadName =
  | 'duplicate check'
  | 'portal mix'
  | 'analyst search'
  | 'dashboard statistics'
  | 'annual-review claim'
  | 'annual-review conflicts';
/** Measured on every target, ours and the peers. */
export const COMPARED_WORKLOADS: readonly WorkloadName[] = ['duplicate check', 'portal mix', 'analyst search', 'dashboard statistics'];
/** Measured through our gateway only. */
export const CLAIM_WORKLOADS: readonly WorkloadName[] = ['annual-review claim', 'annual-review conflicts'];
export const WORKLOADS: readonly WorkloadName[] = [...COMPARED_WORKLOADS, ...CLAIM_WORKLOADS];

/**
 * The year claimed: one with no applications in the data (2015–2024), so that every claim passes
 * the regions' check and the ledger decides, as in an application window that has just opened.
 */
export const CLAIM_YEAR = 2025;
export const CONFLICTS_YEAR = 2024;
export const CLAIM =
  'mutation Claim($input: AnnualReviewClaimInput!) { claimAnnualReview(input: $input) { outcome claim { id state } conflicts { region kind } missingRegions } }';
export const CONFLICTS = `query Conflicts { annualReviewConflicts(year: ${CONFLICTS_YEAR}, first: 50) { totalCount complete missingRegions pageInfo { hasNextPage endCursor } edges { node { person { key } regions applications { id status } claims { id } } } } }`;

export const DUPLICATE_CHECK = 'query DuplicateCheck($id: String!, $year: Int!) { person(idNumber: $id) { annualReview(year: $year) { verdict } } }';
/**
 * The eligibility check a bz portal sends for its 2024 private-enterprise batch (巴音郭楞蒙古自治州
 * 市场监督管理局, 2024-07-07 notice on the 质量技术监督 private-enterprise review), as of a moment
 * inside its application window, so that the answer does not depend on the day the bench runs.
 */
export const ELIGIBILITY_CHECK =
  'query EligibilityCheck($id: String!, $level: TitleLevel!) { person(idNumber: $id) { eligibility(input: { region: "bz", batchCode: "BZ2024ZJMQ", series: ENGINEERING, specialty: "质量技术监督", level: $level, reviewKind: PRIVATE_ENTERPRISE_REVIEW, employerKind: PRIVATE_ENTERPRISE, asOf: "2024-07-15T10:00:00+08:00" }) { verdict reasons { code verdict } } } }';
/** Share of eligibility checks in a portal's mix: most of a clerk's lookups are duplicate checks. */
export const PORTAL_ELIGIBILITY_SHARE = 0.25;

const FLOOR_DUPLICATE_CHECK =
  'query Floor($r: [_Any!]!) { _entities(representations: $r) { ... on BzRecord { allApplications { year status reviewKind region } } } }';
// What a gateway asks bz for an eligibility check (the @requires of Person.eligibility), bz's share.
const FLOOR_ELIGIBILITY_CHECK =
  'query Floor($r: [_Any!]!) { _entities(representations: $r) { ... on BzRecord { applicationsForProvince { id region year series specialty level reviewKind status countsTowardAnnualLimit } profileForProvince { gender employerKind location civilServant retired sanctionUntil } integrityRecordsForProvince { region barredUntil openEnded } assessmentsForProvince { region year result } } } }';

/** Shares of the duplicate-check mix: people found in no region, in one, in two. */
export const PERSON_MIX = { none: 0.3, one: 0.55, two: 0.15 } as const;

export interface PersonSample {
  /** Normalised ID numbers; never printed. */
  none: string[];
  one: string[];
  two: string[];
}

/** A small deterministic generator (mulberry32), so every run sends the same requests. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sampleOf<T>(pool: readonly T[], count: number, next: () => number): T[] {
  const copy = [...pool];
  const out: T[] = [];
  for (let i = 0; i < count && copy.length > 0; i++) {
    const j = Math.floor(next() * copy.length);
    out.push(copy[j]!);
    copy[j] = copy[copy.length - 1]!;
    copy.pop();
  }
  return out;
}

/** Valid ID numbers (right check character) that no region holds. */
function absentNumbers(count: number, known: (id: string) => boolean, next: () => number): string[] {
  const out: string[] = [];
  while (out.length < count) {
    const birth = new Date(Date.UTC(1960 + Math.floor(next() * 40), Math.floor(next() * 12), 1 + Math.floor(next() * 28)));
    const first17 = `659001${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(Math.floor(next() * 1000)).padStart(3, '0')}`;
    const id = first17 + checkCharacter(first17);
    if (!known(id)) out.push(id);
  }
  return out;
}

/** Draws `size` people per group from the regions' people. */
export function samplePeople(people: Record<BenchRegion, Set<string>>, size: number, seed: number): PersonSample {
  const next = random(seed);
  const count = new Map<string, number>();
  for (const set of Object.values(people)) for (const id of set) count.set(id, (count.get(id) ?? 0) + 1);
  const one: string[] = [];
  const two: string[] = [];
  for (const [id, regions] of count) (regions >= 2 ? two : one).push(id);
  return {
    none: absentNumbers(size, (id) => count.has(id), next),
    one: sampleOf(one, size, next),
    two: sampleOf(two, size, next),
  };
}

/** Counts of the pools, for the report (sizes, not numbers). */
export function sampleSizes(sample: PersonSample): { none: number; one: number; two: number } {
  return { none: sample.none.length, one: sample.one.length, two: sample.two.length };
}

const YEARS = [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024];

/** Which person and year each request asks about: mostly this year's window, sometimes an earlier year. */
function draws(sample: PersonSample, count: number, seed: number): Array<{ id: string; year: number }> {
  const next = random(seed);
  const out: Array<{ id: string; year: number }> = [];
  for (let i = 0; i < count; i++) {
    const roll = next();
    const pool = roll < PERSON_MIX.none ? sample.none : roll < PERSON_MIX.none + PERSON_MIX.one ? sample.one : sample.two;
    const usable = pool.length > 0 ? pool : sample.none;
    const id = usable[Math.floor(next() * usable.length)]!;
    const year = next() < 0.7 ? 2024 : YEARS[Math.floor(next() * YEARS.length)]!;
    out.push({ id, year });
  }
  return out;
}

/** A person to claim for, with an application of theirs in each region that will claim (`bz:1042`). */
export interface ClaimCandidate {
  idNumber: string;
  applications: Partial<Record<BenchRegion, string>>;
}

/** Request bodies with the header each one is sent with. */
export interface Requests {
  bodies: string[];
  /** By position in `bodies`; absent: the workload's one authorization. */
  headers?: Array<Record<string, string>>;
}

/**
 * Claims: two thirds in conflicting pairs (a person's bz and aks applications claimed one after the
 * other by the two portals, so that at 32 connections they race), one third single claims. The
 * first claim of a person is GRANTED, the other of a pair REFUSED with CLAIMED; a body sent again
 * later in the run re-claims (the same claim, GRANTED, or REFUSED again).
 */
export function claimRequests(pairs: readonly ClaimCandidate[], singles: readonly ClaimCandidate[], portalTokens: Readonly<Record<BenchRegion, string>>): Requests {
  const bodies: string[] = [];
  const headers: Array<Record<string, string>> = [];
  const add = (candidate: ClaimCandidate, region: BenchRegion) => {
    const applicationId = candidate.applications[region];
    if (!applicationId) return;
    bodies.push(JSON.stringify({ query: CLAIM, variables: { input: { idNumber: candidate.idNumber, year: CLAIM_YEAR, applicationId } } }));
    headers.push({ authorization: portalTokens[region] });
  };
  for (let i = 0; i < Math.max(pairs.length, singles.length); i++) {
    const pair = pairs[i];
    if (pair) {
      add(pair, 'bz');
      add(pair, 'aks');
    }
    const single = singles[i];
    if (single) add(single, (Object.keys(single.applications) as BenchRegion[])[0]!);
  }
  return { bodies, headers };
}

/** Regions an analyst's or a dashboard's query asks, as the gateway's `regions(codes:)` names them. */
type Scope = 'all' | BenchRegion;

/** One analyst query: a filter, a page size and how deep into the list (null: the first page). */
interface AnalystQuery {
  scope: Scope;
  filter: Record<string, unknown>;
  first: number;
  /** The application key to start after, in bz's key order: only for bz (a cursor opens in one region only). */
  afterKey: number | null;
  totalCount: boolean;
}

const LEVELS = ['SENIOR', 'ASSOCIATE_SENIOR', 'INTERMEDIATE', 'JUNIOR', 'ASSISTANT'] as const;
const STATUSES = ['AWAITING_UNIT_AUDIT', 'AWAITING_COMMITTEE_AUDIT', 'ACCEPTED', 'PAID', 'RETURNED_BY_COMMITTEE'] as const;
const SERIES = ['ENGINEERING', 'HEALTH', 'AGRICULTURE', 'ECONOMICS', 'PRIMARY_SECONDARY_TEACHER'] as const;
const REVIEW_KINDS = ['REVIEW', 'PRIVATE_ENTERPRISE_REVIEW', 'EXAM_AND_REVIEW'] as const;
/** Distinct analyst queries in the pool: hundreds, as a team of analysts sends in a session. */
export const ANALYST_QUERIES = 600;
/** bz's applications in the full data set are keyed 1…400,000; deep pages start anywhere in the first 90%. */
const BZ_KEYS = 400_000;

function someOf<T>(values: readonly T[], next: () => number, most: number): T[] {
  const count = 1 + Math.floor(next() * most);
  return sampleOf(values, count, next);
}

/** The analysts' pool: every filter dimension sometimes, page sizes 10 to 100, 30% deep pages of bz. */
export function analystQueries(count: number, seed: number): AnalystQuery[] {
  const next = random(seed);
  const out: AnalystQuery[] = [];
  for (let i = 0; i < count; i++) {
    const filter: Record<string, unknown> = {};
    if (next() < 0.9) filter.year = YEARS[Math.floor(next() * YEARS.length)];
    if (next() < 0.6) filter.level = someOf(LEVELS, next, 2);
    if (next() < 0.4) filter.status = someOf(STATUSES, next, 2);
    if (next() < 0.4) filter.series = someOf(SERIES, next, 2);
    if (next() < 0.2) filter.reviewKind = someOf(REVIEW_KINDS, next, 1);
    const deep = next() < 0.3;
    const scope: Scope = deep ? 'bz' : next() < 0.7 ? 'all' : (['bz', 'aks', 'wlmq'] as const)[Math.floor(next() * 3)]!;
    out.push({
      scope,
      filter,
      first: [10, 20, 50, 100][Math.floor(next() * 4)]!,
      afterKey: deep ? 1 + Math.floor(next() * BZ_KEYS * 0.9) : null,
      totalCount: next() < 0.2,
    });
  }
  return out;
}

// One document with variables, as an analyst's client sends it: the filters vary, the text does not.
const ANALYST_SELECTION =
  'applications(filter: $filter, first: $first, after: $after) { edges { node { id year level status } } pageInfo { hasNextPage } totalCount @include(if: $withTotal) }';
const ANALYST_SEARCH = `query AnalystSearch($codes: [String!], $filter: ApplicationFilter, $first: Int, $after: String, $withTotal: Boolean!) { regions(codes: $codes) { code ${ANALYST_SELECTION} } }`;
const FLOOR_ANALYST_SEARCH = `query Floor($filter: ApplicationFilter, $first: Int, $after: String, $withTotal: Boolean!) { _entities(representations: [{ __typename: "BzRegion", code: "bz" }]) { ... on BzRegion { ${ANALYST_SELECTION} } } }`;

function analystVariables(query: AnalystQuery, after: string | null): Record<string, unknown> {
  return { filter: query.filter, first: query.first, after, withTotal: query.totalCount };
}

/**
 * What the dashboard page (gateway/web/dashboard.js) sends when a screen loads or refreshes: the
 * ten-year trend, the year's breakdown by series, level, review kind and status, and the review
 * calendar: the page's operations of the trusted documents, with its variables. A screen's state is its region, series
 * and year; most screens show the default (every region, every series, the latest year).
 */
const DASHBOARD_YEARS = YEARS;
export const DASHBOARD_SCREENS: ReadonlyArray<{ region: BenchRegion | null; series: string | null; year: number }> = [
  { region: null, series: null, year: 2024 },
  { region: null, series: null, year: 2024 },
  { region: null, series: null, year: 2024 },
  { region: 'bz', series: null, year: 2024 },
  { region: 'wlmq', series: null, year: 2024 },
  { region: null, series: 'ENGINEERING', year: 2024 },
  { region: null, series: null, year: 2023 },
  { region: 'aks', series: 'HEALTH', year: 2023 },
];

/** The page's statistics as bz's subgraph answers them straight (the floor): the same fields, by bz's region entity. */
const ROW_FIELDS = 'series count perturbed';
function floorDashboardTrend(series: string | null): string {
  const group = series ? '[SERIES]' : '[]';
  return DASHBOARD_YEARS.map((year, index) => `y${index}: statistics(year: ${year}, groupBy: ${group}) { ${ROW_FIELDS} }`).join(' ');
}
function floorDashboardBreakdown(series: string | null): string {
  const prefix = series ? 'SERIES, ' : '';
  return (
    `series: statistics(year: $year, groupBy: [SERIES]) { ${ROW_FIELDS} } ` +
    `level: statistics(year: $year, groupBy: [${prefix}LEVEL]) { level ${ROW_FIELDS} } ` +
    `reviewKind: statistics(year: $year, groupBy: [${prefix}REVIEW_KIND]) { reviewKind ${ROW_FIELDS} } ` +
    `status: statistics(year: $year, groupBy: [${prefix}STATUS]) { status ${ROW_FIELDS} }`
  );
}

/** Request bodies (JSON) for one workload, cycled through by the load generator. */
export function gatewayBodies(workload: WorkloadName, sample: PersonSample, count: number, identitySecret: string): string[] {
  if (workload === 'annual-review claim') throw new TypeError('claims are built by claimRequests, each with its portal');
  if (workload === 'annual-review conflicts') return [JSON.stringify({ query: CONFLICTS })];
  if (workload === 'analyst search') {
    const cursors = createCursorCodec(identitySecret, 'bz');
    return analystQueries(ANALYST_QUERIES, 7).map((query) => {
      const after = query.afterKey === null ? null : cursors.encode(String(query.afterKey));
      return JSON.stringify({ query: ANALYST_SEARCH, variables: { codes: query.scope === 'all' ? null : [query.scope], ...analystVariables(query, after) } });
    });
  }
  if (workload === 'dashboard statistics') {
    // The page's three requests per screen, in the order it sends them (the series filter applies to the charts only).
    // The page sends the dashboard operations of the trusted documents, what varies in variables.
    const operation = (name: string) => shippedManifest().operations.find((candidate) => candidate.name === name)!.body;
    return DASHBOARD_SCREENS.flatMap((screen) => {
      const codes = screen.region ? [screen.region] : null;
      const by = (dimension: string) => (screen.series ? ['SERIES', dimension] : [dimension]);
      const slots = Object.fromEntries(DASHBOARD_YEARS.map((year, index) => [`y${index}`, year]));
      return [
        JSON.stringify({ query: operation('DashboardTrend'), variables: { codes, groupBy: screen.series ? ['SERIES'] : [], ...slots } }),
        JSON.stringify({
          query: operation('DashboardBreakdown'),
          variables: { year: screen.year, codes, byLevel: by('LEVEL'), byReviewKind: by('REVIEW_KIND'), byStatus: by('STATUS') },
        }),
        JSON.stringify({ query: operation('DashboardCalendar'), variables: { year: screen.year, region: screen.region } }),
      ];
    });
  }
  const checks = draws(sample, count, 42).map(({ id, year }) => JSON.stringify({ query: DUPLICATE_CHECK, variables: { id, year } }));
  if (workload === 'duplicate check') return checks;
  const next = random(43);
  return checks.map((check, index) => {
    if (next() >= PORTAL_ELIGIBILITY_SHARE) return check;
    const id = (JSON.parse(check) as { variables: { id: string } }).variables.id;
    return JSON.stringify({ query: ELIGIBILITY_CHECK, variables: { id, level: index % 2 === 0 ? 'INTERMEDIATE' : 'JUNIOR' } });
  });
}

/** The same workloads sent straight to the bz subgraph: what one region costs, with no gateway. */
export function floorBodies(workload: WorkloadName, sample: PersonSample, count: number, identitySecret: string): string[] {
  if ((CLAIM_WORKLOADS as readonly string[]).includes(workload)) throw new TypeError(`${workload} has no floor: it is measured through our gateway only`);
  const bzRegion = (selection: string) => `query Floor { _entities(representations: [{ __typename: "BzRegion", code: "bz" }]) { ... on BzRegion { ${selection} } } }`;
  if (workload === 'analyst search') {
    const cursors = createCursorCodec(identitySecret, 'bz');
    return analystQueries(ANALYST_QUERIES, 7).map((query) =>
      JSON.stringify({ query: FLOOR_ANALYST_SEARCH, variables: analystVariables(query, query.afterKey === null ? null : cursors.encode(String(query.afterKey))) }),
    );
  }
  if (workload === 'dashboard statistics') {
    // bz's share of the page's statistics requests (the calendar is the province's alone).
    return DASHBOARD_SCREENS.flatMap((screen) => [
      JSON.stringify({ query: bzRegion(floorDashboardTrend(screen.series)) }),
      JSON.stringify({ query: bzRegion(floorDashboardBreakdown(screen.series)).replace('query Floor {', 'query Floor($year: Int) {'), variables: { year: screen.year } }),
    ]);
  }
  const identity = createIdentity(identitySecret);
  const next = random(43);
  return draws(sample, count, 42).map(({ id }) => {
    const eligibility = workload === 'portal mix' && next() < PORTAL_ELIGIBILITY_SHARE;
    return JSON.stringify({
      query: eligibility ? FLOOR_ELIGIBILITY_CHECK : FLOOR_DUPLICATE_CHECK,
      variables: { r: [{ __typename: 'BzRecord', personRef: identity.sealPersonRef(id) }] },
    });
  });
}

/** A response is right when it has data and no errors. */
export function checkResponse(workload: WorkloadName, body: unknown, floor: boolean): string | null {
  const parsed = body as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: unknown } }> };
  if (parsed.errors?.length) {
    return parsed.errors.map((error) => `${String(error.extensions?.code ?? 'ERROR')}: ${error.message}`).join('; ');
  }
  if (!parsed.data) return 'no data';
  if (floor) return Array.isArray(parsed.data._entities) ? null : 'no _entities';
  if (workload === 'annual-review claim') {
    const outcome = (parsed.data.claimAnnualReview as { outcome?: unknown } | undefined)?.outcome;
    // UNKNOWN would mean a region did not answer: the run is then not measuring what it says.
    return outcome === 'GRANTED' || outcome === 'REFUSED' ? null : `claim outcome ${String(outcome)}`;
  }
  if (workload === 'annual-review conflicts') {
    const connection = parsed.data.annualReviewConflicts as { complete?: unknown; totalCount?: unknown } | undefined;
    return connection?.complete === true && typeof connection.totalCount === 'number' ? null : 'conflicts report incomplete';
  }
  if (workload === 'duplicate check' || workload === 'portal mix') {
    const person = parsed.data.person as { annualReview?: { verdict?: unknown }; eligibility?: { verdict?: unknown } } | undefined;
    const verdict = person?.annualReview?.verdict ?? person?.eligibility?.verdict;
    return typeof verdict === 'string' ? null : 'no verdict';
  }
  if (Array.isArray(parsed.data.reviewBatches)) return null;
  const regions = parsed.data.regions as unknown[] | undefined;
  if (!Array.isArray(regions) || regions.length === 0 || regions.some((region) => region === null)) return 'a region missing';
  return null;
}

/**
 * An answer's data in a form two gateways can be compared on: object keys sorted, and lists of
 * statistics groups in a fixed order (a gateway may merge the regions' lists in any order). The
 * freshness fields, which differ by when each was asked, are left out.
 */
export function normalisedData(body: unknown): string {
  const data = (body as { data?: unknown }).data ?? null;
  const normalise = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      const items = value.map(normalise);
      const isGroup = (item: unknown) => item !== null && typeof item === 'object' && 'count' in item;
      return items.every(isGroup) ? items.map((item) => JSON.stringify(item)).sort().map((item) => JSON.parse(item) as unknown) : items;
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== 'computedAt' && key !== 'ageSeconds')
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, item]) => [key, normalise(item)]),
      );
    }
    return value;
  };
  return JSON.stringify(normalise(data));
}
