/**
 * Who is asking: the principal every service acts for, and the short-lived token in which the
 * gateway hands it to the subgraphs. @apollo/gateway enforces no authorization directive (only
 * Apollo Router does), so the gateway
 * authenticates the client (gateway/authenticate.ts), signs the verified claims with its own key,
 * and each subgraph verifies that token and enforces access itself (subgraphs/access.ts).
 */
import type { IncomingMessage } from 'node:http';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';

/**
 * The three kinds of user (issue 5):
 * - `analyst` reads every region, blind as in 盲评: ID numbers masked, names and employers hidden;
 * - `portal` is one region's portal: people by ID number, the annual-review check, full detail of
 *   its own region's applications and only region, year, kind and status of other regions';
 * - `dashboard` reads statistics only, every count perturbed (subgraphs/accessMatrix.ts).
 */
export const ROLES = ['analyst', 'portal', 'dashboard'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  role: Role;
  /** The region a portal is bound to; null for the other roles. */
  region: string | null;
  /** The token's `sub`: which user or system (never a person's name or ID number). */
  subject: string;
}

/** Issuer and audience of the gateway's own tokens: a client's token is never accepted in their place. */
export const INTERNAL_ISSUER = 'xjzc-gateway';
export const INTERNAL_AUDIENCE = 'subgraphs';
/** Long enough for one request's fan-out, short enough that a leaked token is soon useless. */
export const INTERNAL_TOKEN_TTL_SECONDS = 60;
/** Allowed clock difference between services, seconds. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** A refusal of the caller's credentials: HTTP 401 in the GraphQL error shape. */
export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer']]) },
    },
  });
}

/** The bearer token of an `Authorization` header, or null when there is none. */
export function bearerToken(req: Pick<IncomingMessage, 'headers'>): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/**
 * The principal a verified token's claims name, or a reason it names none. Claims are checked
 * field by field: a token that verifies but carries an unknown role or a portal without a
 * configured region grants nothing.
 */
export function principalFromClaims(claims: Record<string, unknown>, regions: readonly string[]): Principal | string {
  const { role, region, sub } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) return 'The token has no subject (sub).';
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    return `The token's role must be one of ${ROLES.join(', ')}.`;
  }
  if (role === 'portal') {
    if (typeof region !== 'string' || !regions.includes(region)) {
      return `A portal token must name its region, one of ${regions.join(', ')}.`;
    }
    return { role, region, subject: sub };
  }
  return { role: role as Role, region: null, subject: sub };
}

function internalKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Signs the gateway's token for the subgraphs: the verified principal, 60 s, audience `subgraphs`. */
export async function signInternalToken(principal: Principal, secret: string, now: () => number = Date.now): Promise<string> {
  const issuedAt = Math.floor(now() / 1000);
  return new SignJWT({ role: principal.role, ...(principal.region ? { region: principal.region } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.subject)
    .setIssuer(INTERNAL_ISSUER)
    .setAudience(INTERNAL_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + INTERNAL_TOKEN_TTL_SECONDS)
    .sign(internalKey(secret));
}

/**
 * How many distinct tokens (gateway side: principals; subgraph side: token strings) are remembered.
 * Beyond it the least recently used are dropped and simply signed or verified again.
 */
export const TOKEN_CACHE_SIZE = 10_000;

/**
 * A token is reused for at most this long, so that it has at least half its life left when a
 * subgraph receives it (a request's fan-out takes far less than 30 s).
 */
export const INTERNAL_TOKEN_REUSE_MS = (INTERNAL_TOKEN_TTL_SECONDS * 1000) / 2;

const principalKey = (principal: Principal): string => `${principal.role}\0${principal.region ?? ''}\0${principal.subject}`;

export interface InternalTokenSigner {
  /** The gateway's token for this principal: a fresh one, or the same one for up to 30 s. */
  tokenFor(principal: Principal): Promise<string>;
}

/**
 * The gateway's tokens, one per principal, reused for half their life. Signing (WebCrypto HMAC,
 * a thread-pool job) cost more than a whole subgraph call's resolvers in the benchmark (issue 6,
 * README "Benchmarks"); a reused token also lets each subgraph skip verifying it again. A token
 * carries only its principal, so reusing it for the same principal's next request grants nothing new.
 */
export function createInternalTokenSigner(secret: string, now: () => number = Date.now): InternalTokenSigner {
  const tokens = new LRUCache<string, { token: Promise<string>; until: number }>({ max: TOKEN_CACHE_SIZE });
  return {
    tokenFor(principal) {
      const key = principalKey(principal);
      const cached = tokens.get(key);
      if (cached && cached.until > now()) return cached.token;
      const token = signInternalToken(principal, secret, now);
      tokens.set(key, { token, until: now() + INTERNAL_TOKEN_REUSE_MS });
      // A failed signing is not remembered: the next request tries again.
      token.catch(() => tokens.delete(key));
      return token;
    },
  };
}

/**
 * Verified tokens, remembered until they expire: a token string that verified once names the same
 * principal until its `exp`, so verifying it again (a WebCrypto job each time) proves nothing new.
 * Only successes are remembered; a refused token is checked in full every time it comes.
 */
export class VerifiedTokenCache {
  private readonly verified = new LRUCache<string, { principal: Principal; expiresAt: number }>({ max: TOKEN_CACHE_SIZE });

  constructor(
    private readonly now: () => number = Date.now,
    /** Remember a token at most this long, even when its `exp` is later. */
    private readonly maxAgeMs: number = INTERNAL_TOKEN_TTL_SECONDS * 1000,
  ) {}

  private get(token: string): Principal | undefined {
    const entry = this.verified.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.verified.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  /**
   * The principal of `token`: remembered, or from the claims `verify` returns (it throws when the
   * token is not valid), checked and then remembered. Claims that grant nothing are refused and
   * not remembered.
   */
  async principalOf(token: string, regions: readonly string[], verify: () => Promise<Record<string, unknown>>): Promise<Principal> {
    const known = this.get(token);
    if (known) return known;
    const claims = await verify();
    const principal = principalFromClaims(claims, regions);
    if (typeof principal === 'string') throw unauthenticated(principal);
    this.set(token, principal, claims.exp);
    return principal;
  }

  /** Remembers a verified token until `exp` (seconds since the epoch) or for `maxAgeMs`, whichever comes first. */
  private set(token: string, principal: Principal, exp: unknown): void {
    if (typeof exp === 'number' && Number.isFinite(exp)) {
      this.verified.set(token, { principal, expiresAt: Math.min(exp * 1000, this.now() + this.maxAgeMs) });
    }
  }
}

export interface InternalTokenVerifier {
  /** The principal of a request from the gateway; throws UNAUTHENTICATED (401) otherwise. */
  verify(req: Pick<IncomingMessage, 'headers'>): Promise<Principal>;
}

/**
 * What every subgraph runs in its context: a request without the gateway's valid token is refused,
 * so nobody reaches personal data by calling a subgraph directly.
 */
export function createInternalTokenVerifier(secret: string, regions: readonly string[], now: () => number = Date.now): InternalTokenVerifier {
  const key = internalKey(secret);
  const cache = new VerifiedTokenCache(now);
  return {
    async verify(req) {
      const token = bearerToken(req);
      if (!token) throw unauthenticated('This service answers only the gateway: the gateway\'s credential is missing.');
      return cache.principalOf(token, regions, async () => {
        try {
          const { payload } = await jwtVerify(token, key, {
            algorithms: ['HS256'],
            issuer: INTERNAL_ISSUER,
            audience: INTERNAL_AUDIENCE,
            clockTolerance: CLOCK_TOLERANCE_SECONDS,
            requiredClaims: ['exp', 'sub'],
            currentDate: new Date(now()),
          });
          return payload;
        } catch (error) {
          if (error instanceof joseErrors.JOSEError) throw unauthenticated('This service answers only the gateway: its credential is not valid.');
          throw error;
        }
      });
    },
  };
}
