/**
 * Ready means ready. A subgraph is ready when its database answered and its first query paths ran
 * (warm); the gateway when its supergraph is loaded and it has reached every subgraph once, and
 * /ready lists each subgraph's state. A region that goes down afterwards is reported but keeps the
 * gateway in rotation, and the other regions keep answering. `npm start` (the production build)
 * prints "ready" only when the first check after it is answered by every region.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGIONS } from '../../domain/regions.js';
import { createGatewayService } from '../../gateway/server.js';
import { loadConfig } from '../../platform/config.js';
import { startService } from '../../platform/http.js';
import { createLogger } from '../../platform/logger.js';
import { startNamedService } from '../../app/services.js';
import { shippedManifest } from '../../platform/operationManifest.js';
import { insertBzPerson } from '../fixtures/portalRows.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { scrape } from '../helpers/prometheus.js';
import { gatewayHeaders, startTestSystem, TEST_IDENTITY_SECRET, type TestSystem } from '../helpers/system.js';

const ONLY_IN_BZ = '650104198808081236';
const CHECK = shippedManifest().operations.find((operation) => operation.name === 'AnnualReviewCheck')!;

interface ReadyBody {
  ready: boolean;
  checks: Record<string, string>;
  subgraphs?: Record<string, string>;
}

async function ready(graphqlUrl: string): Promise<{ status: number; body: ReadyBody }> {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/ready'));
  return { status: response.status, body: (await response.json()) as ReadyBody };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function check(gatewayUrl: string, headers: Record<string, string>) {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: CHECK.body, operationName: CHECK.name, variables: { idNumber: ONLY_IN_BZ, year: 2024 } }),
  });
  return (await response.json()) as {
    data?: { person: { annualReview: { verdict: string; complete: boolean; missingRegions: string[] } } };
    errors?: Array<{ extensions?: Record<string, unknown> }>;
  };
}

describe('the gateway and subgraphs of a running system', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      seed: async (databases) => {
        await insertBzPerson(databases.bz!.sql, { xm: '赵测试', sfzh: ONLY_IN_BZ }, [{ sbnd: 2024, pslb: '评审', zt: 3 }]);
      },
    });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('has every subgraph report itself warm and ready', async () => {
    for (const name of ['province', ...REGIONS.map((region) => region.code)]) {
      const { status, body } = await ready(system.services.get(name)!.url);
      expect(status, name).toBe(200);
      expect(body.checks.warm, name).toBe('ok');
    }
  });

  it('lists every subgraph in the gateway /ready, and stays ready with a region down, reporting it', async () => {
    await expect.poll(async () => (await ready(system.gatewayUrl)).body.subgraphs, { timeout: 10_000 }).toEqual({ aks: 'ok', bz: 'ok', province: 'ok', wlmq: 'ok' });
    expect((await ready(system.gatewayUrl)).status).toBe(200);

    await system.stopService('wlmq');
    await expect.poll(async () => (await ready(system.gatewayUrl)).body.subgraphs?.wlmq, { timeout: 15_000 }).toBe('unreachable');
    const { status, body } = await ready(system.gatewayUrl);
    expect(status).toBe(200);
    expect(body.ready).toBe(true);
    expect(body.subgraphs).toMatchObject({ province: 'ok', bz: 'ok', aks: 'ok' });

    // The other regions still answer; the missing one is named, never CLEAR.
    const answer = await check(system.gatewayUrl, await gatewayHeaders({ role: 'portal', region: 'bz' }));
    expect(answer.data!.person.annualReview).toMatchObject({ verdict: 'ALREADY_APPLIED', complete: false, missingRegions: ['wlmq'] });
  });
});

describe('readiness before everything answers', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('bz');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('keeps the gateway out of rotation until it has reached every subgraph, then for at most its grace time', async () => {
    const config = loadConfig({ NODE_ENV: 'test', IDENTITY_SECRET: TEST_IDENTITY_SECRET, BZ_DATABASE_URL: database.url });
    const bz = await startNamedService('bz', config, 0);
    const nobody = `http://127.0.0.1:${await freePort()}/graphql`;
    const gateway = createGatewayService({
      subgraphUrls: { ...config.subgraphUrls, bz: bz.url, province: nobody, aks: nobody, wlmq: nobody },
      timeoutMs: 1_000,
      log: createLogger({ service: 'gateway', level: 'silent' }),
      auth: config.auth,
      internalTokenSecret: config.internalTokenSecret,
      regions: REGIONS.map((region) => region.code),
      readiness: { graceMs: 2_000, startingIntervalMs: 100 },
    });
    const running = await startService(gateway, 0);
    try {
      await expect.poll(async () => (await ready(running.url)).body.subgraphs?.bz, { timeout: 5_000 }).toBe('ok');
      const before = await ready(running.url);
      expect(before.status).toBe(503);
      expect(before.body.checks.supergraph).toBe('ok');
      expect(before.body.subgraphs).toEqual({ aks: 'unreachable', bz: 'ok', province: 'unreachable', wlmq: 'unreachable' });
      // After the grace time it takes traffic without them, still naming them.
      await expect.poll(async () => (await ready(running.url)).status, { timeout: 5_000 }).toBe(200);
      expect((await ready(running.url)).body.subgraphs?.province).toBe('unreachable');
    } finally {
      await running.stop();
      await gateway.close();
      await bz.stop();
    }
  });

  it('keeps a region out of rotation while its database does not answer at start', async () => {
    const closed = `postgres://postgres@127.0.0.1:${await freePort()}/nothing`;
    const config = loadConfig({ NODE_ENV: 'test', IDENTITY_SECRET: TEST_IDENTITY_SECRET, BZ_DATABASE_URL: closed });
    const bz = await startNamedService('bz', config, 0);
    try {
      const { status, body } = await ready(bz.url);
      expect(status).toBe(503);
      expect(body.checks.warm).toBe('not yet');
      const health = await fetch(bz.url.replace(/\/graphql$/, '/health'));
      expect(health.status).toBe(200);
    } finally {
      await bz.stop();
    }
  });
});

describe('npm start', () => {
  const databases: Record<string, TestDatabase> = {};
  beforeAll(async () => {
    for (const region of REGIONS) databases[region.code] = await createTestDatabase(region.code);
    databases.province = await createTestDatabase('province');
    await insertBzPerson(databases.bz!.sql, { xm: '赵测试', sfzh: ONLY_IN_BZ }, [{ sbnd: 2024, pslb: '评审', zt: 3 }]);
  });
  afterAll(async () => {
    for (const database of Object.values(databases)) await database.drop();
  });

  it('prints "ready" only when the first check after it is answered by every region', async () => {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      IDENTITY_SECRET: TEST_IDENTITY_SECRET,
      PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
      PROVINCE_DATABASE_URL: databases.province!.url,
    };
    for (const service of ['province', ...REGIONS.map((region) => region.code)]) {
      const variable = service.toUpperCase();
      env[`${variable}_PORT`] = String(await freePort());
      env[`${variable}_METRICS_PORT`] = String(await freePort());
      if (service !== 'province') env[`${variable}_DATABASE_URL`] = databases[service]!.url;
    }
    // The production build, as `npm start` runs it: compiled JavaScript, no tsx.
    execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url))], { stdio: 'ignore' });
    const start = fileURLToPath(new URL('../../dist/scripts/start.js', import.meta.url));
    const child = spawn(process.execPath, [start], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const readyLine = new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (/^ready\b/m.test(output)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before ready:\n${output.slice(-3000)}`)));
    });
    try {
      await readyLine;
      const answer = await check(`http://127.0.0.1:${env.PORT}/graphql`, await gatewayHeaders({ role: 'portal', region: 'bz' }));
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.person.annualReview).toMatchObject({ verdict: 'ALREADY_APPLIED', complete: true, missingRegions: [] });
      // SIGHUP to `npm start` reloads its gateway's supergraph (here the same file: unchanged) and stops nothing.
      child.kill('SIGHUP');
      const reloads = async () => (await scrape(`http://127.0.0.1:${env.METRICS_PORT}/metrics`)).sum('xjzc_supergraph_reloads_total', { outcome: 'unchanged' });
      await expect.poll(reloads, { timeout: 15_000 }).toBe(1);
      expect(child.exitCode).toBeNull();
      expect((await check(`http://127.0.0.1:${env.PORT}/graphql`, await gatewayHeaders({ role: 'portal', region: 'bz' }))).data!.person.annualReview.complete).toBe(true);
    } finally {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
  }, 180_000);
});
