/**
 * The whole system in one test process: province, every region and the gateway, each on its own
 * port, the regions on real PostgreSQL test databases. A test can stop one service, or make its
 * database unreachable, and see what clients get.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { REGIONS } from '../../domain/regions.js';
import { mintDevelopmentToken } from '../../gateway/developmentToken.js';
import { signInternalToken, type Role } from '../../platform/auth.js';
import { loadConfig, type Config } from '../../platform/config.js';
import { startNamedService, type StartedService } from '../../app/services.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestSystem {
  config: Config;
  gatewayUrl: string;
  databases: Record<string, TestDatabase>;
  /** The province's own database (the access log), migrated from prisma/province. */
  provinceDatabase: TestDatabase;
  services: Map<string, StartedService>;
  /** POSTs a GraphQL operation to the gateway and returns the parsed body. */
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLBody<T>>;
  /** Stops one service (as if it crashed); the others keep running. */
  stopService(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface GraphQLBody<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** Set by the log check (test/privacy): the folder every test system writes its logs into. */
export const LOG_CAPTURE_DIR_VARIABLE = 'XJZC_TEST_LOG_DIR';

export const TEST_IDENTITY_SECRET = 'test-identity-secret-0123456789abcdef';

export async function startTestSystem(options: {
  /** Fills the regions' databases before the services start. */
  seed?: (databases: Record<string, TestDatabase>) => Promise<void>;
  env?: Record<string, string>;
} = {}): Promise<TestSystem> {
  const databases: Record<string, TestDatabase> = {};
  for (const region of REGIONS) databases[region.code] = await createTestDatabase(region.code);
  const provinceDatabase = await createTestDatabase('province');
  await options.seed?.(databases);

  const env: Record<string, string> = {
    NODE_ENV: 'test',
    IDENTITY_SECRET: TEST_IDENTITY_SECRET,
    SUBGRAPH_TIMEOUT_MS: '3000',
    // The suites send bursts from one test token; the limits have a suite of their own
    // (test/e2e/rate-limits.test.ts), which sets them through `env`.
    RATE_LIMIT_PORTAL: '0',
    RATE_LIMIT_ANALYST: '0',
    RATE_LIMIT_DASHBOARD: '0',
    GATEWAY_MAX_CONCURRENT: '10000',
    ...Object.fromEntries(REGIONS.map((region) => [`${region.code.toUpperCase()}_DATABASE_URL`, databases[region.code]!.url])),
    PROVINCE_DATABASE_URL: provinceDatabase.url,
    ...options.env,
  };
  // Under the log check (test/privacy), every system logs at debug level into the check's folder.
  const captureDir = process.env[LOG_CAPTURE_DIR_VARIABLE];
  if (captureDir && !env.LOG_FILE) {
    env.LOG_FILE = path.join(captureDir, `system-${process.pid}-${randomUUID()}.log`);
    env.LOG_LEVEL ??= 'debug';
  }
  const config = loadConfig(env);
  const services = new Map<string, StartedService>();
  // The regions first: the province calls them itself for claims (subgraphs/province/regionCalls.ts)
  // and for the merged application list (subgraphs/province/mergedList.ts).
  for (const region of REGIONS) services.set(region.code, await startNamedService(region.code, config, 0));
  const regionUrls = Object.fromEntries([...services].map(([name, service]) => [name, service.url]));
  services.set('province', await startNamedService('province', { ...config, subgraphUrls: { ...config.subgraphUrls, ...regionUrls } }, 0));
  const subgraphUrls = Object.fromEntries([...services].map(([name, service]) => [name, service.url]));
  const gateway = await startNamedService('gateway', { ...config, subgraphUrls }, 0);
  services.set('gateway', gateway);

  return {
    config,
    gatewayUrl: gateway.url,
    databases,
    provinceDatabase,
    services,
    async query(query, variables, headers) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        // An analyst's token unless the test sends its own Authorization header (or an empty one).
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(await gatewayHeaders(undefined, options.env)), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLBody<never>;
    },
    async stopService(name) {
      await services.get(name)?.stop();
      services.delete(name);
    },
    async stop() {
      for (const service of [...services.values()].reverse()) await service.stop();
      services.clear();
      // A suite's own log file is usually deleted by the suite: the check keeps a copy.
      if (captureDir && env.LOG_FILE && path.dirname(env.LOG_FILE) !== captureDir && existsSync(env.LOG_FILE)) {
        copyFileSync(env.LOG_FILE, path.join(captureDir, `suite-${process.pid}-${randomUUID()}.log`));
      }
      for (const database of Object.values(databases)) await database.drop();
      await provinceDatabase.drop();
    },
  };
}

/** A caller of the gateway in tests: an analyst unless a test asks for another role. */
export type TestCaller = { role: Role; region?: string; subject?: string; /** @default '10m' */ expiresIn?: string | number };

const testConfig = (env: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'test', ...env });

/**
 * Headers a test needs to call a subgraph directly, as the gateway would: the gateway's own
 * short-lived token (platform/auth.ts), signed with the configured INTERNAL_TOKEN_SECRET.
 */
export async function subgraphHeaders(caller: TestCaller = { role: 'analyst' }, env?: Record<string, string>): Promise<Record<string, string>> {
  const principal = { role: caller.role, region: caller.region ?? null, subject: caller.subject ?? `test-${caller.role}` };
  return { authorization: `Bearer ${await signInternalToken(principal, testConfig(env).internalTokenSecret)}` };
}

/**
 * Headers every client request to the gateway needs: a development token of the given role (an
 * analyst by default, who may read every region, blind), signed with the test configuration's key.
 */
export async function gatewayHeaders(caller: TestCaller = { role: 'analyst' }, env?: Record<string, string>): Promise<Record<string, string>> {
  const token = await mintDevelopmentToken(testConfig(env).auth, {
    role: caller.role,
    ...(caller.region ? { region: caller.region } : {}),
    subject: caller.subject ?? `test-${caller.role}`,
    expiresIn: caller.expiresIn ?? '10m',
  });
  return { authorization: `Bearer ${token}` };
}
