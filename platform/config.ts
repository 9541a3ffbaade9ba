/**
 * Configuration, read once from the environment into one typed object and validated at start:
 * a bad value stops the process with a message naming the variable. Nothing else reads
 * process.env.
 */
import { REGIONS } from '../domain/regions.js';

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type RegionDatabase =
  | { kind: 'postgres'; url: string }
  /** In-process PGlite, migrated and filled with demo data at start (the newcomer's default). */
  | { kind: 'embedded' };

export interface Config {
  environment: 'development' | 'test' | 'production';
  logLevel: string;
  /** Append logs to this file instead of stdout (LOG_FILE); null for stdout. */
  logFile: string | null;
  /** Address every service listens on (HOST): 127.0.0.1 by default, 0.0.0.0 in containers. */
  listenHost: string;
  /** Gateway HTTP port (PORT), default 4000. */
  gatewayPort: number;
  /** Ports of the subgraphs when started by this project, keyed by service name. */
  servicePorts: Record<string, number>;
  /** Subgraph URLs the gateway calls, keyed by service name (`province`, `bz`, …). */
  subgraphUrls: Record<string, string>;
  /** Per-region portal database, keyed by region code. */
  regionDatabases: Record<string, RegionDatabase>;
  /** Province-owned database (access log); null on the embedded default. */
  provinceDatabaseUrl: string | null;
  /** Secret behind Person.key (HMAC) and the sealed person reference the regions open. */
  identitySecret: string;
  /** Timeout of one gateway → subgraph request, ms. */
  subgraphTimeoutMs: number;
  /** Seed of the demo-data generator on the embedded default. */
  demoSeed: number;
  /** How the gateway verifies clients' bearer tokens (platform/auth.ts). */
  auth: AuthConfig;
  /** Key of the short-lived token the gateway signs for the subgraphs (INTERNAL_TOKEN_SECRET). */
  internalTokenSecret: string;
}

/** Where the key that checks clients' JWTs comes from: exactly one of these. */
export type TokenVerification =
  /** HS256 shared secret (AUTH_JWT_SECRET): development, or a single trusted issuer. */
  | { kind: 'secret'; secret: string }
  /** The issuer's JSON Web Key Set (AUTH_JWKS_URL), fetched and cached by jose. */
  | { kind: 'jwks'; url: string }
  /** One PEM (SPKI) public key (AUTH_JWT_PUBLIC_KEY) with its algorithm (AUTH_JWT_ALGORITHM). */
  | { kind: 'publicKey'; pem: string; algorithm: string };

export interface AuthConfig {
  verification: TokenVerification;
  /** Required `iss` of clients' tokens (AUTH_JWT_ISSUER). */
  issuer: string;
  /** Required `aud` of clients' tokens (AUTH_JWT_AUDIENCE). */
  audience: string;
}

const DEFAULT_PORTS: Record<string, number> = { province: 4001, bz: 4002, aks: 4003, wlmq: 4004 };
/** Only for development and tests; production refuses to start without IDENTITY_SECRET. */
const DEVELOPMENT_IDENTITY_SECRET = 'development-only-identity-secret-change-me';
/** Development defaults of the two token keys; production refuses to start without real ones. */
export const DEVELOPMENT_AUTH_JWT_SECRET = 'development-only-client-token-secret-change-me';
const DEVELOPMENT_INTERNAL_TOKEN_SECRET = 'development-only-internal-token-secret-change-me';
export const DEVELOPMENT_AUTH_ISSUER = 'xjzc-development';
export const DEFAULT_AUTH_AUDIENCE = 'xjzc-gateway';
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min = 1, max = 65_535): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.join(' or ')}`);
  }
  return raw;
}

/** The environment variable naming a service's setting, e.g. `BZ_DATABASE_URL`. */
export function serviceVariable(service: string, suffix: string): string {
  return `${service.toUpperCase()}_${suffix}`;
}

/** An HMAC key: at least 32 characters (256 bits of text), as RFC 7518 §3.2 asks of HS256 keys. */
function secret(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 32) throw new ConfigError(name, 'must be at least 32 characters long');
  return raw;
}

function loadAuth(env: Env, production: boolean): { auth: AuthConfig; internalTokenSecret: string } {
  const jwksUrl = url(env, 'AUTH_JWKS_URL', production ? ['https:'] : ['http:', 'https:']);
  const publicKey = env.AUTH_JWT_PUBLIC_KEY || undefined;
  const jwtSecret = secret(env, 'AUTH_JWT_SECRET');
  const given = [jwksUrl && 'AUTH_JWKS_URL', publicKey && 'AUTH_JWT_PUBLIC_KEY', jwtSecret && 'AUTH_JWT_SECRET'].filter(Boolean);
  if (given.length > 1) throw new ConfigError(given.join(' and '), 'are both set: set only one way to verify client tokens');
  if (given.length === 0 && production) {
    throw new ConfigError('AUTH_JWKS_URL', '(or AUTH_JWT_PUBLIC_KEY, or AUTH_JWT_SECRET) must be set in production: there is no default key there');
  }
  let verification: TokenVerification;
  if (jwksUrl) verification = { kind: 'jwks', url: jwksUrl };
  else if (publicKey) {
    if (!publicKey.includes('-----BEGIN PUBLIC KEY-----')) throw new ConfigError('AUTH_JWT_PUBLIC_KEY', 'must be a PEM (SPKI) public key, "-----BEGIN PUBLIC KEY-----…"');
    const algorithm = env.AUTH_JWT_ALGORITHM || 'RS256';
    if (!ASYMMETRIC_ALGORITHMS.includes(algorithm)) {
      throw new ConfigError('AUTH_JWT_ALGORITHM', `must be one of ${ASYMMETRIC_ALGORITHMS.join(', ')}, got "${algorithm}"`);
    }
    verification = { kind: 'publicKey', pem: publicKey.replace(/\\n/g, '\n'), algorithm };
  } else verification = { kind: 'secret', secret: jwtSecret ?? DEVELOPMENT_AUTH_JWT_SECRET };

  const issuer = env.AUTH_JWT_ISSUER || undefined;
  if (!issuer && production) throw new ConfigError('AUTH_JWT_ISSUER', 'must be set in production');

  const internalTokenSecret = secret(env, 'INTERNAL_TOKEN_SECRET');
  if (!internalTokenSecret && production) {
    throw new ConfigError('INTERNAL_TOKEN_SECRET', 'must be set in production (at least 32 characters), the same on the gateway and every subgraph');
  }
  if (internalTokenSecret && internalTokenSecret === jwtSecret) {
    // A client holding tokens of the shared secret could otherwise forge the gateway's own.
    throw new ConfigError('INTERNAL_TOKEN_SECRET', 'must differ from AUTH_JWT_SECRET');
  }
  return {
    auth: { verification, issuer: issuer ?? DEVELOPMENT_AUTH_ISSUER, audience: env.AUTH_JWT_AUDIENCE || DEFAULT_AUTH_AUDIENCE },
    internalTokenSecret: internalTokenSecret ?? DEVELOPMENT_INTERNAL_TOKEN_SECRET,
  };
}

export function loadConfig(env: Env = process.env, regions: readonly string[] = REGIONS.map((region) => region.code)): Config {
  const environmentRaw = env.NODE_ENV ?? 'development';
  if (!['development', 'test', 'production'].includes(environmentRaw)) {
    throw new ConfigError('NODE_ENV', `must be development, test or production, got "${environmentRaw}"`);
  }
  const environment = environmentRaw as Config['environment'];
  const services = ['province', ...regions];

  const servicePorts: Record<string, number> = {};
  const subgraphUrls: Record<string, string> = {};
  services.forEach((service, index) => {
    const port = integer(env, serviceVariable(service, 'PORT'), DEFAULT_PORTS[service] ?? 4001 + index, 0);
    servicePorts[service] = port;
    subgraphUrls[service] =
      url(env, serviceVariable(service, 'SUBGRAPH_URL'), ['http:', 'https:']) ?? `http://127.0.0.1:${port}/graphql`;
  });

  const regionDatabases: Record<string, RegionDatabase> = {};
  for (const region of regions) {
    const databaseUrl = url(env, serviceVariable(region, 'DATABASE_URL'), ['postgres:', 'postgresql:']);
    regionDatabases[region] = databaseUrl ? { kind: 'postgres', url: databaseUrl } : { kind: 'embedded' };
  }

  const identitySecret = env.IDENTITY_SECRET ?? '';
  if (identitySecret === '' && environment === 'production') {
    throw new ConfigError('IDENTITY_SECRET', 'must be set in production (at least 32 characters)');
  }
  if (identitySecret !== '' && identitySecret.length < 32) {
    throw new ConfigError('IDENTITY_SECRET', 'must be at least 32 characters long');
  }

  return {
    environment,
    logLevel: env.LOG_LEVEL ?? (environment === 'test' ? 'silent' : 'info'),
    logFile: env.LOG_FILE || null,
    listenHost: env.HOST || '127.0.0.1',
    gatewayPort: integer(env, 'PORT', 4000, 0),
    servicePorts,
    subgraphUrls,
    regionDatabases,
    provinceDatabaseUrl: url(env, 'PROVINCE_DATABASE_URL', ['postgres:', 'postgresql:']) ?? null,
    identitySecret: identitySecret || DEVELOPMENT_IDENTITY_SECRET,
    subgraphTimeoutMs: integer(env, 'SUBGRAPH_TIMEOUT_MS', 5_000, 1, 600_000),
    demoSeed: integer(env, 'DEMO_SEED', 20_240_707, 0, 2 ** 31 - 1),
    ...loadAuth(env, environment === 'production'),
  };
}
