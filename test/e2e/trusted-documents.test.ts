/**
 * Trusted documents: with TRUSTED_DOCUMENTS=enforce a portal or dashboard may send only the
 * operations of the shipped manifest (by hash, as Apollo's persisted queries, or by their text),
 * and only those of its own role; analysts keep ad-hoc queries. In the rollout mode (`log`) the same
 * operation goes through and is logged by hash, never by its text.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGIONS } from '../../domain/regions.js';
import { createGatewayService } from '../../gateway/server.js';
import { startService, type RunningService } from '../../platform/http.js';
import { createLogger } from '../../platform/logger.js';
import { ServiceMetrics } from '../../platform/metrics.js';
import { shippedManifest } from '../../platform/operationManifest.js';
import { insertBzPerson } from '../fixtures/portalRows.js';
import { gatewayHeaders, startTestSystem, type TestSystem } from '../helpers/system.js';

const ONLY_IN_BZ = '650104198808081236';
const CHECK = shippedManifest().operations.find((operation) => operation.name === 'AnnualReviewCheck')!;
const STATISTICS = shippedManifest().operations.find((operation) => operation.name === 'RegionStatistics')!;
const AD_HOC = `{ person(idNumber: "${ONLY_IN_BZ}") { idNumberMasked records { region found } } }`;

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

async function send(url: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const byHash = (id: string, variables: Record<string, unknown>) => ({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } });

describe('TRUSTED_DOCUMENTS=enforce', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      env: { TRUSTED_DOCUMENTS: 'enforce' },
      seed: async (databases) => {
        await insertBzPerson(databases.bz!.sql, { xm: '赵测试', sfzh: ONLY_IN_BZ }, [{ sbnd: 2024, pslb: '评审', zt: 3 }]);
      },
    });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('answers a portal that sends a manifest operation by its hash alone', async () => {
    const { status, body } = await send(system.gatewayUrl, byHash(CHECK.id, { idNumber: ONLY_IN_BZ, year: 2024 }), await gatewayHeaders({ role: 'portal', region: 'bz' }));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({ person: { annualReview: { verdict: 'ALREADY_APPLIED', complete: true } } });
  });

  it('answers a portal that sends the manifest text, and a dashboard its own operation', async () => {
    const portal = await send(system.gatewayUrl, { query: CHECK.body, variables: { idNumber: ONLY_IN_BZ, year: 2024 } }, await gatewayHeaders({ role: 'portal', region: 'bz' }));
    expect(portal.body.errors).toBeUndefined();
    const dashboard = await send(system.gatewayUrl, byHash(STATISTICS.id, { year: 2024, groupBy: ['LEVEL'] }), await gatewayHeaders({ role: 'dashboard' }));
    expect(dashboard.body.errors).toBeUndefined();
    expect((dashboard.body.data!.regions as unknown[]).length).toBe(REGIONS.length);
  });

  it('refuses a portal ad-hoc query with 403 OPERATION_NOT_TRUSTED and no data', async () => {
    const { status, body } = await send(system.gatewayUrl, { query: AD_HOC }, await gatewayHeaders({ role: 'portal', region: 'bz' }));
    expect(status).toBe(403);
    expect(body.data ?? null).toBeNull();
    expect(body.errors![0]!.extensions!.code).toBe('OPERATION_NOT_TRUSTED');
    expect(JSON.stringify(body)).not.toContain(ONLY_IN_BZ);
  });

  it("refuses a dashboard sending a portal's operation", async () => {
    const { status, body } = await send(system.gatewayUrl, byHash(CHECK.id, { idNumber: ONLY_IN_BZ, year: 2024 }), await gatewayHeaders({ role: 'dashboard' }));
    expect(status).toBe(403);
    expect(body.errors![0]!.extensions!.code).toBe('OPERATION_NOT_TRUSTED');
  });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND', async () => {
    const { body } = await send(system.gatewayUrl, byHash('0'.repeat(64), {}), await gatewayHeaders({ role: 'portal', region: 'bz' }));
    expect(body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('keeps ad-hoc queries for analysts', async () => {
    const { status, body } = await send(system.gatewayUrl, { query: AD_HOC }, await gatewayHeaders({ role: 'analyst' }));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({ person: { idNumberMasked: '650104********1236' } });
  });

  describe('and a second gateway in the rollout mode (log) over the same subgraphs', () => {
    let gateway: ReturnType<typeof createGatewayService>;
    let running: RunningService;
    let logDir: string;
    let metrics: ServiceMetrics;
    beforeAll(async () => {
      logDir = mkdtempSync(path.join(tmpdir(), 'xjzc-trusted-'));
      metrics = new ServiceMetrics('gateway', { processMetrics: false });
      gateway = createGatewayService({
        subgraphUrls: Object.fromEntries([...system.services].filter(([name]) => name !== 'gateway').map(([name, service]) => [name, service.url])),
        timeoutMs: 3_000,
        log: createLogger({ service: 'gateway', level: 'warn', file: path.join(logDir, 'gateway.log') }),
        auth: system.config.auth,
        internalTokenSecret: system.config.internalTokenSecret,
        regions: REGIONS.map((region) => region.code),
        trustedDocuments: 'log',
        metrics,
      });
      running = await startService(gateway, 0);
    });
    afterAll(async () => {
      await running?.stop();
      await gateway?.close();
      rmSync(logDir, { recursive: true, force: true });
    });

    it('answers the same ad-hoc portal query, and logs it by hash without its text', async () => {
      const { status, body } = await send(running.url, { query: AD_HOC }, await gatewayHeaders({ role: 'portal', region: 'bz' }));
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      await expect.poll(() => readFileSync(path.join(logDir, 'gateway.log'), 'utf8'), { timeout: 5_000 }).toContain('untrusted_operation');
      const lines = readFileSync(path.join(logDir, 'gateway.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const logged = lines.find((line) => line.event === 'untrusted_operation')!;
      expect(logged).toMatchObject({ role: 'portal', mode: 'log' });
      expect(logged.documentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(lines)).not.toContain(ONLY_IN_BZ);
      expect(await metrics.scrape()).toMatch(/xjzc_trusted_documents_total\{role="portal",outcome="logged",service="gateway"\} 1/);
    });

    it('logs an operation sent again once per role and hash, and counts every request', async () => {
      const logged = async () => Number(/xjzc_trusted_documents_total\{role="portal",outcome="logged",service="gateway"\} (\d+)/.exec(await metrics.scrape())?.[1] ?? 0);
      const before = await logged();
      const headers = await gatewayHeaders({ role: 'portal', region: 'bz' });
      for (let i = 0; i < 3; i++) expect((await send(running.url, { query: AD_HOC }, headers)).status).toBe(200);
      // The same text from another portal region: the same role and hash, so not logged again.
      expect((await send(running.url, { query: AD_HOC }, await gatewayHeaders({ role: 'portal', region: 'aks' }))).status).toBe(200);
      await expect.poll(logged, { timeout: 5_000 }).toBe(before + 4);
      // The previous test sent the same operation first: still its one line.
      const lines = readFileSync(path.join(logDir, 'gateway.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.filter((line) => line.event === 'untrusted_operation')).toHaveLength(1);
    });
  });
});
