/**
 * The workloads, as request bodies. Through a gateway they are client queries; against one
 * regional subgraph (the floor) they are the `_entities` calls a gateway makes to that region.
 * The annual-review claim and the conflicts report (issue 13) run through our gateway only: they
 * are the province's own operations, which no peer or floor does differently.
 */
import { checkCharacter } from '../domain/idNumber.js';
import { createIdentity } from '../platform/identity.js';
import type { BenchRegion } from './dataset.js';

export type WorkloadName = 'duplicate check' | 'analyst search' | 'dashboard statistics' | 'annual-review claim' | 'annual-review conflicts';
/** Measured on every target, ours and the peers. */
export const COMPARED_WORKLOADS: readonly WorkloadName[] = ['duplicate check', 'analyst search', 'dashboard statistics'];
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
export const ANALYST_SEARCH =
  'query AnalystSearch { regions { applications(filter: { year: 2024, level: [INTERMEDIATE] }, first: 50) { edges { node { id status } } } } }';
export const DASHBOARD_STATISTICS =
  'query DashboardStatistics { regions { statistics(year: 2024, groupBy: [SERIES, LEVEL, STATUS]) { series level status count } } }';

const FLOOR_DUPLICATE_CHECK =
  'query Floor($r: [_Any!]!) { _entities(representations: $r) { ... on BzRecord { allApplications { year status reviewKind region } } } }';
const FLOOR_SEARCH =
  'query Floor { _entities(representations: [{ __typename: "BzRegion", code: "bz" }]) { ... on BzRegion { applications(filter: { year: 2024, level: [INTERMEDIATE] }, first: 50) { edges { node { id status } } } } } }';
const FLOOR_STATISTICS =
  'query Floor { _entities(representations: [{ __typename: "BzRegion", code: "bz" }]) { ... on BzRegion { statistics(year: 2024, groupBy: [SERIES, LEVEL, STATUS]) { series level status count } } } }';

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

function sampleOf(pool: readonly string[], count: number, next: () => number): string[] {
  const copy = [...pool];
  const out: string[] = [];
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

/** Request bodies (JSON) for one workload, cycled through by the load generator. */
export function gatewayBodies(workload: WorkloadName, sample: PersonSample, count: number): string[] {
  if (workload === 'annual-review claim') throw new TypeError('claims are built by claimRequests, each with its portal');
  if (workload === 'annual-review conflicts') return [JSON.stringify({ query: CONFLICTS })];
  if (workload === 'analyst search') return [JSON.stringify({ query: ANALYST_SEARCH })];
  if (workload === 'dashboard statistics') return [JSON.stringify({ query: DASHBOARD_STATISTICS })];
  return draws(sample, count, 42).map(({ id, year }) => JSON.stringify({ query: DUPLICATE_CHECK, variables: { id, year } }));
}

/** The same workloads sent straight to the bz subgraph: what one region costs, with no gateway. */
export function floorBodies(workload: WorkloadName, sample: PersonSample, count: number, identitySecret: string): string[] {
  if ((CLAIM_WORKLOADS as readonly string[]).includes(workload)) throw new TypeError(`${workload} has no floor: it is measured through our gateway only`);
  if (workload === 'analyst search') return [JSON.stringify({ query: FLOOR_SEARCH })];
  if (workload === 'dashboard statistics') return [JSON.stringify({ query: FLOOR_STATISTICS })];
  const identity = createIdentity(identitySecret);
  return draws(sample, count, 42).map(({ id }) =>
    JSON.stringify({ query: FLOOR_DUPLICATE_CHECK, variables: { r: [{ __typename: 'BzRecord', personRef: identity.sealPersonRef(id) }] } }),
  );
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
  if (workload === 'duplicate check') {
    const verdict = (parsed.data.person as { annualReview?: { verdict?: unknown } } | undefined)?.annualReview?.verdict;
    return typeof verdict === 'string' ? null : 'no verdict';
  }
  const regions = parsed.data.regions as unknown[] | undefined;
  if (!Array.isArray(regions) || regions.length !== 3 || regions.some((region) => region === null)) return 'not three regions';
  return null;
}
