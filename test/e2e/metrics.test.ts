/**
 * Prometheus metrics, read as the operators' Prometheus reads them: scraped from each service's
 * own metrics listener (never the API port) and parsed by a Prometheus text-format parser. A portal
 * check, an analyst's ad-hoc query, a refused ID number and a region that is down show up as
 * operation rates, errors and latencies per operation and role, subgraph call outcomes, SQL
 * statements, pool use and the access log; no label value carries an ID number or client text.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubgraphFetcher, subgraphCallMetrics, SubgraphDataSource } from '../../gateway/dataSource.js';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import { ServiceMetrics, startMetricsListener } from '../../platform/metrics.js';
import { shippedManifest } from '../../platform/operationManifest.js';
import { insertAksApplicant, insertBzPerson } from '../fixtures/portalRows.js';
import { scrape, type Scrape } from '../helpers/prometheus.js';
import { gatewayHeaders, startTestSystem, type TestSystem } from '../helpers/system.js';

const IN_BZ_AND_AKS = '65010419880808105X';
const ANNUAL_REVIEW_CHECK = shippedManifest().operations.find((operation) => operation.name === 'AnnualReviewCheck')!;

/** Every label value of every sample: where an ID number or client text would leak. */
function labelValues(scraped: Scrape): string[] {
  return scraped.all().flatMap((sample) => Object.values(sample.labels));
}

async function post(system: TestSystem, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(system.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('Prometheus metrics of every service', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      seed: async (databases) => {
        await insertBzPerson(databases.bz!.sql, { xm: '钱测试', sfzh: IN_BZ_AND_AKS }, [{ sbnd: 2024, pslb: '评审', zt: 3 }]);
        await insertAksApplicant(databases.aks!.sql, { fullName: '钱测试', idCard: IN_BZ_AND_AKS }, [{ batchCode: 'AKS-2024-JXDZ-HG', year: 2024 }]);
      },
    });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('serves them on a port of their own, not on the API port', async () => {
    for (const service of system.services.values()) {
      expect(new URL(service.metricsUrl).port).not.toBe(String(service.port));
      const onApi = await fetch(service.url.replace(/\/graphql$/, '/metrics'));
      expect(onApi.status).toBe(404);
      const scraped = await scrape(service.metricsUrl);
      expect(Object.keys(scraped.metrics).length).toBeGreaterThan(0);
      expect(scraped.samples('xjzc_http_requests_total').every((sample) => sample.labels.service === service.name)).toBe(true);
    }
  });

  it('counts a portal check per operation and role, its subgraph calls, SQL and the access log', async () => {
    const portal = await gatewayHeaders({ role: 'portal', region: 'bz' });
    const response = await post(
      system,
      { query: ANNUAL_REVIEW_CHECK.body, operationName: 'AnnualReviewCheck', variables: { idNumber: IN_BZ_AND_AKS, year: 2024 } },
      portal,
    );
    const body = (await response.json()) as { data?: { person: { annualReview: { verdict: string } } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data!.person.annualReview.verdict).toBe('ALREADY_APPLIED');

    const gateway = await scrape(system.services.get('gateway')!.metricsUrl);
    expect(gateway.family('xjzc_graphql_operation_duration_seconds')?.type).toBe('histogram');
    const latency = gateway.samples('xjzc_graphql_operation_duration_seconds', { operation: 'AnnualReviewCheck', role: 'portal' });
    expect(latency).toHaveLength(1);
    expect(Number(latency[0]!.count)).toBe(1);
    expect(Number(latency[0]!.buckets!['+Inf'])).toBe(1);
    expect(gateway.sum('xjzc_graphql_operations_total', { operation: 'AnnualReviewCheck', role: 'portal', outcome: 'ok' })).toBe(1);
    for (const subgraph of ['province', 'bz', 'aks', 'wlmq']) {
      expect(gateway.sum('xjzc_subgraph_calls_total', { subgraph, outcome: 'ok' })).toBeGreaterThan(0);
      expect(gateway.samples('xjzc_subgraph_call_duration_seconds', { subgraph, outcome: 'ok' })).toHaveLength(1);
    }
    expect(gateway.sum('xjzc_http_requests_total', { route: '/graphql', status: '200' })).toBeGreaterThan(0);

    const bz = await scrape(system.services.get('bz')!.metricsUrl);
    // The gateway's subgraph operations are named AnnualReviewCheck__bz__<n>: counted under the client's name.
    expect(bz.sum('xjzc_graphql_operations_total', { operation: 'AnnualReviewCheck', role: 'portal' })).toBeGreaterThan(0);
    expect(bz.sum('xjzc_sql_statements_total', { kind: 'select' })).toBeGreaterThan(0);
    expect(bz.samples('xjzc_sql_statement_duration_seconds', { kind: 'select' })).toHaveLength(1);
    expect(bz.sum('xjzc_db_pool_connections', { pool: 'portal', state: 'total' })).toBeGreaterThan(0);
    expect(bz.samples('xjzc_db_pool_connections', { pool: 'portal', state: 'waiting' })).toHaveLength(1);

    const province = system.services.get('province')!;
    await expect.poll(async () => (await scrape(province.metricsUrl)).sum('xjzc_access_log_entries_total', { outcome: 'written' }), { timeout: 5_000 }).toBe(1);
    const provinceScrape = await scrape(province.metricsUrl);
    expect(provinceScrape.sum('xjzc_access_log_pending')).toBe(0);
    expect(provinceScrape.sum('xjzc_access_log_write_failures_total')).toBe(0);
    // The one lookup's wait for its entry to commit, observed once.
    expect(provinceScrape.sum('xjzc_access_log_wait_seconds')).toBe(1);
    expect(provinceScrape.samples('xjzc_db_pool_connections', { pool: 'province', state: 'idle' })).toHaveLength(1);
  });

  it('keeps label values bounded: ad-hoc names are `other`, codes come from a closed set, no ID number anywhere', async () => {
    const analyst = await gatewayHeaders({ role: 'analyst' });
    // A client-chosen operation name holding an ID number, and a refused (invalid) ID number.
    await post(system, { query: `query Lookup_${IN_BZ_AND_AKS} { person(idNumber: "${IN_BZ_AND_AKS}") { idNumberMasked } }` }, analyst);
    const refused = await post(system, { query: '{ person(idNumber: "650104198808081230") { idNumberMasked } }' }, analyst);
    expect(((await refused.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('INVALID_ID_NUMBER');
    await post(system, { query: '{ __typename }' }, { authorization: 'Bearer not-a-token' });

    const gateway = await scrape(system.services.get('gateway')!.metricsUrl);
    expect(gateway.sum('xjzc_graphql_operations_total', { operation: 'other', role: 'analyst', outcome: 'ok' })).toBe(1);
    expect(gateway.sum('xjzc_graphql_errors_total', { operation: 'anonymous', role: 'analyst', code: 'INVALID_ID_NUMBER' })).toBe(1);
    expect(gateway.sum('xjzc_http_requests_total', { route: '/graphql', status: '401' })).toBe(1);

    for (const service of system.services.values()) {
      const values = labelValues(await scrape(service.metricsUrl));
      expect(values.length).toBeGreaterThan(0);
      // The supergraph's SHA-256 (xjzc_supergraph_info{hash}) is 64 hex digits, which may hold
      // six decimal digits in a row by chance; an ID number is 15 or 18 characters.
      for (const value of values.filter((label) => !/^[0-9a-f]{64}$/.test(label))) {
        expect(value).not.toMatch(/\d{6}/);
        expect(value).not.toContain('Lookup');
        expect(value).not.toContain('Bearer');
      }
    }
  });

  it('counts a region that is down as unreachable', async () => {
    await system.stopService('wlmq');
    const portal = await gatewayHeaders({ role: 'portal', region: 'bz' });
    const response = await post(
      system,
      { query: ANNUAL_REVIEW_CHECK.body, operationName: 'AnnualReviewCheck', variables: { idNumber: IN_BZ_AND_AKS, year: 2024 } },
      portal,
    );
    const body = (await response.json()) as { data: { person: { annualReview: { verdict: string } } } };
    expect(body.data.person.annualReview.verdict).toBe('ALREADY_APPLIED');
    const gateway = await scrape(system.services.get('gateway')!.metricsUrl);
    expect(gateway.sum('xjzc_subgraph_calls_total', { subgraph: 'wlmq', outcome: 'unreachable' })).toBeGreaterThan(0);
    expect(gateway.sum('xjzc_graphql_errors_total', { operation: 'AnnualReviewCheck', role: 'portal', code: 'REGION_UNAVAILABLE' })).toBeGreaterThan(0);
  });
});

describe('a subgraph call that times out', () => {
  it('is counted as timeout, with its duration', async () => {
    const silent = http.createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const metrics = new ServiceMetrics('gateway', { processMetrics: false });
    const listener = await startMetricsListener(metrics, 0, '127.0.0.1');
    const { fetcher, close } = createSubgraphFetcher({ timeoutMs: 200 });
    try {
      const source = new SubgraphDataSource('bz', { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql`, fetcher }, subgraphCallMetrics(metrics));
      const context = { requestId: 'r-1' };
      await expect(
        source.process({
          kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
          request: { query: '{ __typename }' },
          context,
          incomingRequestContext: { context } as never,
        }),
      ).rejects.toMatchObject({ extensions: { code: 'REGION_UNAVAILABLE', reason: 'TIMEOUT' } });
      const scraped = await scrape(listener.url);
      expect(scraped.sum('xjzc_subgraph_calls_total', { subgraph: 'bz', outcome: 'timeout' })).toBe(1);
      const [duration] = scraped.samples('xjzc_subgraph_call_duration_seconds', { subgraph: 'bz', outcome: 'timeout' });
      expect(Number(duration!.sum)).toBeGreaterThanOrEqual(0.19);
    } finally {
      await close();
      await listener.stop();
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
