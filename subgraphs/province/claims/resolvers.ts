/**
 * The annual-review claim in the graph (claims/schema.graphql): the three mutations, the claim by
 * id, the active claims on AnnualReview, and the analysts' conflicts report.
 *
 * How the province learns every region's counted applications for a claim: a mutation cannot
 * @require anything, so the province asks the regions itself (regionCalls.ts), with the caller's
 * principal, reading the same @inaccessible applicationsForProvince the gateway's @requires reads.
 * A region that does not answer is missing, so the claim is UNKNOWN and holds nothing.
 */
import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { decideAnnualReview, type AnnualReview } from '../../../domain/annualReviewVerdict.js';
import { maskIdNumber } from '../../../domain/idNumber.js';
import type { RegionDefinition } from '../../../domain/regions.js';
import type { Application } from '../../../domain/types.js';
import type { Role } from '../../../platform/auth.js';
import { ErrorCode, userInputError } from '../../../platform/errors.js';
import { checkPageSize, checkYear, typedIdNumber } from '../../../platform/input.js';
import type { Identity } from '../../../platform/identity.js';
import type { Logger } from '../../../platform/logger.js';
import { deny } from '../../access.js';
import { instantToBeijing } from '../../../domain/time.js';
import type { AccessLog } from '../accessLog.js';
import type { RegionCalls } from '../regionCalls.js';
import type { ProvinceContext } from '../schema.js';
import type { Actor, Claim, ClaimLedger, ClaimReleaseReason } from './ledger.js';

const MAX_IDEMPOTENCY_KEY = 200;

export interface ClaimDependencies {
  regions: readonly RegionDefinition[];
  identity: Identity;
  ledger: ClaimLedger;
  regionCalls: RegionCalls;
  ttlSeconds: number;
  log: Logger;
  accessLog?: AccessLog;
}

type ConflictKind = 'CLAIMED' | 'APPLIED' | 'UNDECIDED';
interface Conflict {
  region: string;
  kind: ConflictKind;
}
interface ClaimResult {
  outcome: 'GRANTED' | 'REFUSED' | 'UNKNOWN';
  claim: Claim | null;
  conflicts: Conflict[];
  missingRegions: string[];
}

/** The person as the conflicts report gives it: a full Person of the province (schema.ts). */
interface PersonNode {
  key: string;
  idNumberMasked: string;
  normalised: string;
}

/** An AnnualReview as the province returns it, with the claims that count besides the applications. */
export type AnnualReviewWithClaims = AnnualReview & { claims: Claim[] | null };

/**
 * The access matrix grants these fields to analysts and portals alike (subgraphs/accessMatrix.ts);
 * which of them may change a claim or read the report is the claim's own rule, checked here.
 */
function requireRole(context: ProvinceContext, info: GraphQLResolveInfo, roles: readonly Role[]): void {
  if (!roles.includes(context.principal.role)) throw deny(context, info, `it is open to ${roles.join(' and ')} only.`);
}

const actorOf = (context: ProvinceContext): Actor => ({
  role: context.principal.role,
  region: context.principal.region,
  subject: context.principal.subject,
  requestId: context.requestId,
});

/** Only a portal changes claims, and it is bound to its region. */
function portalRegion(context: ProvinceContext, info: GraphQLResolveInfo): string {
  requireRole(context, info, ['portal']);
  return context.principal.region!;
}

/**
 * The caller's application as the federation names it, `bz:1042`, from `bz:1042` or `1042`.
 * Another configured region's application is FORBIDDEN (a portal claims for its own region only);
 * anything else that is not an application id is INVALID_APPLICATION_ID.
 */
function ownApplicationId(raw: string, region: string, regions: readonly RegionDefinition[], context: ProvinceContext, info: GraphQLResolveInfo): string {
  const text = raw.trim();
  const colon = text.indexOf(':');
  const prefix = colon < 0 ? null : text.slice(0, colon);
  const local = colon < 0 ? text : text.slice(colon + 1);
  if (prefix !== null && prefix !== region && regions.some((candidate) => candidate.code === prefix)) {
    throw deny(context, info, 'a portal claims only for its own region\'s applications.', prefix);
  }
  if ((prefix !== null && prefix !== region) || !/^[A-Za-z0-9_-]{1,100}$/.test(local)) {
    throw userInputError(ErrorCode.INVALID_APPLICATION_ID, `"applicationId" must name one of your region's applications, e.g. ${region}:1042 or 1042.`);
  }
  return `${region}:${local}`;
}

function checkIdempotencyKey(key: string | null | undefined): string | null {
  if (key === null || key === undefined) return null;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY || /[\u0000-\u001f\u007f]/.test(key)) {
    throw userInputError(ErrorCode.BAD_USER_INPUT, `"idempotencyKey" must be 1 to ${MAX_IDEMPOTENCY_KEY} printable characters.`);
  }
  return key;
}

const keyReused = () =>
  userInputError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'This idempotency key was used before with a different person, year or application; use a new key for a new claim.');

/** One conflict per region and kind, in the order found. */
function distinct(conflicts: Conflict[]): Conflict[] {
  const seen = new Set<string>();
  return conflicts.filter((conflict) => {
    const key = `${conflict.region}\0${conflict.kind}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The conflicts report's cursor: the year and the last person's key, in base64, not sealed as the
 * regions' cursors are (subgraphs/template/cursor.ts). Those would otherwise show a portal's own row
 * keys; this one holds only a Person.key its reader, an analyst, was just given in the answer, and
 * a made-up one only chooses where the next page starts.
 */
const CURSOR_PREFIX = 'arc1';

function encodeConflictCursor(year: number, personKey: string): string {
  return Buffer.from(`${CURSOR_PREFIX}:${year}:${personKey}`, 'utf8').toString('base64url');
}

function decodeConflictCursor(cursor: string, year: number): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `${CURSOR_PREFIX}:${year}:`;
  if (!decoded.startsWith(prefix) || decoded.length === prefix.length) {
    throw userInputError(ErrorCode.INVALID_CURSOR, `The cursor is not one this year's annualReviewConflicts issued; start again without "after".`);
  }
  return decoded.slice(prefix.length);
}

export interface ClaimsModule {
  resolvers: Record<string, Record<string, unknown>>;
  /** Adds the person's active claims (other than `exclude`'s) to a verdict: any of them makes it ALREADY_APPLIED. */
  withClaims(review: AnnualReview, personKey: string, exclude: string | null): Promise<AnnualReviewWithClaims>;
}

/**
 * No ledger at all (a schema built for inspection, e.g. the access-matrix test): claims cannot be
 * made, and a verdict that needs the ledger is never CLEAR.
 */
export const NO_CLAIM_LEDGER: ClaimsModule = {
  resolvers: { Query: {} },
  async withClaims(review) {
    return { ...review, verdict: review.verdict === 'CLEAR' ? 'UNKNOWN' : review.verdict, complete: false, claims: null };
  },
};

export function createClaimsModule(deps: ClaimDependencies): ClaimsModule {
  const { regions, identity, ledger, regionCalls, log } = deps;

  // Shared by every request of the process, so that concurrent verdicts read the ledger in one
  // statement (the duplicate check's hot path gains one batched query, not one per check).
  const activeClaims = new DataLoader<string, Claim[]>(
    async (keys) => {
      const pairs = keys.map((key) => {
        const [personKey, year] = key.split('\0');
        return { personKey: personKey!, year: Number(year) };
      });
      const found = await ledger.activeOf(pairs);
      return keys.map((key) => found.filter((claim) => `${claim.personKey}\0${claim.year}` === key));
    },
    { cache: false, maxBatchSize: 500 },
  );

  const granted = (claim: Claim): ClaimResult => ({ outcome: 'GRANTED', claim, conflicts: [], missingRegions: [] });

  /** A claim the caller may change: its region's portal. */
  async function ownClaim(id: string, context: ProvinceContext, info: GraphQLResolveInfo): Promise<Claim> {
    const region = portalRegion(context, info);
    const claim = await ledger.byId(id);
    if (!claim) throw userInputError(ErrorCode.CLAIM_NOT_FOUND, 'No annual-review claim has this id.');
    if (claim.region !== region) throw deny(context, info, "a portal changes only its own region's claims.", claim.region);
    return claim;
  }

  /** As Query.person does: the lookup is answered only once the access log holds it. */
  async function recordLookup(context: ProvinceContext, personKey: string): Promise<void> {
    await deps.accessLog?.record({
      at: new Date(),
      role: context.principal.role,
      region: context.principal.region,
      subject: context.principal.subject,
      personKey,
      operation: context.operationName ?? null,
      documentHash: context.documentHash ?? null,
      requestId: context.requestId,
    });
  }


  async function claimAnnualReview(
    _root: unknown,
    { input }: { input: { idNumber: string; year: number; applicationId: string; idempotencyKey?: string | null } },
    context: ProvinceContext,
    info: GraphQLResolveInfo,
  ): Promise<ClaimResult> {
    const region = portalRegion(context, info);
    const year = checkYear('year', input.year);
    // Typed by the portal's clerk: a birth date that cannot be real is refused before the access log is written.
    const idNumber = typedIdNumber(input.idNumber);
    const applicationId = ownApplicationId(input.applicationId, region, regions, context, info);
    const idempotencyKey = checkIdempotencyKey(input.idempotencyKey);
    const personKey = identity.personKey(idNumber);
    // First, not beside the reads: concurrent claims wait for one group commit of the access log
    // and go on together, so their region lookups leave as one batch per region. Written beside
    // the reads, each lookup left alone: at 32 connections 3.3 region statements a claim instead
    // of 1.1, and 2.5 times the regions' CPU per claim.
    await recordLookup(context, personKey);
    const sameInput = (claim: Claim) => claim.personKey === personKey && claim.year === year && claim.applicationId === applicationId;

    // A retry with the same key: the first answer's claim, whatever has happened to it since.
    if (idempotencyKey !== null) {
      const earlier = await ledger.byIdempotencyKey(region, idempotencyKey);
      if (earlier) {
        if (sameInput(earlier)) return granted(earlier);
        throw keyReused();
      }
    }
    // The ledger's holder and the regions' answers, asked at once: a claim's latency is the
    // slower of the two, not their sum.
    const regionAnswers = regionCalls.applicationsOf(context.principal, idNumber, context.requestId);
    regionAnswers.catch(() => undefined);
    // Through the process's loader, as the verdicts read it: concurrent claims read their holders
    // in one statement. Only a hint for an early answer: the INSERT below is what decides.
    const holder = (await activeClaims.load(`${personKey}\0${year}`))[0] ?? null;
    // Claiming again while the application holds the year: the same claim.
    if (holder && holder.applicationId === applicationId) return granted(holder);

    const answers = await regionAnswers;
    const missingRegions = answers.filter((answer) => answer.applications === null).map((answer) => answer.region);
    const own = answers.find((answer) => answer.region === region)?.applications ?? null;
    if (own !== null && !own.some((application) => application.id === applicationId)) {
      throw userInputError(ErrorCode.INVALID_APPLICATION_ID, `"applicationId" names no application of this person in ${region}.`);
    }
    const review = decideAnnualReview(year, answers, applicationId);
    const applied = review.counted.map((application): Conflict => ({ region: application.region, kind: 'APPLIED' }));
    const claimed: Conflict[] = holder ? [{ region: holder.region, kind: 'CLAIMED' }] : [];
    // Certain refusals first: a counted application, or the ledger's holder, whatever is missing.
    if (applied.length > 0 || claimed.length > 0) {
      return { outcome: 'REFUSED', claim: null, conflicts: distinct([...claimed, ...applied]), missingRegions };
    }
    if (own === null || missingRegions.length > 0 || review.undecided.length > 0) {
      const undecided = review.undecided.map((application): Conflict => ({ region: application.region, kind: 'UNDECIDED' }));
      return { outcome: 'UNKNOWN', claim: null, conflicts: distinct(undecided), missingRegions };
    }

    const attempt = await ledger.claim({ personKey, year, region, applicationId, idempotencyKey }, deps.ttlSeconds, actorOf(context));
    switch (attempt.kind) {
      case 'inserted':
        return granted(attempt.claim);
      case 'held':
        // The same application won a concurrent attempt: that claim is this one's too.
        if (attempt.claim.applicationId === applicationId) return granted(attempt.claim);
        return { outcome: 'REFUSED', claim: null, conflicts: [{ region: attempt.claim.region, kind: 'CLAIMED' }], missingRegions: [] };
      case 'idempotencyKeyTaken': {
        const earlier = await ledger.byIdempotencyKey(region, idempotencyKey!);
        if (earlier && sameInput(earlier)) return granted(earlier);
        throw keyReused();
      }
    }
  }

  async function annualReviewConflicts(
    _root: unknown,
    args: { year: number; first?: number | null; after?: string | null },
    context: ProvinceContext,
    info: GraphQLResolveInfo,
  ) {
    requireRole(context, info, ['analyst']);
    const year = checkYear('year', args.year);
    const first = checkPageSize('first', args.first);
    const afterKey = args.after ? decodeConflictCursor(args.after, year) : null;

    // Each region lists its people with counted applications that year, by key; the province
    // adds the ledger's active claims and keeps the people with more than one.
    const [indexes, claims] = await Promise.all([regionCalls.annualReviewIndex(context.principal, year, context.requestId), ledger.activeInYear(year)]);
    const people = new Map<string, { applications: Map<string, string>; claims: Claim[] }>();
    const slot = (key: string) => {
      let entry = people.get(key);
      if (!entry) people.set(key, (entry = { applications: new Map(), claims: [] }));
      return entry;
    };
    for (const index of indexes) {
      for (const entry of index.entries ?? []) {
        const person = slot(entry.personKey);
        for (const id of entry.applicationIds) person.applications.set(id, index.region);
      }
    }
    for (const claim of claims) slot(claim.personKey).claims.push(claim);
    const conflicted: string[] = [];
    for (const [key, person] of people) {
      // A claim and its own application are one review, not two.
      const reviews = new Set([...person.applications.keys(), ...person.claims.map((claim) => claim.applicationId)]);
      if (reviews.size > 1) conflicted.push(key);
    }
    conflicted.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const start = afterKey === null ? 0 : conflicted.findIndex((key) => key > afterKey);
    const pageKeys = start < 0 ? [] : conflicted.slice(start, start + first);
    const missing = new Set(indexes.filter((index) => index.entries === null).map((index) => index.region));

    // The page's people in detail, through the applications the regions listed for them.
    const applicationIds = pageKeys.flatMap((key) => [...people.get(key)!.applications.keys()]);
    const details = pageKeys.length === 0 ? [] : await regionCalls.annualReviewIndex(context.principal, year, context.requestId, { personKeys: pageKeys, applicationIds });
    for (const detail of details) if (detail.entries === null) missing.add(detail.region);

    const edges = pageKeys.map((key) => {
      const person = people.get(key)!;
      const entries = details.flatMap((detail) => (detail.entries ?? []).filter((entry) => entry.personKey === key));
      let node: PersonNode | null = null;
      for (const entry of entries) {
        if (node || !entry.personRef) continue;
        try {
          const idNumber = identity.openPersonRef(entry.personRef);
          if (identity.personKey(idNumber) === key) node = { key, idNumberMasked: maskIdNumber(idNumber), normalised: idNumber };
        } catch {
          log.warn({ event: 'bad_person_ref', purpose: 'annualReviewConflicts' }, 'a region answered a person reference the province cannot open');
        }
      }
      const inRegion = new Set([...person.applications.values(), ...person.claims.map((claim) => claim.region)]);
      return {
        cursor: encodeConflictCursor(year, key),
        node: {
          person: node,
          year,
          regions: regions.map((region) => region.code).filter((code) => inRegion.has(code)),
          applications: entries.flatMap((entry) => entry.applications ?? []) as Application[],
          claims: person.claims,
        },
      };
    });
    await Promise.all(pageKeys.map((key) => recordLookup(context, key)));
    return {
      totalCount: conflicted.length,
      complete: missing.size === 0,
      missingRegions: regions.map((region) => region.code).filter((code) => missing.has(code)),
      pageInfo: { hasNextPage: start >= 0 && start + first < conflicted.length, endCursor: edges.at(-1)?.cursor ?? null },
      edges,
    };
  }

  const claimFields = {
    expiresAt: (claim: Claim) => (claim.state === 'HELD' || claim.state === 'EXPIRED' ? instantToBeijing(claim.expiresAt) : null),
    createdAt: (claim: Claim) => instantToBeijing(claim.createdAt),
    updatedAt: (claim: Claim) => instantToBeijing(claim.updatedAt),
  };

  const resolvers = {
    Query: {
      annualReviewConflicts,
      async annualReviewClaim(_root: unknown, args: { id: string }, context: ProvinceContext, info: GraphQLResolveInfo) {
        requireRole(context, info, ['portal', 'analyst']);
        const claim = await ledger.byId(args.id);
        if (claim && context.principal.role === 'portal' && claim.region !== context.principal.region) {
          throw deny(context, info, "a portal reads only its own region's claims.", claim.region);
        }
        return claim;
      },
    },
    Mutation: {
      claimAnnualReview,
      async confirmAnnualReviewClaim(_root: unknown, args: { id: string }, context: ProvinceContext, info: GraphQLResolveInfo) {
        const claim = await ownClaim(args.id, context, info);
        if (claim.state === 'CONFIRMED') return claim;
        const confirmed = claim.state === 'HELD' ? await ledger.confirm(claim.id, actorOf(context)) : null;
        if (confirmed) return confirmed;
        const now = await ledger.byId(claim.id);
        if (now?.state === 'CONFIRMED') return now;
        throw userInputError(ErrorCode.CLAIM_NOT_ACTIVE, `The claim is ${(now ?? claim).state}, no longer held: it cannot be confirmed. Claim the year again.`);
      },
      async releaseAnnualReviewClaim(_root: unknown, args: { id: string; reason: ClaimReleaseReason }, context: ProvinceContext, info: GraphQLResolveInfo) {
        const claim = await ownClaim(args.id, context, info);
        // Released or lapsed already: nothing is held, and the claim says so.
        if (claim.state === 'RELEASED' || claim.state === 'EXPIRED') return claim;
        return (await ledger.release(claim.id, args.reason, actorOf(context))) ?? (await ledger.byId(claim.id))!;
      },
    },
    AnnualReviewClaim: {
      ...claimFields,
      async history(claim: Claim) {
        return (await ledger.events([claim.id])).map((event) => ({ ...event, at: instantToBeijing(event.at) }));
      },
    },
    ActiveClaim: {
      region: (claim: Claim) => claim.region,
      state: (claim: Claim) => claim.state,
      ...claimFields,
      // Another region's portal is refused by the access matrix (ActiveClaim.claim).
      claim: (claim: Claim) => claim,
    },
  };

  return {
    resolvers,
    async withClaims(review, personKey, exclude) {
      let claims: Claim[] | null;
      try {
        claims = (await activeClaims.load(`${personKey}\0${review.year}`)).filter((claim) => claim.applicationId !== exclude);
      } catch (error) {
        log.error({ event: 'claim_ledger_unavailable', type: error instanceof Error ? error.name : typeof error }, 'the claim ledger did not answer; the verdict cannot be CLEAR');
        claims = null;
      }
      if (claims === null) {
        return { ...review, verdict: review.verdict === 'CLEAR' ? 'UNKNOWN' : review.verdict, complete: false, claims };
      }
      return { ...review, verdict: claims.length > 0 ? 'ALREADY_APPLIED' : review.verdict, claims };
    },
  };
}
