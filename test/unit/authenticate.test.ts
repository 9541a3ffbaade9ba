/**
 * Client authentication with asymmetric keys (issue 5, gateway/authenticate.ts): verification
 * through a JWKS URL and through one PEM public key, with real key pairs and a real local JWKS
 * server. RS256, ES256, RS384 and ES384 keys of the set; a key outside the set; the key set fetched
 * once, not per token; a rotated key, and jose's 30 s cooldown between refetches; expired tokens, a
 * wrong issuer or audience, `alg: none` and an HS256 token keyed with the PEM text (algorithm
 * confusion); claims that verify but grant nothing. Every refusal is UNAUTHENTICATED (401) and never
 * repeats the token. A key set that answers 500, cannot be reached or is not a key set says nothing
 * about the token: AUTH_UNAVAILABLE (503), logged.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuthenticator, type Authenticator } from '../../gateway/authenticate.js';
import type { AuthConfig } from '../../platform/config.js';
import type { Logger } from '../../platform/logger.js';

const ISSUER = 'https://idp.example.test';
const AUDIENCE = 'xjzc-gateway';
const REGIONS = ['bz', 'aks', 'wlmq'];
const PORTAL_BZ = { role: 'portal', region: 'bz', sub: 'portal-bz-01' };
/** jose refetches a key set for an unknown key id at most once per 30 s (createRemoteJWKSet's default). */
const JOSE_COOLDOWN_MS = 30_000;

interface SigningKey {
  alg: string;
  kid?: string;
  privateKey: CryptoKey | Uint8Array;
}

interface KeyPair extends SigningKey {
  /** The public key as the JWKS serves it. */
  jwk: JWK;
  /** The public key as AUTH_JWT_PUBLIC_KEY holds it. */
  pem: string;
}

async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<KeyPair> {
  return keyPairOf(alg, kid);
}

async function keyPairOf(alg: 'RS256' | 'RS384' | 'ES256' | 'ES384', kid: string): Promise<KeyPair> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  return { alg, kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, pem: await exportSPKI(publicKey) };
}

interface TokenOptions {
  claims?: JWTPayload;
  issuer?: string;
  audience?: string;
  /** Seconds since the epoch or a span such as '5m'; null for a token without `exp`. */
  expires?: number | string | null;
}

async function signToken(key: SigningKey, { claims = PORTAL_BZ, issuer = ISSUER, audience = AUDIENCE, expires = '5m' }: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(key.kid ? { kid: key.kid } : {}) })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt();
  if (expires !== null) jwt.setExpirationTime(expires);
  return jwt.sign(key.privateKey);
}

/** A token that claims no signature at all (`alg: none`), otherwise valid. */
function unsignedToken(kid?: string): string {
  const segment = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 300;
  return `${segment({ alg: 'none', typ: 'JWT', ...(kid ? { kid } : {}) })}.${segment({ ...PORTAL_BZ, iss: ISSUER, aud: AUDIENCE, exp })}.`;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/**
 * Expects `token` to be refused with UNAUTHENTICATED (401) and returns the error. Whatever the
 * reason, neither the message nor anything else a client is sent contains the token or any part of it.
 */
async function expectRefused(authenticator: Authenticator, token: string): Promise<GraphQLError> {
  const error: unknown = await authenticator.authenticate(bearer(token)).then(
    (principal) => expect.fail(`accepted as ${JSON.stringify(principal)}`),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  const refusal = error as GraphQLError;
  expect(refusal.extensions.code).toBe('UNAUTHENTICATED');
  expect(refusal.extensions.http).toMatchObject({ status: 401 });
  const sent = JSON.stringify(refusal.toJSON());
  for (const part of [token, ...token.split('.').filter((segment) => segment.length > 0)]) {
    expect(refusal.message).not.toContain(part);
    expect(sent).not.toContain(part);
  }
  return refusal;
}

/** Expects the key set's outage: AUTH_UNAVAILABLE with 503, never the token in the answer. */
async function expectUnavailable(authenticator: Authenticator, token: string): Promise<void> {
  const error: unknown = await authenticator.authenticate(bearer(token)).then(
    (principal) => expect.fail(`accepted as ${JSON.stringify(principal)}`),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  expect((error as GraphQLError).extensions.code).toBe('AUTH_UNAVAILABLE');
  expect((error as GraphQLError).extensions.http).toMatchObject({ status: 503 });
  expect(JSON.stringify((error as GraphQLError).toJSON())).not.toContain(token.split('.')[1]!);
}

/** An issuer's JWKS endpoint on 127.0.0.1 that counts the requests it answers. */
class JwksServer {
  /** Requests answered so far. */
  requests = 0;
  keys: JWK[] = [];
  /** 200 serves `keys`; anything else answers that status with no body. */
  status = 200;
  /** Served instead of the key set, when set. */
  body: string | null = null;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<JwksServer> {
    let jwks: JwksServer | undefined;
    const server = createServer((_req, res) => {
      jwks!.requests += 1;
      if (jwks!.status !== 200) res.writeHead(jwks!.status).end();
      else res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(jwks!.body ?? JSON.stringify({ keys: jwks!.keys }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    jwks = new JwksServer(server, `http://127.0.0.1:${port}/.well-known/jwks.json`);
    return jwks;
  }

  async close(): Promise<void> {
    const closed = once(this.server, 'close');
    this.server.close();
    // fetch keeps connections alive; without this, close would wait for them to time out.
    this.server.closeAllConnections();
    await closed;
  }
}

function jwksConfig(url: string): AuthConfig {
  return { verification: { kind: 'jwks', url }, issuer: ISSUER, audience: AUDIENCE };
}

function publicKeyConfig(pem: string): AuthConfig {
  return { verification: { kind: 'publicKey', pem, algorithm: 'RS256' }, issuer: ISSUER, audience: AUDIENCE };
}

let rsa: KeyPair;
let ec: KeyPair;
/** A key pair the issuer never published. */
let stranger: KeyPair;

beforeAll(async () => {
  [rsa, ec, stranger] = await Promise.all([keyPair('RS256', 'rsa-2025'), keyPair('ES256', 'ec-2025'), keyPair('RS256', 'stranger')]);
});

describe("verification through the issuer's JWKS", () => {
  let server: JwksServer;
  let authenticator: Authenticator;

  beforeAll(async () => {
    server = await JwksServer.start();
  });

  afterAll(async () => {
    await server?.close();
  });

  beforeEach(async () => {
    server.keys = [rsa.jwk, ec.jwk];
    server.status = 200;
    server.requests = 0;
    // A new authenticator per test: each holds its own cached key set.
    authenticator = await createAuthenticator(jwksConfig(server.url), REGIONS);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('accepts an RS256 token whose kid is in the set, as the principal its claims name', async () => {
    await expect(authenticator.authenticate(bearer(await signToken(rsa)))).resolves.toEqual({ role: 'portal', region: 'bz', subject: 'portal-bz-01' });
  });

  it('accepts an ES256 key of the same set', async () => {
    const token = await signToken(ec, { claims: { role: 'analyst', sub: 'analyst-07' } });
    await expect(authenticator.authenticate(bearer(token))).resolves.toEqual({ role: 'analyst', region: null, subject: 'analyst-07' });
  });

  it('fetches the key set once, not once per token', async () => {
    expect(server.requests).toBe(0);
    await authenticator.authenticate(bearer(await signToken(rsa)));
    const tokens = await Promise.all([signToken(rsa), signToken(ec), signToken(rsa), signToken(ec)]);
    await Promise.all(tokens.map((token) => authenticator.authenticate(bearer(token))));
    expect(server.requests).toBe(1);
  });

  it('refuses a token signed by a key outside the set, and unknown kids do not make it fetch again', async () => {
    await authenticator.authenticate(bearer(await signToken(rsa)));
    await expectRefused(authenticator, await signToken(stranger));
    await expectRefused(authenticator, await signToken({ ...stranger, kid: 'another-unknown-kid' }));
    expect(server.requests).toBe(1);
  });

  it('refuses a token signed by an outside key that names a trusted kid', async () => {
    const refusal = await expectRefused(authenticator, await signToken({ ...stranger, kid: rsa.kid }));
    expect(refusal.message).toMatch(/not signed by a trusted issuer/);
  });

  it.each([
    ['alg none', () => unsignedToken(rsa.kid)],
    ['HS256 keyed with the public JWK', () => signToken({ alg: 'HS256', kid: rsa.kid, privateKey: new TextEncoder().encode(JSON.stringify(rsa.jwk)) })],
  ])('refuses a token with %s that names a trusted kid', async (_label, token) => {
    await expectRefused(authenticator, await token());
  });

  it('accepts a rotated key served before its first fetch', async () => {
    const next = await keyPair('RS256', 'rsa-2026');
    server.keys = [next.jwk];
    await expect(authenticator.authenticate(bearer(await signToken(next)))).resolves.toMatchObject({ subject: 'portal-bz-01' });
    expect(server.requests).toBe(1);
  });

  it("takes a rotated key's unknown kid as the cue to refetch, once jose's 30 s cooldown since the last fetch is over", async () => {
    // Only Date is faked: jose reads the cooldown from Date.now(), while the server and fetch keep real timers.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    await authenticator.authenticate(bearer(await signToken(rsa)));
    expect(server.requests).toBe(1);

    const next = await keyPair('RS256', 'rsa-2026');
    server.keys = [next.jwk];
    // Within the cooldown the new kid is not looked up: the token is refused and nothing is fetched.
    vi.setSystemTime(Date.now() + JOSE_COOLDOWN_MS - 1_000);
    await expectRefused(authenticator, await signToken(next));
    expect(server.requests).toBe(1);

    vi.setSystemTime(Date.now() + 2_000);
    await expect(authenticator.authenticate(bearer(await signToken(next)))).resolves.toMatchObject({ subject: 'portal-bz-01' });
    expect(server.requests).toBe(2);
    // The retired key left the refetched set.
    await expectRefused(authenticator, await signToken(rsa));
    expect(server.requests).toBe(2);
  });

  it('answers AUTH_UNAVAILABLE (503), not "your token is bad", while the JWKS answers 500, logs it, and asks again on the next token', async () => {
    const logged: unknown[] = [];
    const log = { error: (entry: unknown) => logged.push(entry) } as unknown as Logger;
    const watched = await createAuthenticator(jwksConfig(server.url), REGIONS, { log });
    server.status = 500;
    const token = await signToken(rsa);
    await expectUnavailable(watched, token);
    expect(logged).toMatchObject([{ event: 'jwks_unavailable' }]);
    expect(JSON.stringify(logged)).not.toContain(token);
    server.status = 200;
    await expect(watched.authenticate(bearer(token))).resolves.toMatchObject({ role: 'portal' });
    expect(server.requests).toBe(2);
  });

  it('answers AUTH_UNAVAILABLE (503) when the JWKS cannot be reached', async () => {
    const gone = await JwksServer.start();
    await gone.close();
    const unreachable = await createAuthenticator(jwksConfig(gone.url), REGIONS);
    await expectUnavailable(unreachable, await signToken(rsa));
  });

  it('answers AUTH_UNAVAILABLE (503) when the JWKS answers something that is not a key set', async () => {
    const broken = await JwksServer.start();
    broken.body = '{"not":"a key set"}';
    try {
      await expectUnavailable(await createAuthenticator(jwksConfig(broken.url), REGIONS), await signToken(rsa));
    } finally {
      await broken.close();
    }
  });

  it('accepts the stronger RSA and EC algorithms a key set may carry (RS384, ES384)', async () => {
    const rs384 = await keyPairOf('RS384', 'rs384-key');
    const es384 = await keyPairOf('ES384', 'es384-key');
    server.keys = [rs384.jwk, es384.jwk];
    const fresh = await createAuthenticator(jwksConfig(server.url), REGIONS);
    await expect(fresh.authenticate(bearer(await signToken(rs384)))).resolves.toMatchObject({ role: 'portal', region: 'bz' });
    await expect(fresh.authenticate(bearer(await signToken(es384)))).resolves.toMatchObject({ role: 'portal', region: 'bz' });
  });
});

describe('verification with one PEM public key', () => {
  let authenticator: Authenticator;

  beforeAll(async () => {
    authenticator = await createAuthenticator(publicKeyConfig(rsa.pem), REGIONS);
  });

  it('accepts a valid RS256 token, with or without a kid', async () => {
    const principal = { role: 'portal', region: 'bz', subject: 'portal-bz-01' };
    await expect(authenticator.authenticate(bearer(await signToken(rsa)))).resolves.toEqual(principal);
    await expect(authenticator.authenticate(bearer(await signToken({ ...rsa, kid: undefined })))).resolves.toEqual(principal);
  });

  it('refuses an expired token, saying that it expired', async () => {
    // Beyond the 5 s clock tolerance.
    const refusal = await expectRefused(authenticator, await signToken(rsa, { expires: Math.floor(Date.now() / 1000) - 60 }));
    expect(refusal.message).toMatch(/expired/);
  });

  it.each([
    ['another issuer', { issuer: 'https://someone-else.example.test' }, 'iss'],
    ['another audience', { audience: 'someone-else' }, 'aud'],
    ['no expiry', { expires: null }, 'exp'],
  ] as const)('refuses a token with %s, naming the claim', async (_label, options, claim) => {
    const refusal = await expectRefused(authenticator, await signToken(rsa, options));
    expect(refusal.message).toContain(`"${claim}"`);
  });

  it('refuses a token signed by another key', async () => {
    await expectRefused(authenticator, await signToken(stranger));
  });

  it.each([
    ['alg none', () => unsignedToken()],
    // Algorithm confusion: the public PEM, which anyone may hold, used as an HMAC secret.
    ['HS256 keyed with the PEM text', () => signToken({ alg: 'HS256', privateKey: new TextEncoder().encode(rsa.pem) })],
  ])('refuses a token with %s', async (_label, token) => {
    await expectRefused(authenticator, await token());
  });
});

describe('claims that verify but grant nothing', () => {
  let authenticator: Authenticator;

  beforeAll(async () => {
    authenticator = await createAuthenticator(publicKeyConfig(rsa.pem), REGIONS);
  });

  it.each([
    ['a portal without a region', { role: 'portal', sub: 'portal-01' }, /portal token must name its region/],
    ['a portal of a region not configured', { role: 'portal', region: 'kashi', sub: 'portal-01' }, /portal token must name its region/],
    ['an unknown role', { role: 'admin', sub: 'admin-01' }, /role must be one of analyst, portal, dashboard/],
    ['no role', { sub: 'someone' }, /role must be one of/],
    ['no subject', { role: 'analyst' }, /no subject/],
  ])('refuses %s', async (_label, claims, message) => {
    const refusal = await expectRefused(authenticator, await signToken(rsa, { claims }));
    expect(refusal.message).toMatch(message);
  });
});

describe('refusals never repeat the token', () => {
  it.each([
    // Segments that cannot occur in a message by chance.
    ['malformed', async () => 'x7Qz9aPlW.K3mPw8RtQ.Z8vN2qLsJ'],
    ['expired', () => signToken(rsa, { expires: Math.floor(Date.now() / 1000) - 60 })],
    ['from another issuer', () => signToken(rsa, { issuer: 'https://someone-else.example.test' })],
    ['forged', () => signToken(stranger)],
    ['with an unknown role', () => signToken(rsa, { claims: { role: 'admin', sub: 'admin-01' } })],
  ])('not for a token %s', async (_label, token) => {
    const authenticator = await createAuthenticator(publicKeyConfig(rsa.pem), REGIONS);
    // expectRefused checks the message and the whole error sent to the client for the token and each of its parts.
    const value = await token();
    const refusal = await expectRefused(authenticator, value);
    expect(refusal.message.length).toBeGreaterThan(0);
  });
});
