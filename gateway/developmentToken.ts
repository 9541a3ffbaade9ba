/**
 * Development tokens: a client JWT signed with the configured HS256 secret (AUTH_JWT_SECRET, or its
 * development default), for `npm run token` and the tests. Production verifies tokens from a real
 * issuer (AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY) and never mints its own.
 */
import { SignJWT } from 'jose';
import type { Role } from '../platform/auth.js';
import type { AuthConfig } from '../platform/config.js';

export interface DevelopmentTokenClaims {
  role: Role;
  /** Required for `portal`. */
  region?: string;
  /** @default `dev-<role>` */
  subject?: string;
  /** Lifetime, in jose's notation (`8h`, `60s`), or an absolute `exp` in seconds. @default '8h' */
  expiresIn?: string | number;
}

export async function mintDevelopmentToken(auth: AuthConfig, claims: DevelopmentTokenClaims): Promise<string> {
  if (auth.verification.kind !== 'secret') {
    throw new TypeError('Development tokens need an HS256 secret (AUTH_JWT_SECRET); this configuration verifies tokens from an external issuer.');
  }
  return new SignJWT({ role: claims.role, ...(claims.region ? { region: claims.region } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject ?? `dev-${claims.role}`)
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '8h')
    .sign(new TextEncoder().encode(auth.verification.secret));
}
