/**
 * Authentication at the gateway: a client's bearer JWT, verified with jose against the configured
 * key (an HS256 secret, the issuer's JWKS, or one public key), issuer and audience checked. A
 * missing, expired or badly signed token is refused with UNAUTHENTICATED (HTTP 401) before any
 * subgraph is called.
 */
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, errors as joseErrors, importSPKI, jwtVerify, type JWTVerifyGetKey, type KeyObject } from 'jose';
import type { AuthConfig } from '../platform/config.js';
import { bearerToken, CLOCK_TOLERANCE_SECONDS, principalFromClaims, unauthenticated, type Principal } from '../platform/auth.js';

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
      // jose caches the key set and refetches it when a token names an unknown key id.
      return { key: createRemoteJWKSet(new URL(verification.url)), algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] };
    case 'publicKey':
      return { key: await importSPKI(verification.pem, verification.algorithm), algorithms: [verification.algorithm] };
  }
}

/** Why a token failed, in words a client can act on; never the token itself. */
function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired; get a new one.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token's "${error.claim}" claim is not accepted here.`;
  return 'The token is not valid: it is malformed or not signed by a trusted issuer.';
}

export async function createAuthenticator(config: AuthConfig, regions: readonly string[]): Promise<Authenticator> {
  const { key, algorithms } = await verificationKey(config);
  return {
    async authenticate(req) {
      const token = bearerToken(req);
      if (!token) throw unauthenticated('Authentication required: send "Authorization: Bearer <token>".');
      let claims: Record<string, unknown>;
      try {
        const verified =
          typeof key === 'function'
            ? await jwtVerify(token, key, { algorithms, issuer: config.issuer, audience: config.audience, clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ['exp'] })
            : await jwtVerify(token, key, { algorithms, issuer: config.issuer, audience: config.audience, clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ['exp'] });
        claims = verified.payload;
      } catch (error) {
        if (error instanceof joseErrors.JOSEError || error instanceof TypeError) throw unauthenticated(reasonOf(error));
        throw error;
      }
      const principal = principalFromClaims(claims, regions);
      if (typeof principal === 'string') throw unauthenticated(principal);
      return principal;
    },
  };
}
