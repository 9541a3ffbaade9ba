/**
 * The gateway speaks GraphQL over HTTP as the spec says: every MUST item of the audit that ships in
 * `graphql-http` (serverAudits), run against the running gateway.
 */
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayHeaders, startTestSystem, type TestSystem } from '../helpers/system.js';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  await system?.stop();
});

describe('GraphQL over HTTP audit of the gateway', () => {
  // The audit's own requests, with whatever credential the gateway requires of every client.
  const fetchWithCredential = async (input: string | URL | Request, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(await gatewayHeaders())) headers.set(name, value);
    return fetch(input, { ...init, headers });
  };
  const audits = serverAudits({ url: () => system.gatewayUrl, fetchFn: fetchWithCredential });
  const must = audits.filter((audit) => audit.name.startsWith('MUST'));

  it('has MUST items to run', () => {
    expect(must.length).toBeGreaterThan(10);
  });

  it.each(must.map((audit) => [audit.name, audit] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();
    if (result.status !== 'ok') {
      throw new Error(`${result.reason}${'response' in result ? ` (HTTP ${result.response.status})` : ''}`);
    }
  });
});
