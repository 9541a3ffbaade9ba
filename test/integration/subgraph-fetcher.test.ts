/**
 * The gateway's subgraph calls (gateway/dataSource.ts) against a real HTTP server on 127.0.0.1:
 * the answer and headers as RemoteGraphQLDataSource reads them, connections kept alive, and a
 * subgraph that is slow, down, or answers non-2xx turned into REGION_UNAVAILABLE naming the region
 * (TIMEOUT or UNREACHABLE), never its URL.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import { GraphQLError } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSubgraphFetcher, SubgraphDataSource, type GatewayContext } from '../../gateway/dataSource.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let url: string;
let handler: Handler;
const sockets = new Set<unknown>();
const seen: Array<{ headers: IncomingMessage['headers']; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ headers: req.headers, body });
      handler(req, body, res);
    });
  });
  server.on('connection', (socket) => sockets.add(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
});
afterEach(() => {
  seen.length = 0;
});

const answer = (status: number, body: string, contentType = 'application/json; charset=utf-8'): Handler => (_req, _body, res) => {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
};

function dataSource(name: string, timeoutMs = 2_000) {
  const { fetcher, close } = createSubgraphFetcher({ timeoutMs });
  return { source: new SubgraphDataSource(name, { url, fetcher }), close };
}

/** One call as the gateway makes it for a client's operation. */
function call(source: SubgraphDataSource, context: GatewayContext = { requestId: 'req-1', internalToken: 'internal-token' }) {
  return source.process({
    kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
    request: { query: '{ _service { sdl } }', variables: { a: 1 } },
    context,
    incomingRequestContext: { context } as never,
  });
}

async function failure(promise: Promise<unknown>): Promise<GraphQLError> {
  const error = await promise.then(
    () => expect.fail('the call succeeded'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  return error as GraphQLError;
}

describe("the gateway's subgraph calls", () => {
  it('sends the operation as JSON with the request id and the gateway token, and returns the parsed answer', async () => {
    handler = answer(200, JSON.stringify({ data: { _service: { sdl: 'type Query { a: Int }' } } }));
    const { source, close } = dataSource('bz');
    try {
      const response = await call(source);
      expect(response.data).toEqual({ _service: { sdl: 'type Query { a: Int }' } });
      expect(response.http?.headers.get('cache-control')).toBe('no-store');
      expect(seen).toHaveLength(1);
      expect(JSON.parse(seen[0]!.body)).toEqual({ query: '{ _service { sdl } }', variables: { a: 1 } });
      expect(seen[0]!.headers).toMatchObject({
        'content-type': 'application/json',
        'x-request-id': 'req-1',
        authorization: 'Bearer internal-token',
      });
    } finally {
      await close();
    }
  });

  it('keeps connections alive: twenty calls in turn do not open twenty sockets', async () => {
    handler = answer(200, '{"data":{"_service":{"sdl":""}}}');
    const { source, close } = dataSource('bz');
    const before = sockets.size;
    try {
      for (let i = 0; i < 20; i++) await call(source);
      // undici may open a second socket when a call follows the previous one within the same tick.
      expect(sockets.size - before).toBeLessThanOrEqual(2);
    } finally {
      await close();
    }
  });

  it('answers REGION_UNAVAILABLE with reason TIMEOUT when the subgraph is slower than the timeout', async () => {
    handler = (_req, _body, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}'), 1_500).unref();
    };
    const { source, close } = dataSource('aks', 200);
    try {
      const started = performance.now();
      const error = await failure(call(source));
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(error.extensions).toMatchObject({ code: 'REGION_UNAVAILABLE', region: 'aks', reason: 'TIMEOUT' });
      expect(error.message).not.toContain('127.0.0.1');
    } finally {
      await close();
    }
  });

  it('answers REGION_UNAVAILABLE with reason UNREACHABLE when nothing listens, naming no URL', async () => {
    const idle = createServer();
    idle.listen(0, '127.0.0.1');
    await once(idle, 'listening');
    const deadUrl = `http://127.0.0.1:${(idle.address() as AddressInfo).port}/graphql`;
    idle.close();
    await once(idle, 'close');
    const { fetcher, close } = createSubgraphFetcher({ timeoutMs: 1_000 });
    try {
      const error = await failure(call(new SubgraphDataSource('wlmq', { url: deadUrl, fetcher })));
      expect(error.extensions).toMatchObject({ code: 'REGION_UNAVAILABLE', region: 'wlmq', reason: 'UNREACHABLE' });
      expect(JSON.stringify(error.toJSON())).not.toContain(deadUrl);
    } finally {
      await close();
    }
  });

  it('answers REGION_UNAVAILABLE for a non-2xx answer, and names the province as the province', async () => {
    handler = answer(502, 'Bad Gateway', 'text/plain');
    const { source, close } = dataSource('province');
    try {
      const error = await failure(call(source));
      expect(error.extensions.code).toBe('REGION_UNAVAILABLE');
      expect(error.extensions.region).toBeUndefined();
      expect(error.message).toContain('province');
    } finally {
      await close();
    }
  });

  it('passes GraphQL errors a subgraph answers with 200 on to the gateway', async () => {
    handler = answer(200, JSON.stringify({ data: null, errors: [{ message: 'nope', extensions: { code: 'FORBIDDEN' } }] }), 'application/graphql-response+json');
    const { source, close } = dataSource('bz');
    try {
      const response = await call(source);
      expect(response.errors?.[0]).toMatchObject({ message: 'nope', extensions: { code: 'FORBIDDEN' } });
    } finally {
      await close();
    }
  });
});
