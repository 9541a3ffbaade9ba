/**
 * Configuration, read once from the environment into one typed object and validated at start
 * with zod: a bad value stops the process with a message naming the variable. Nothing else reads
 * process.env.
 *
 * Adding a variable: declare it in `variables` (its type, range and message), check it against
 * others in `crossChecks` if it depends on them, and give it a field in `Config`, filled in
 * `loadConfig`.
 */
import { z } from 'zod';
import { REGIONS } from '../domain/regions.js';

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type RegionDatabase =
  | { kind: 'postgres'; url: string }
  /** In-process PGlite, migrated and filled with demo data at start (the newcomer's default). */
  | { kind: 'embedded' };

export interface Config {
  environment: 'development' | 'test' | 'production';
  /** pino's level (LOG_LEVEL): silent in tests, info elsewhere. */
  logLevel: LogLevel;
  /** Append logs to this file instead of stdout (LOG_FILE); null for stdout. */
  logFile: string | null;
  /** Address every service listens on (HOST): 127.0.0.1 by default, 0.0.0.0 in containers. */
  listenHost: string;
  /** Gateway HTTP port (PORT), default 4000. */
  gatewayPort: number;
  /** Ports of the subgraphs when started by this project, keyed by service name. */
  servicePorts: Record<string, number>;
  /**
   * Port of each service's Prometheus listener (METRICS_PORT for the gateway,
   * <SERVICE>_METRICS_PORT for the subgraphs), keyed by service name including `gateway`: apart
   * from the API port, so a load balancer in front of the API never exposes it.
   */
  metricsPorts: Record<string, number>;
  /**
   * TRUSTED_DOCUMENTS: whether portals and dashboards may send only the shipped operations
   * (gateway/trustedDocuments.ts): `enforce`, `log` (the rollout mode, the default) or `off`.
   */
  trustedDocuments: 'enforce' | 'log' | 'off';
  /** Subgraph URLs the gateway calls, keyed by service name (`province`, `bz`, …). */
  subgraphUrls: Record<string, string>;
  /**
   * The supergraph file the gateway serves and reloads on SIGHUP (SUPERGRAPH_FILE); null for the
   * shipped schema/supergraph.graphql.
   */
  supergraphFile: string | null;
  /** Whether the gateway also reloads the supergraph when its file changes (SUPERGRAPH_WATCH, default true). */
  watchSupergraph: boolean;
  /** Per-region portal database, keyed by region code. */
  regionDatabases: Record<string, RegionDatabase>;
  /** Province-owned database (access log); null on the embedded default. */
  provinceDatabaseUrl: string | null;
  /** Secret behind Person.key (HMAC) and the sealed person reference the regions open. */
  identitySecret: string;
  /** Timeout of one gateway → subgraph request of an analyst's or a dashboard's operation, ms. */
  subgraphTimeoutMs: number;
  /** Timeout of one gateway → subgraph request of a portal's operation (the duplicate check), ms. */
  portalSubgraphTimeoutMs: number;
  /** Per-subgraph circuit breaker of the gateway (gateway/circuitBreaker.ts). */
  circuitBreaker: CircuitBreakerConfig;
  /**
   * How long the province looks in its database for an access-log entry another of its processes
   * is writing, before it calls the receipt unconfirmed (subgraphs/province/accessReceipts.ts), ms.
   */
  accessLogConfirmWithinMs: number;
  /** How long a stopping service waits for in-flight requests (SIGTERM, SIGINT), ms. */
  shutdownGraceMs: number;
  /** Pool limits and timeouts of every connection to a PostgreSQL server. */
  databasePool: DatabasePoolConfig;
  /**
   * Where the embedded province database keeps its files (the access log), so that it survives a
   * restart or a kill; null keeps it in memory (tests, or PROVINCE_DATA_DIR=memory). Unused with
   * PROVINCE_DATABASE_URL.
   */
  provinceDataDir: string | null;
  /**
   * Where the embedded portal databases are prepared once (migrated, filled with demo data) and
   * copied from at each start (platform/database/preparedEmbedded.ts); null builds each in memory
   * at every start (tests, or EMBEDDED_DATA_DIR=memory). Unused for a region with a DATABASE_URL.
   */
  embeddedDataDir: string | null;
  /** Seed of the demo-data generator on the embedded default. */
  demoSeed: number;
  /** How the gateway verifies clients' bearer tokens (platform/auth.ts). */
  auth: AuthConfig;
  /** Key of the short-lived token the gateway signs for the subgraphs (INTERNAL_TOKEN_SECRET). */
  internalTokenSecret: string;
  /**
   * How long a HELD annual-review claim lasts unless confirmed, seconds
   * (ANNUAL_REVIEW_CLAIM_TTL_SECONDS). 72 hours by default: the notices give 48 hours to correct a
   * returned application, and a claim must outlive that.
   */
  annualReviewClaimTtlSeconds: number;
  /** The gateway's rate limits per principal and its admission by priority (gateway/admission.ts). */
  admission: AdmissionConfig;
  /**
   * Longest a region reuses one statistics count, seconds (STATISTICS_MAX_AGE_SECONDS, default 30;
   * 0: count for every request, still one count for identical requests in flight).
   */
  statisticsMaxAgeSeconds: number;
  /**
   * Where each service sends its traces by OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT, e.g. an
   * OpenTelemetry Collector's `http://127.0.0.1:4318`; spans go to `<endpoint>/v1/traces`); null:
   * tracing off, nothing recorded or sent (platform/tracing.ts).
   */
  otlpEndpoint: string | null;
}

export interface AdmissionConfig {
  /** The rate limits' window, seconds (RATE_LIMIT_WINDOW_SECONDS). */
  windowSeconds: number;
  /**
   * Points one principal (token subject, within its role) may spend per window: one per root
   * field of an operation, aliases counted (RATE_LIMIT_PORTAL, RATE_LIMIT_ANALYST,
   * RATE_LIMIT_DASHBOARD). 0: no limit for that role.
   */
  pointsPerRole: Record<'analyst' | 'portal' | 'dashboard', number>;
  /** Operations running at once in the gateway (GATEWAY_MAX_CONCURRENT). */
  maxConcurrent: number;
  /** Of those, slots only portals may use (GATEWAY_RESERVED_FOR_PORTALS). */
  reservedForPortals: number;
  /** Portal operations that may wait for a slot (GATEWAY_PORTAL_QUEUE). */
  portalQueueLimit: number;
  /** How long one may wait before it is answered OVERLOADED, ms (GATEWAY_PORTAL_QUEUE_TIMEOUT_MS). */
  portalQueueTimeoutMs: number;
}

export interface CircuitBreakerConfig {
  /** Failed calls (timeouts, refused or reset connections) within the window that open the circuit. */
  failureThreshold: number;
  /** Rolling window the failures are counted in, ms. */
  windowMs: number;
  /** How long the circuit stays open before one call probes the subgraph again, ms. */
  openMs: number;
}

export interface DatabasePoolConfig {
  /** Most connections a service opens to one database. */
  max: number;
  /** How long a query waits for a connection (opening one, or a free one from a full pool), ms. */
  connectionTimeoutMs: number;
  /** How long one query may run before it fails, ms. */
  queryTimeoutMs: number;
  /** After a connection failed to open, how long new ones fail at once before one tries again, ms. */
  connectRetryMs: number;
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

/** Prometheus listeners: 9400 for the gateway, then 9401… in the order of the subgraphs' ports. */
const DEFAULT_METRICS_PORT = 9400;
/** 72 hours (issue 13). */
export const DEFAULT_ANNUAL_REVIEW_CLAIM_TTL_SECONDS = 259_200;
/** Only for development and tests; production refuses to start without IDENTITY_SECRET. */
const DEVELOPMENT_IDENTITY_SECRET = 'development-only-identity-secret-change-me';
/** Development defaults of the two token keys; production refuses to start without real ones. */
export const DEVELOPMENT_AUTH_JWT_SECRET = 'development-only-client-token-secret-change-me';
const DEVELOPMENT_INTERNAL_TOKEN_SECRET = 'development-only-internal-token-secret-change-me';
export const DEVELOPMENT_AUTH_ISSUER = 'xjzc-development';
export const DEFAULT_AUTH_AUDIENCE = 'xjzc-gateway';
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
/** Variables whose value never appears in an error message. */
const SECRET_VARIABLES = new Set(['IDENTITY_SECRET', 'AUTH_JWT_SECRET', 'INTERNAL_TOKEN_SECRET', 'AUTH_JWT_PUBLIC_KEY']);

type Env = Readonly<Record<string, string | undefined>>;

/** The environment variable naming a service's setting, e.g. `BZ_DATABASE_URL`. */
export function serviceVariable(service: string, suffix: string): string {
  return `${service.toUpperCase()}_${suffix}`;
}

function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

function urlOf(protocols: readonly string[]) {
  const names = protocols.map((protocol) => `${protocol}:`).join(' or ');
  return z.url({ protocol: new RegExp(`^(${protocols.join('|')})$`), error: `must be a valid URL starting with ${names}` });
}

/** An HMAC key: at least 32 characters (256 bits of text), as RFC 7518 §3.2 asks of HS256 keys. */
const hmacKey = z.string().min(32, { error: 'must be at least 32 characters long' });

/** Every variable the services read but the per-service ones, with what a valid value is. Unset and empty are the same. */
const variables = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production'], { error: 'must be development, test or production' }).default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
  LOG_FILE: z.string().optional(),
  HOST: z.string().default('127.0.0.1'),
  PORT: wholeNumber(0, 65_535).default(4000),
  METRICS_PORT: wholeNumber(0, 65_535).default(DEFAULT_METRICS_PORT),
  TRUSTED_DOCUMENTS: z.enum(['enforce', 'log', 'off'], { error: 'must be enforce, log or off' }).default('log'),
  SUPERGRAPH_FILE: z.string().optional(),
  SUPERGRAPH_WATCH: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  PROVINCE_DATABASE_URL: urlOf(['postgres', 'postgresql']).optional(),
  IDENTITY_SECRET: hmacKey.optional(),
  SUBGRAPH_TIMEOUT_MS: wholeNumber(1, 600_000).default(5_000),
  PORTAL_SUBGRAPH_TIMEOUT_MS: wholeNumber(1, 600_000).default(1_500),
  ACCESS_LOG_CONFIRM_WITHIN_MS: wholeNumber(1, 10_000).default(1_000),
  CIRCUIT_FAILURE_THRESHOLD: wholeNumber(1, 100_000).default(5),
  CIRCUIT_WINDOW_MS: wholeNumber(100, 3_600_000).default(10_000),
  CIRCUIT_OPEN_MS: wholeNumber(10, 3_600_000).default(5_000),
  SHUTDOWN_GRACE_MS: wholeNumber(0, 600_000).default(10_000),
  DATABASE_POOL_MAX: wholeNumber(1, 1_000).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: wholeNumber(1, 600_000).default(1_000),
  DATABASE_QUERY_TIMEOUT_MS: wholeNumber(1, 3_600_000).default(10_000),
  DATABASE_CONNECT_RETRY_MS: wholeNumber(0, 600_000).default(1_000),
  PROVINCE_DATA_DIR: z.string().optional(),
  EMBEDDED_DATA_DIR: z.string().optional(),
  DEMO_SEED: wholeNumber(0, 2 ** 31 - 1).default(20_240_707),
  // At most a year: a hold is for one review year, and a longer one would never lapse in practice.
  ANNUAL_REVIEW_CLAIM_TTL_SECONDS: wholeNumber(1, 366 * 24 * 3600).default(DEFAULT_ANNUAL_REVIEW_CLAIM_TTL_SECONDS),
  AUTH_JWKS_URL: urlOf(['http', 'https']).optional(),
  AUTH_JWT_PUBLIC_KEY: z.string().includes('-----BEGIN PUBLIC KEY-----', { error: 'must be a PEM (SPKI) public key, "-----BEGIN PUBLIC KEY-----…"' }).optional(),
  AUTH_JWT_ALGORITHM: z.enum(ASYMMETRIC_ALGORITHMS, { error: `must be one of ${ASYMMETRIC_ALGORITHMS.join(', ')}` }).default('RS256'),
  AUTH_JWT_SECRET: hmacKey.optional(),
  AUTH_JWT_ISSUER: z.string().optional(),
  AUTH_JWT_AUDIENCE: z.string().default(DEFAULT_AUTH_AUDIENCE),
  INTERNAL_TOKEN_SECRET: hmacKey.optional(),
  RATE_LIMIT_WINDOW_SECONDS: wholeNumber(1, 3_600).default(60),
  // A portal (one subject for a whole prefecture's submissions): 1,000 root fields a second over a
  // minute, a guard against a runaway loop rather than a quota; an analyst's script 10.
  RATE_LIMIT_PORTAL: wholeNumber(0, 100_000_000).default(60_000),
  RATE_LIMIT_ANALYST: wholeNumber(0, 100_000_000).default(600),
  RATE_LIMIT_DASHBOARD: wholeNumber(0, 100_000_000).default(600),
  GATEWAY_MAX_CONCURRENT: wholeNumber(1, 100_000).default(64),
  GATEWAY_RESERVED_FOR_PORTALS: wholeNumber(0, 100_000).default(16),
  GATEWAY_PORTAL_QUEUE: wholeNumber(0, 1_000_000).default(512),
  GATEWAY_PORTAL_QUEUE_TIMEOUT_MS: wholeNumber(1, 600_000).default(5_000),
  // A dashboard's figures may be this old (subgraphs/template/statisticsCache.ts); an hour at most.
  STATISTICS_MAX_AGE_SECONDS: wholeNumber(0, 3_600).default(30),
  OTEL_EXPORTER_OTLP_ENDPOINT: urlOf(['http', 'https']).optional(),
});

/** One variable per service (or region) with the same rule, e.g. BZ_PORT, AKS_PORT, … */
function perService<T extends z.ZodType>(services: readonly string[], suffix: string, rule: T) {
  return z.object(Object.fromEntries(services.map((service) => [serviceVariable(service, suffix), rule.optional()])));
}

type Variables = z.output<typeof variables>;

/** Rules between variables: what production requires, and what may not be set together. */
function crossChecks(env: Variables, context: z.RefinementCtx): void {
  const fail = (variable: string, message: string) => context.addIssue({ code: 'custom', path: [variable], message });
  const production = env.NODE_ENV === 'production';
  const given = (['AUTH_JWKS_URL', 'AUTH_JWT_PUBLIC_KEY', 'AUTH_JWT_SECRET'] as const).filter((name) => env[name] !== undefined);
  if (given.length > 1) fail(given.join(' and '), 'are both set: set only one way to verify client tokens');
  // A client holding tokens of the shared secret could otherwise forge the gateway's own.
  if (env.INTERNAL_TOKEN_SECRET !== undefined && env.INTERNAL_TOKEN_SECRET === env.AUTH_JWT_SECRET) {
    fail('INTERNAL_TOKEN_SECRET', 'must differ from AUTH_JWT_SECRET');
  }
  // Analysts and dashboards need at least one slot of their own.
  if (env.GATEWAY_RESERVED_FOR_PORTALS >= env.GATEWAY_MAX_CONCURRENT) {
    fail('GATEWAY_RESERVED_FOR_PORTALS', `must be less than GATEWAY_MAX_CONCURRENT (${env.GATEWAY_MAX_CONCURRENT})`);
  }
  if (!production) return;
  if (given.length === 0) fail('AUTH_JWKS_URL', '(or AUTH_JWT_PUBLIC_KEY, or AUTH_JWT_SECRET) must be set in production: there is no default key there');
  if (env.AUTH_JWKS_URL?.startsWith('http:')) fail('AUTH_JWKS_URL', 'must start with https: in production');
  if (!env.AUTH_JWT_ISSUER) fail('AUTH_JWT_ISSUER', 'must be set in production');
  if (!env.IDENTITY_SECRET) fail('IDENTITY_SECRET', 'must be set in production (at least 32 characters)');
  if (!env.INTERNAL_TOKEN_SECRET) {
    fail('INTERNAL_TOKEN_SECRET', 'must be set in production (at least 32 characters), the same on the gateway and every subgraph');
  }
}

/** The first problem, naming its variable and (unless it is a secret) the value given. */
function configError(error: z.ZodError, env: Env): ConfigError {
  const issue = error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const raw = env[variable];
  const shown = raw !== undefined && !SECRET_VARIABLES.has(variable) ? `, got "${raw.slice(0, 200)}"` : '';
  return new ConfigError(variable, `${issue.message}${shown}`);
}

function verification(env: Variables): TokenVerification {
  if (env.AUTH_JWKS_URL) return { kind: 'jwks', url: env.AUTH_JWKS_URL };
  if (env.AUTH_JWT_PUBLIC_KEY) {
    // A PEM in one environment line arrives with its newlines escaped.
    return { kind: 'publicKey', pem: env.AUTH_JWT_PUBLIC_KEY.replace(/\\n/g, '\n'), algorithm: env.AUTH_JWT_ALGORITHM };
  }
  return { kind: 'secret', secret: env.AUTH_JWT_SECRET ?? DEVELOPMENT_AUTH_JWT_SECRET };
}

/** The embedded province database's folder: .data/province unless in tests or set to `memory`. */
function provinceDataDir(env: Variables): string | null {
  if (env.PROVINCE_DATA_DIR === 'memory') return null;
  return env.PROVINCE_DATA_DIR ?? (env.NODE_ENV === 'test' ? null : '.data/province');
}

/** The embedded portal databases' templates: .data/embedded unless in tests or set to `memory`. */
function embeddedDataDir(env: Variables): string | null {
  if (env.EMBEDDED_DATA_DIR === 'memory') return null;
  return env.EMBEDDED_DATA_DIR ?? (env.NODE_ENV === 'test' ? null : '.data/embedded');
}

export function loadConfig(env: Env = process.env, regions: readonly string[] = REGIONS.map((region) => region.code)): Config {
  const services = ['province', ...regions];
  // Compose and shells pass an unset variable as `NAME=`: empty means unset.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parse = <T extends z.ZodType>(schema: T): z.output<T> => {
    const parsed = schema.safeParse(given);
    if (!parsed.success) throw configError(parsed.error, env);
    return parsed.data;
  };
  const values = parse(variables.superRefine(crossChecks));
  const ports = parse(perService(services, 'PORT', wholeNumber(0, 65_535)));
  const metricsPortValues = parse(perService(services, 'METRICS_PORT', wholeNumber(0, 65_535)));
  const urls = parse(perService(services, 'SUBGRAPH_URL', urlOf(['http', 'https'])));
  const databases = parse(perService(regions, 'DATABASE_URL', urlOf(['postgres', 'postgresql'])));

  const servicePorts: Record<string, number> = {};
  const subgraphUrls: Record<string, string> = {};
  const metricsPorts: Record<string, number> = { gateway: values.METRICS_PORT };
  services.forEach((service, index) => {
    // province on 4001, then each region in registry order: bz 4002, aks 4003, wlmq 4004.
    const port = ports[serviceVariable(service, 'PORT')] ?? 4001 + index;
    servicePorts[service] = port;
    metricsPorts[service] = metricsPortValues[serviceVariable(service, 'METRICS_PORT')] ?? DEFAULT_METRICS_PORT + 1 + index;
    subgraphUrls[service] = urls[serviceVariable(service, 'SUBGRAPH_URL')] ?? `http://127.0.0.1:${port}/graphql`;
  });
  const regionDatabases: Record<string, RegionDatabase> = {};
  for (const region of regions) {
    const url = databases[serviceVariable(region, 'DATABASE_URL')];
    regionDatabases[region] = url ? { kind: 'postgres', url } : { kind: 'embedded' };
  }

  return {
    environment: values.NODE_ENV,
    logLevel: values.LOG_LEVEL ?? (values.NODE_ENV === 'test' ? 'silent' : 'info'),
    logFile: values.LOG_FILE ?? null,
    listenHost: values.HOST,
    gatewayPort: values.PORT,
    servicePorts,
    metricsPorts,
    trustedDocuments: values.TRUSTED_DOCUMENTS,
    subgraphUrls,
    supergraphFile: values.SUPERGRAPH_FILE ?? null,
    watchSupergraph: values.SUPERGRAPH_WATCH === 'true',
    regionDatabases,
    provinceDatabaseUrl: values.PROVINCE_DATABASE_URL ?? null,
    identitySecret: values.IDENTITY_SECRET ?? DEVELOPMENT_IDENTITY_SECRET,
    subgraphTimeoutMs: values.SUBGRAPH_TIMEOUT_MS,
    portalSubgraphTimeoutMs: values.PORTAL_SUBGRAPH_TIMEOUT_MS,
    accessLogConfirmWithinMs: values.ACCESS_LOG_CONFIRM_WITHIN_MS,
    circuitBreaker: {
      failureThreshold: values.CIRCUIT_FAILURE_THRESHOLD,
      windowMs: values.CIRCUIT_WINDOW_MS,
      openMs: values.CIRCUIT_OPEN_MS,
    },
    shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
    databasePool: {
      max: values.DATABASE_POOL_MAX,
      connectionTimeoutMs: values.DATABASE_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: values.DATABASE_QUERY_TIMEOUT_MS,
      connectRetryMs: values.DATABASE_CONNECT_RETRY_MS,
    },
    provinceDataDir: provinceDataDir(values),
    embeddedDataDir: embeddedDataDir(values),
    demoSeed: values.DEMO_SEED,
    annualReviewClaimTtlSeconds: values.ANNUAL_REVIEW_CLAIM_TTL_SECONDS,
    auth: {
      verification: verification(values),
      issuer: values.AUTH_JWT_ISSUER ?? DEVELOPMENT_AUTH_ISSUER,
      audience: values.AUTH_JWT_AUDIENCE,
    },
    internalTokenSecret: values.INTERNAL_TOKEN_SECRET ?? DEVELOPMENT_INTERNAL_TOKEN_SECRET,
    admission: {
      windowSeconds: values.RATE_LIMIT_WINDOW_SECONDS,
      pointsPerRole: { portal: values.RATE_LIMIT_PORTAL, analyst: values.RATE_LIMIT_ANALYST, dashboard: values.RATE_LIMIT_DASHBOARD },
      maxConcurrent: values.GATEWAY_MAX_CONCURRENT,
      reservedForPortals: values.GATEWAY_RESERVED_FOR_PORTALS,
      portalQueueLimit: values.GATEWAY_PORTAL_QUEUE,
      portalQueueTimeoutMs: values.GATEWAY_PORTAL_QUEUE_TIMEOUT_MS,
    },
    statisticsMaxAgeSeconds: values.STATISTICS_MAX_AGE_SECONDS,
    otlpEndpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
  };
}
