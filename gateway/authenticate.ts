/**
 * Authentication at the gateway: a client's bearer JWT, verified with jose against the configured
 * key (an HS256 secret, the issuer's JWKS, or one public key), issuer and audience checked. A
 * missing, expired or badly signed token is refused with UNAUTHENTICATED (HTTP 401) before any
 * subgraph is called.
 */
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, errors as joseErrors, importSPKI, jwtVerify, type JWTVerifyGetKey, type KeyObject } from 'jose';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { AuthConfig } from '../platform/config.js';
import { ErrorCode } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { bearerToken, CLOCK_TOLERANCE_SECONDS, unauthenticated, VerifiedTokenCache, type Principal } from '../platform/auth.js';

/**
 * A client token that verified is not verified again for this long (nor past its `exp`): clients
 * send the same token with every request, and each verification is a WebCrypto job. Bounded, so
 * that a key the issuer withdraws stops being honoured within five minutes.
 */
export const CLIENT_TOKEN_CACHE_MS = 5 * 60 * 1000;

export interface Authenticator {
  /** The caller's principal; throws UNAUTHENTICATED (401) when the token is missing or not valid. */
  authenticate(req: Pick<IncomingMessage, 'headers'>): Promise<Principal>;
}

type VerificationKey = { key: Uint8Array | KeyObject | JWTVerifyGetKey; algorithms: string[] };

async function verificationKey(config: AuthConfig): Promise<VerificationKey> {
  const { verification } = config;
  switch (verification.kind) {
    case 'secret':
      return { key: new TextEncoder().encode(verification.secret), algorithms: ['HS256'] };
    case 'jwks':
      // jose caches the key set (10 min) and refetches it when a token names an unknown key id, at
      // most once per 30 s: an issuer should publish a new key before it signs with it.
      return { key: createRemoteJWKSet(new URL(verification.url)), algorithms: JWKS_ALGORITHMS };
    case 'publicKey':
      return { key: await importSPKI(verification.pem, verification.algorithm), algorithms: [verification.algorithm] };
  }
}

/** The asymmetric algorithms a key set's keys may sign with (never HS*, never `none`). */
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * The issuer's key set could not be fetched (not answering, not 200, not a key set): that says
 * nothing about the token, so the client is not told its token is bad.
 */
function isKeySetUnavailable(error: unknown): boolean {
  return (
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    // jose's error for a non-200 answer is the base class itself.
    (error instanceof joseErrors.JOSEError && error.constructor === joseErrors.JOSEError) ||
    (error instanceof TypeError && error.message === 'fetch failed')
  );
}

function keySetUnavailable(): GraphQLError {
  return new GraphQLError('The identity provider\'s keys could not be fetched, so the token could not be checked; try again shortly.', {
    extensions: { code: ErrorCode.AUTH_UNAVAILABLE, http: { status: 503, headers: new HeaderMap([['retry-after', '5']]) } },
  });
}

/** Why a token failed, in words a client can act on; never the token itself. */
function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired; get a new one.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token's "${error.claim}" claim is not accepted here.`;
  return 'The token is not valid: it is malformed or not signed by a trusted issuer.';
}

export interface AuthenticatorOptions {
  /** Where a key-set outage is reported. */
  log?: Logger;
  now?: () => number;
}

export async function createAuthenticator(config: AuthConfig, regions: readonly string[], { log, now = Date.now }: AuthenticatorOptions = {}): Promise<Authenticator> {
  const { key, algorithms } = await verificationKey(config);
  const verified = new VerifiedTokenCache(now, CLIENT_TOKEN_CACHE_MS);
  return {
    async authenticate(req) {
      const token = bearerToken(req);
      if (!token) throw unauthenticated('Authentication required: send "Authorization: Bearer <token>".');
      return verified.principalOf(token, regions, async () => {
        try {
          const options = { algorithms, issuer: config.issuer, audience: config.audience, clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ['exp'], currentDate: new Date(now()) };
          // Two calls only for jose's overloads (a key, or a function that picks one).
          const { payload } = typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
          return payload;
        } catch (error) {
          if (config.verification.kind === 'jwks' && isKeySetUnavailable(error)) {
            log?.error({ event: 'jwks_unavailable', err: { type: (error as Error).name, message: (error as Error).message } }, 'the issuer\'s key set could not be fetched');
            throw keySetUnavailable();
          }
          if (error instanceof joseErrors.JOSEError || error instanceof TypeError) throw unauthenticated(reasonOf(error));
          throw error;
        }
      });
    },
  };
}
