/**
 * The drain of platform/http.ts on SIGTERM (`stop`), on a real listener and a client's keep-alive
 * connection: a request received before the drain began is answered, and its answer ends its
 * connection, so that the client sends its next request elsewhere instead of on a connection the
 * draining service is about to close (which resets that request).
 */
import { ApolloServer } from '@apollo/server';
import { Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { startService } from '../../platform/http.js';
import { createLogger } from '../../platform/logger.js';

const log = createLogger({ service: 'test', level: 'silent' });

/** A service whose `slow` field answers when the test releases it. */
async function slowService() {
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
    { name: 'drain-test', log, apollo, context: async () => ({}), readiness: async () => ({ ready: true, checks: {} }) },
    0,
  );
  return { running, inResolver, release };
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

  it('keeps the connection open for the next request while not draining', async () => {
    const { running, release } = await slowService();
    const url = new URL(running.url);
    const client = new Pool(url.origin, { connections: 1 });
    try {
      release();
      const response = await client.request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ slow }' }) });
      await response.body.json();
      expect(response.headers.connection).toBe('keep-alive');
    } finally {
      await client.close();
      await running.stop();
    }
  });
});
