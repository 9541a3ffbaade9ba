/**
 * The province's client for the regions (subgraphs/province/regionClient.ts) against real local
 * HTTP servers: every way a region can fail to answer is named, so that claims and the merged list
 * report it (and fail closed) the same way.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGIONS } from '../../domain/regions.js';
import { createRegionClient, RegionCallError } from '../../subgraphs/province/regionClient.js';

const bz = REGIONS.find((region) => region.code === 'bz')!;
let server: http.Server;
let base: string;
const seen: Array<{ authorization?: string; requestId?: string; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ authorization: req.headers.authorization, requestId: req.headers['x-request-id'] as string | undefined, body });
      if (req.url === '/ok') res.end(JSON.stringify({ data: { answer: 42 } }));
      else if (req.url === '/500') res.writeHead(500).end('{}');
      else if (req.url === '/garbled') res.end('<html>not json</html>');
      // '/hang': never answers.
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failure(path: string | null, timeoutMs = 2_000): Promise<unknown> {
  const client = createRegionClient({ urls: path === null ? {} : { bz: `${base}${path}` }, timeoutMs });
  try {
    await client.post(bz, 'token', 'req-1', '{ answer }', {});
    return null;
  } catch (error) {
    return error;
  } finally {
    await client.close();
  }
}

describe('the province region client', () => {
  it('posts the operation with the caller token and the request id, and returns the parsed answer', async () => {
    const client = createRegionClient({ urls: { bz: `${base}/ok` }, timeoutMs: 2_000 });
    const answer = await client.post<{ answer: number }>(bz, 'caller-token', 'req-42', 'query Q($x: Int) { answer }', { x: 1 });
    await client.close();
    expect(answer).toEqual({ data: { answer: 42 } });
    expect(seen.at(-1)).toEqual({ authorization: 'Bearer caller-token', requestId: 'req-42', body: JSON.stringify({ query: 'query Q($x: Int) { answer }', variables: { x: 1 } }) });
  });

  it.each([
    ['a region without a URL', null, 'NOT_CONFIGURED'],
    ['an HTTP error', '/500', 'HTTP_500'],
    ['an answer that is not JSON', '/garbled', 'BAD_ANSWER'],
    ['no answer before the deadline', '/hang', 'TIMEOUT'],
  ])('names %s', async (_name, path, reason) => {
    const error = await failure(path, 300);
    expect(error).toBeInstanceOf(RegionCallError);
    expect(error).toMatchObject({ region: 'bz', reason });
  });

  it('names a refused connection UNREACHABLE', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = createRegionClient({ urls: { bz: `http://127.0.0.1:${port}/graphql` }, timeoutMs: 2_000 });
    await expect(client.post(bz, 't', 'r', '{ a }', {})).rejects.toMatchObject({ region: 'bz', reason: 'UNREACHABLE' });
    await client.close();
  });
});
