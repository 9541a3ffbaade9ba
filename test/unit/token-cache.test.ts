/**
 * Tokens are signed and verified once and then remembered (platform/auth.ts, issue 6: each
 * WebCrypto job cost more than a subgraph call's resolvers). What must still hold: the gateway's
 * token is reused only for the same principal and for half its life; a remembered token, client's
 * or gateway's, is refused once it expires; a refused token is never remembered.
 */
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../gateway/authenticate.js';
import { mintDevelopmentToken } from '../../gateway/developmentToken.js';
import {
  createInternalTokenSigner,
  createInternalTokenVerifier,
  INTERNAL_TOKEN_REUSE_MS,
  INTERNAL_TOKEN_TTL_SECONDS,
  type Principal,
} from '../../platform/auth.js';
import type { AuthConfig } from '../../platform/config.js';

const SECRET = 'token-cache-test-internal-secret-0123456789';
const REGIONS = ['bz', 'aks', 'wlmq'];
const PORTAL_BZ: Principal = { role: 'portal', region: 'bz', subject: 'portal-bz-01' };
const ANALYST: Principal = { role: 'analyst', region: null, subject: 'analyst-01' };

/** A clock the test moves; starts at a whole second so that `iat`/`exp` arithmetic is exact. */
function clock(start = Math.floor(Date.now() / 1000) * 1000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'accepted',
    (error: { extensions?: { code?: unknown } }) => error.extensions?.code,
  );
}

describe("the gateway's token for the subgraphs", () => {
  it('is the same token for the same principal within half its life, and a new one after', async () => {
    const time = clock();
    const signer = createInternalTokenSigner(SECRET, time.now);
    const first = await signer.tokenFor(PORTAL_BZ);
    time.advance(1_000);
    expect(await signer.tokenFor({ ...PORTAL_BZ })).toBe(first);
    time.advance(INTERNAL_TOKEN_REUSE_MS);
    expect(await signer.tokenFor(PORTAL_BZ)).not.toBe(first);
  });

  it('is never shared between principals, even ones that differ only in subject or region', async () => {
    const signer = createInternalTokenSigner(SECRET);
    const tokens = await Promise.all([
      signer.tokenFor(PORTAL_BZ),
      signer.tokenFor({ ...PORTAL_BZ, subject: 'portal-bz-02' }),
      signer.tokenFor({ ...PORTAL_BZ, region: 'aks' }),
      signer.tokenFor(ANALYST),
    ]);
    expect(new Set(tokens).size).toBe(4);
    const verifier = createInternalTokenVerifier(SECRET, REGIONS);
    expect(await verifier.verify(bearer(tokens[2]!))).toEqual({ ...PORTAL_BZ, region: 'aks' });
    expect(await verifier.verify(bearer(tokens[3]!))).toEqual(ANALYST);
  });

  it('still has at least half its life left when it is last handed out', async () => {
    const time = clock();
    const signer = createInternalTokenSigner(SECRET, time.now);
    const token = await signer.tokenFor(ANALYST);
    time.advance(INTERNAL_TOKEN_REUSE_MS - 1);
    expect(await signer.tokenFor(ANALYST)).toBe(token);
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number };
    expect(exp * 1000 - time.now()).toBeGreaterThanOrEqual((INTERNAL_TOKEN_TTL_SECONDS * 1000) / 2);
  });
});

describe('a subgraph remembering verified tokens', () => {
  it('accepts a token again while it lives and refuses it once it has expired, remembered or not', async () => {
    const time = clock();
    const signer = createInternalTokenSigner(SECRET, time.now);
    const verifier = createInternalTokenVerifier(SECRET, REGIONS, time.now);
    const token = await signer.tokenFor(PORTAL_BZ);
    expect(await verifier.verify(bearer(token))).toEqual(PORTAL_BZ);
    time.advance(30_000);
    expect(await verifier.verify(bearer(token))).toEqual(PORTAL_BZ);
    // Past exp and past jose's 5 s clock tolerance.
    time.advance(INTERNAL_TOKEN_TTL_SECONDS * 1000);
    expect(await codeOf(verifier.verify(bearer(token)))).toBe('UNAUTHENTICATED');
  });

  it('does not remember a refused token: a token signed with another key stays refused', async () => {
    const verifier = createInternalTokenVerifier(SECRET, REGIONS);
    const forged = await createInternalTokenSigner('another-internal-secret-0123456789abcdef').tokenFor(ANALYST);
    expect(await codeOf(verifier.verify(bearer(forged)))).toBe('UNAUTHENTICATED');
    expect(await codeOf(verifier.verify(bearer(forged)))).toBe('UNAUTHENTICATED');
    const genuine = await createInternalTokenSigner(SECRET).tokenFor(ANALYST);
    // One character changed in the signature of a token that verified: a different string, refused.
    expect(await verifier.verify(bearer(genuine))).toEqual(ANALYST);
    const last = genuine.at(-2) === 'A' ? 'B' : 'A';
    expect(await codeOf(verifier.verify(bearer(`${genuine.slice(0, -2)}${last}${genuine.at(-1)}`)))).toBe('UNAUTHENTICATED');
  });
});

describe('the gateway remembering verified client tokens', () => {
  const config: AuthConfig = {
    verification: { kind: 'secret', secret: 'token-cache-test-client-secret-0123456789' },
    issuer: 'xjzc-development',
    audience: 'xjzc-gateway',
  };

  it('refuses a remembered client token once it has expired', async () => {
    const time = clock();
    const authenticator = await createAuthenticator(config, REGIONS, { now: time.now });
    const token = await mintDevelopmentToken(config, { role: 'analyst', subject: 'analyst-01', expiresIn: '2m' });
    expect(await authenticator.authenticate(bearer(token))).toEqual(ANALYST);
    time.advance(60_000);
    expect(await authenticator.authenticate(bearer(token))).toEqual(ANALYST);
    time.advance(120_000);
    expect(await codeOf(authenticator.authenticate(bearer(token)))).toBe('UNAUTHENTICATED');
  });
});
