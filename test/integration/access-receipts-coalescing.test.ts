/**
 * Access-log receipts through the gateway's data source and its coalescing (gateway/dataSource.ts,
 * gateway/coalesce.ts), against a real province service on PostgreSQL: the province's first hop
 * hands back a receipt per lookup, and when two operations' later province fetches share one call,
 * that call carries both operations' receipts and each operation finds its own confirmed.
 */
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNamedService, type StartedService } from '../../app/services.js';
import { checkCharacter } from '../../domain/idNumber.js';
import { newReceiptState, type ReceiptState } from '../../gateway/accessReceipts.js';
import { createSubgraphFetcher, SubgraphDataSource, type GatewayContext } from '../../gateway/dataSource.js';
import { signInternalToken } from '../../platform/auth.js';
import { loadConfig } from '../../platform/config.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { scrape } from '../helpers/prometheus.js';
import { TEST_IDENTITY_SECRET } from '../helpers/system.js';

const idNumber = (index: number) => {
  const body = `65280119800101${String(200 + index).padStart(3, '0')}`;
  return body + checkCharacter(body);
};

const LOOKUP = 'query Check__province__0($id: String!) { person(idNumber: $id) { __typename key } }';
const VERDICT = 'query Check__province__2($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { annualReview(year: 2024) { verdict } } } }';

let database: TestDatabase;
let province: StartedService;
let source: SubgraphDataSource;
let closeFetcher: () => Promise<void>;
let token: string;

beforeAll(async () => {
  database = await createTestDatabase('province');
  const config = loadConfig({ NODE_ENV: 'test', IDENTITY_SECRET: TEST_IDENTITY_SECRET, PROVINCE_DATABASE_URL: database.url });
  province = await startNamedService('province', config, 0);
  const fetcher = createSubgraphFetcher({ timeoutMs: 3_000 });
  closeFetcher = fetcher.close;
  source = new SubgraphDataSource('province', { url: province.url, fetcher: fetcher.fetcher });
  token = await signInternalToken({ role: 'portal', region: 'bz', subject: 'portal-bz' }, config.internalTokenSecret);
});
afterAll(async () => {
  await closeFetcher?.();
  await province?.stop();
  await database?.drop();
});

/** One province fetch of a client's operation, as the gateway's executor makes it. */
function fetchProvince(state: ReceiptState, requestId: string, query: string, variables: Record<string, unknown>): Promise<GatewayGraphQLResponse> {
  const context: GatewayContext = { requestId, internalToken: token, accessReceipts: state };
  return source.process({
    kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
    request: { query, operationName: query.slice(6, query.indexOf('(')), variables },
    context,
    incomingRequestContext: { context } as never,
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const entries = async (requestId: string) =>
  (await database.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM access_log WHERE request_id = $1', [requestId])).rows[0]!.n;
const provinceOperations = async () => (await scrape(province.metricsUrl)).sum('xjzc_graphql_operations_total');

describe('access-log receipts between the gateway and the province', () => {
  it('carries every operation of a shared later call, and confirms each its own receipt', async () => {
    const operations = [0, 1, 2].map((index) => ({ requestId: `receipts-${index}`, state: Object.assign(newReceiptState(), { defer: true }) }));
    // One after another, each once its entry is in: the province defers only while its log is idle.
    const people: string[] = [];
    for (const [index, { requestId, state }] of operations.entries()) {
      const answer = await fetchProvince(state, requestId, LOOKUP, { id: idNumber(index) });
      expect(answer.errors).toBeUndefined();
      people.push((answer.data as { person: { key: string } }).person.key);
      await expect.poll(() => entries(requestId)).toBe(1);
      // The writer marks itself idle just after the commit the row shows.
      await sleep(20);
    }
    for (const { state } of operations) expect(state.deferred.size).toBe(1);
    // The gateway passes no subgraph's extensions on: they are read into the operation's state.

    const before = await provinceOperations();
    const answers = await Promise.all(
      operations.map(({ requestId, state }, index) =>
        fetchProvince(state, requestId, VERDICT, { representations: [{ __typename: 'Person', key: people[index], records: [null, null, null] }] }),
      ),
    );
    // One call for the three operations (gateway/coalesce.ts), and every receipt confirmed.
    expect((await provinceOperations()) - before).toBe(1);
    for (const answer of answers) expect(answer.data).toEqual({ _entities: [{ annualReview: { verdict: 'UNKNOWN' } }] });
    for (const { state } of operations) expect([...state.deferred].every((receipt) => state.confirmed.has(receipt))).toBe(true);
    for (const { requestId } of operations) expect(await entries(requestId)).toBe(1);
  });

  it('hands back no receipt, and waits for the commit, where the operation does not defer', async () => {
    const state = newReceiptState();
    const answer = await fetchProvince(state, 'no-deferral', LOOKUP, { id: idNumber(5) });
    expect(answer.errors).toBeUndefined();
    expect(state.deferred.size).toBe(0);
    expect(await entries('no-deferral')).toBe(1);
  });
});
