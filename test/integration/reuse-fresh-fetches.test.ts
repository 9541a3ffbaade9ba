/**
 * Subgraph answers reused while the subgraph says they are true (gateway/reuseFreshFetches.ts),
 * against a real HTTP server on 127.0.0.1: an answer with `max-age` is not fetched again by the
 * same caller until it expires, and says what is left of its life; other callers, `no-store`
 * answers, errors and mutations are always sent.
 */
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSubgraphFetcher, SubgraphDataSource, type GatewayContext } from '../../gateway/dataSource.js';
import { startFakeSubgraph, type FakeSubgraph } from '../helpers/fakeSubgraph.js';

let subgraph: FakeSubgraph;
let url: string;
const received: string[] = [];
/** What the server says of every answer it gives. */
let cacheControl = 'max-age=2, public';
let status = 200;

beforeAll(async () => {
  subgraph = await startFakeSubgraph((req, _body, res) => {
    received.push(req.headers.authorization ?? '');
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': cacheControl }).end(JSON.stringify({ data: { n: received.length } }));
  });
  url = subgraph.url;
});
afterAll(() => subgraph.close());
beforeEach(() => {
  received.length = 0;
  cacheControl = 'max-age=2, public';
  status = 200;
});

async function call(source: SubgraphDataSource, query = '{ regions { code } }', token = 'token-a') {
  const context: GatewayContext = { requestId: `req-${Math.random()}`, internalToken: token };
  const answer = await source.process({
    kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
    request: { query, variables: {} },
    context,
    incomingRequestContext: { context } as never,
  });
  return { n: (answer.data as { n: number } | undefined)?.n, cacheControl: answer.http?.headers.get('cache-control') };
}

const setup = () => {
  const { fetcher, sharingFetcher, close } = createSubgraphFetcher({ timeoutMs: 2_000 });
  return { province: new SubgraphDataSource('province', { url, fetcher }), region: new SubgraphDataSource('bz', { url, fetcher: sharingFetcher }), close };
};

describe('subgraph answers reused while fresh', () => {
  it('are not fetched again by the same caller until they expire, and say what is left of their life', async () => {
    const { province, region, close } = setup();
    try {
      const first = await call(province);
      const again = await call(province);
      expect(received).toHaveLength(1);
      expect(again.n).toBe(first.n);
      expect(first.cacheControl).toBe('max-age=2, public');
      expect(again.cacheControl).toMatch(/^max-age=[12], public$/);
      // The regions' fetcher keeps its own.
      await call(region);
      await call(region);
      expect(received).toHaveLength(2);

      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const later = await call(province);
      expect(received).toHaveLength(3);
      expect(later.n).toBe(3);
    } finally {
      await close();
    }
  });

  it('are never another caller\'s, nor kept when the subgraph says no-store or fails, nor for mutations', async () => {
    const { province, close } = setup();
    try {
      await call(province, '{ regions { code } }', 'token-a');
      await call(province, '{ regions { code } }', 'token-b');
      expect(received).toEqual(['Bearer token-a', 'Bearer token-b']);

      received.length = 0;
      cacheControl = 'no-store';
      await call(province, '{ person { key } }');
      await call(province, '{ person { key } }');
      expect(received).toHaveLength(2);

      received.length = 0;
      cacheControl = 'max-age=60, public';
      await call(province, 'mutation { claim { outcome } }');
      await call(province, 'mutation { claim { outcome } }');
      expect(received).toHaveLength(2);

      received.length = 0;
      status = 500;
      await call(province, '{ broken }').catch(() => undefined);
      await call(province, '{ broken }').catch(() => undefined);
      expect(received).toHaveLength(2);
    } finally {
      await close();
    }
  });
});
