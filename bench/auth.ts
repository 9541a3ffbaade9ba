/**
 * Credentials of the benchmark. Clients of our gateway send a bearer JWT of the role each workload
 * needs (a bz portal for the duplicate check, an analyst for the search, a dashboard for the
 * statistics); our gateway verifies it and signs its own short-lived token for the subgraphs
 * (platform/auth.ts). The peers have no such step, so their clients send the gateway's token
 * itself (minted here, valid for the run), which they pass on unchanged; so does the floor.
 */
import { SignJWT } from 'jose';
import { mintDevelopmentToken } from '../gateway/developmentToken.js';
import { INTERNAL_AUDIENCE, INTERNAL_ISSUER, type Role } from '../platform/auth.js';
import { loadConfig } from '../platform/config.js';
import { BENCH_REGIONS, type BenchRegion } from './dataset.js';
import type { WorkloadName } from './workloads.js';

/** Settings every service of the bench gets: production mode, so production's checks apply. */
export const BENCH_SECRETS = {
  NODE_ENV: 'production',
  IDENTITY_SECRET: 'bench-identity-secret-0123456789abcdefghij',
  AUTH_JWT_SECRET: 'bench-client-token-secret-0123456789abcdefghij',
  AUTH_JWT_ISSUER: 'xjzc-bench',
  INTERNAL_TOKEN_SECRET: 'bench-internal-token-secret-0123456789abcdefghij',
} as const;

const ROLE_OF: Record<WorkloadName, { role: Role; region?: string }> = {
  'duplicate check': { role: 'portal', region: 'bz' },
  'portal mix': { role: 'portal', region: 'bz' },
  'analyst search': { role: 'analyst' },
  'dashboard statistics': { role: 'dashboard' },
  // Claims carry each request's own portal token (Credentials.portals); this one is the default.
  'annual-review claim': { role: 'portal', region: 'bz' },
  'annual-review conflicts': { role: 'analyst' },
};

/** `Authorization` header values per workload: for clients of our gateway, and for the peers and the floor. */
export interface Credentials {
  client: Record<WorkloadName, string>;
  internal: Record<WorkloadName, string>;
  /** A client token of each region's portal, for the claims. */
  portals: Record<BenchRegion, string>;
}

export async function benchCredentials(): Promise<Credentials> {
  const { auth } = loadConfig({ ...BENCH_SECRETS });
  const key = new TextEncoder().encode(BENCH_SECRETS.INTERNAL_TOKEN_SECRET);
  const client = {} as Record<WorkloadName, string>;
  const internal = {} as Record<WorkloadName, string>;
  for (const [workload, caller] of Object.entries(ROLE_OF) as Array<[WorkloadName, { role: Role; region?: string }]>) {
    const claims = { role: caller.role, ...(caller.region ? { region: caller.region } : {}) };
    client[workload] = `Bearer ${await mintDevelopmentToken(auth, { ...claims, subject: `bench-${caller.role}`, expiresIn: '6h' })}`;
    internal[workload] = `Bearer ${await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(`bench-${caller.role}`)
      .setIssuer(INTERNAL_ISSUER)
      .setAudience(INTERNAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('6h')
      .sign(key)}`;
  }
  const portals = {} as Record<BenchRegion, string>;
  for (const region of BENCH_REGIONS) {
    portals[region] = `Bearer ${await mintDevelopmentToken(auth, { role: 'portal', region, subject: `bench-portal-${region}`, expiresIn: '6h' })}`;
  }
  return { client, internal, portals };
}
