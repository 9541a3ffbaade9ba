/**
 * Identical region calls in flight at once are sent once (gateway/shareInFlight.ts), against a
 * real HTTP server on 127.0.0.1 that answers slowly: each waiting operation gets the answer, as
 * its own copy; calls of different callers, mutations and calls after the answer are sent anew.
 */
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSubgraphFetcher, SubgraphDataSource, type GatewayContext } from '../../gateway/dataSource.js';
import { startFakeSubgraph, type FakeSubgraph } from '../helpers/fakeSubgraph.js';

let subgraph: FakeSubgraph;
let url: string;
const received: string[] = [];

beforeAll(async () => {
  let answered = 0;
  subgraph = await startFakeSubgraph((req, _body, res) => {
    received.push(req.headers.authorization ?? '');
    const n = ++answered;
    // Slow enough that the second call starts while the first waits.
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { n, rows: [{ count: 1 }] } })), 150);
  });
  url = subgraph.url;
});
afterAll(() => subgraph.close());
beforeEach(() => {
  received.length = 0;
});

function call(source: SubgraphDataSource, query: string, token = 'token-a') {
  const context: GatewayContext = { requestId: `req-${Math.random()}`, internalToken: token };
  return source.process({
    kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
    request: { query, variables: { year: 2024 } },
    context,
    incomingRequestContext: { context } as never,
  });
}

describe('identical region calls in flight', () => {
  it('are sent once, and every operation gets its own copy of the answer', async () => {
    const { sharingFetcher, close } = createSubgraphFetcher({ timeoutMs: 2_000 });
    const source = new SubgraphDataSource('bz', { url, fetcher: sharingFetcher });
    try {
      const query = 'query ($year: Int) { statistics(year: $year) { count } }';
      const answers = await Promise.all([call(source, query), call(source, query), call(source, query)]);
      expect(received).toHaveLength(1);
      expect(answers.map((answer) => answer.data)).toEqual([answers[0]!.data, answers[0]!.data, answers[0]!.data]);
      expect(answers[0]!.data).not.toBe(answers[1]!.data);

      // Once answered, nothing is kept: the next call goes to the subgraph.
      const later = await call(source, query);
      expect(received).toHaveLength(2);
      expect(later.data).not.toEqual(answers[0]!.data);
    } finally {
      await close();
    }
  });

  it('are not shared between callers, nor for mutations, nor by the fetcher the province uses', async () => {
    const { fetcher, sharingFetcher, close } = createSubgraphFetcher({ timeoutMs: 2_000 });
    const region = new SubgraphDataSource('bz', { url, fetcher: sharingFetcher });
    const province = new SubgraphDataSource('province', { url, fetcher });
    try {
      const query = 'query ($year: Int) { statistics(year: $year) { count } }';
      await Promise.all([call(region, query, 'token-a'), call(region, query, 'token-b')]);
      expect(received.sort()).toEqual(['Bearer token-a', 'Bearer token-b']);
      received.length = 0;
      const mutation = 'mutation ($year: Int) { claim(year: $year) { count } }';
      await Promise.all([call(region, mutation), call(region, mutation)]);
      expect(received).toHaveLength(2);
      received.length = 0;
      await Promise.all([call(province, query), call(province, query)]);
      expect(received).toHaveLength(2);
    } finally {
      await close();
    }
  });
});
