/**
 * The drain of platform/http.ts on SIGTERM (`stop`), on a real listener and a client's keep-alive
 * connection: a request received before the drain began is answered, and its answer ends its
 * connection, so that the client sends its next request elsewhere instead of on a connection the
 * draining service is about to close (which resets that request). The drain follows events, not a
 * clock: it ends when the last request is answered and its connection closed, closes idle
 * keep-alive connections after a quiet period, and closes what is still open at the grace period.
 * Where a test sets a period to an hour, the drain ending at all (within the test's timeout) shows
 * it did not wait for that period.
 */
import { ApolloServer } from '@apollo/server';
import { Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { startService, type ServiceOptions } from '../../platform/http.js';
import { createLogger } from '../../platform/logger.js';

const log = createLogger({ service: 'test', level: 'silent' });

const HOUR = 3_600_000;

/** A service whose `slow` field answers when the test releases it. */
async function slowService(drain: Pick<ServiceOptions<object>, 'drainTimeoutMs' | 'drainQuietMs'> = {}) {
  let entered!: () => void;
  const inResolver = new Promise<void>((resolve) => (entered = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const apollo = new ApolloServer({
    typeDefs: 'type Query { slow: String }',
    resolvers: {
      Query: {
        slow: async () => {
          entered();
          await released;
          return 'answered';
        },
      },
    },
    stopOnTerminationSignals: false,
  });
  const running = await startService(
    { name: 'drain-test', log, apollo, context: async () => ({}), readiness: async () => ({ ready: true, checks: {} }), ...drain },
    0,
  );
  return { running, inResolver, release };
}

/** A released slow service and one keep-alive request answered on a single-connection client. */
async function answeredOnKeptAliveConnection(drain: Parameters<typeof slowService>[0] = {}) {
  const { running, release } = await slowService(drain);
  const url = new URL(running.url);
  const client = new Pool(url.origin, { connections: 1 });
  release();
  const response = await client.request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ slow }' }) });
  await response.body.json();
  expect(response.headers.connection).toBe('keep-alive');
  return { running, client };
}

describe('a service draining on SIGTERM', () => {
  it('answers a request received before the drain, and that answer closes its keep-alive connection', async () => {
    const { running, inResolver, release } = await slowService();
    const url = new URL(running.url);
    const client = new Pool(url.origin, { connections: 1 });
    try {
      const answer = client.request({
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'keep-alive' },
        body: JSON.stringify({ query: '{ slow }' }),
      });
      await inResolver;
      const stopped = running.stop();
      release();
      const response = await answer;
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toEqual({ data: { slow: 'answered' } });
      expect(response.headers.connection).toBe('close');
      await stopped;
    } finally {
      release();
      await client.close();
    }
  });

  it('ends as soon as the last request is answered and its connection closed: no quiet period, no grace period', async () => {
    const { running, inResolver, release } = await slowService({ drainQuietMs: HOUR, drainTimeoutMs: HOUR });
    const url = new URL(running.url);
    const client = new Pool(url.origin, { connections: 1 });
    try {
      const answer = client.request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ slow }' }) });
      await inResolver;
      const events: string[] = [];
      const stopped = running.stop().then(() => events.push('stopped'));
      // Not before the request can be answered, however long that takes.
      await new Promise((resolve) => setImmediate(resolve));
      events.push('released');
      release();
      const response = await answer;
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toEqual({ data: { slow: 'answered' } });
      await stopped;
      expect(events).toEqual(['released', 'stopped']);
    } finally {
      release();
      await client.close();
    }
  });

  it('closes an idle keep-alive connection after the quiet period, without waiting for the grace period', async () => {
    const { running, client } = await answeredOnKeptAliveConnection({ drainTimeoutMs: HOUR });
    try {
      let disconnected!: () => void;
      const closedByServer = new Promise<void>((resolve) => (disconnected = resolve));
      client.once('disconnect', () => disconnected());
      await running.stop();
      await closedByServer;
    } finally {
      await client.close();
    }
  });

  it('answers /ready with 503 while draining, on a connection opened before, and closes that connection', async () => {
    const { running, inResolver, release } = await slowService({ drainQuietMs: HOUR, drainTimeoutMs: HOUR });
    const url = new URL(running.url);
    const slowClient = new Pool(url.origin, { connections: 1 });
    const probe = new Pool(url.origin, { connections: 1 });
    try {
      const before = await probe.request({ path: '/ready', method: 'GET' });
      expect(before.statusCode).toBe(200);
      await before.body.json();
      const answer = slowClient.request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ slow }' }) });
      await inResolver;
      const stopped = running.stop();
      // The request in flight holds the drain open, and the probe's idle connection with it.
      const during = await probe.request({ path: '/ready', method: 'GET' });
      expect(during.statusCode).toBe(503);
      expect(during.headers.connection).toBe('close');
      expect(await during.body.json()).toEqual({ service: 'drain-test', ready: false, checks: { self: 'stopping' } });
      release();
      await (await answer).body.json();
      await stopped;
    } finally {
      release();
      await Promise.all([slowClient.close(), probe.close()]);
    }
  });

  it('closes the connection of a request still running when the grace period is over', async () => {
    const { running, inResolver, release } = await slowService({ drainTimeoutMs: 50 });
    const url = new URL(running.url);
    const client = new Pool(url.origin, { connections: 1 });
    try {
      const answer = client.request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ slow }' }) });
      const failed = answer.then(
        () => 'answered',
        (error: Error & { code?: string }) => error.code ?? error.name,
      );
      await inResolver;
      await running.stop();
      expect(await failed).toBe('UND_ERR_SOCKET');
    } finally {
      release();
      await client.close();
    }
  });

  it('keeps the connection open for the next request while not draining', async () => {
    // The helper asserts the answer kept its connection alive, with no drain under way.
    const { running, client } = await answeredOnKeptAliveConnection();
    await client.close();
    await running.stop();
  });
});
