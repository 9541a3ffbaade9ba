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
}

const DEFAULT_PORTS: Record<string, number> = { province: 4001, bz: 4002, aks: 4003, wlmq: 4004 };
/** Only for development and tests; production refuses to start without IDENTITY_SECRET. */
const DEVELOPMENT_IDENTITY_SECRET = 'development-only-identity-secret-change-me';

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
    gatewayPort: integer(env, 'PORT', 4000, 0),
    servicePorts,
    subgraphUrls,
    regionDatabases,
    provinceDatabaseUrl: url(env, 'PROVINCE_DATABASE_URL', ['postgres:', 'postgresql:']) ?? null,
    identitySecret: identitySecret || DEVELOPMENT_IDENTITY_SECRET,
    subgraphTimeoutMs: integer(env, 'SUBGRAPH_TIMEOUT_MS', 5_000, 1, 600_000),
    demoSeed: integer(env, 'DEMO_SEED', 20_240_707, 0, 2 ** 31 - 1),
  };
}
