/**
 * Hostile and malformed requests against the gateway (issue 5): malformed ID numbers, deep and
 * wide queries, alias bombs, token floods, oversized bodies and batched arrays. Every one gets a
 * clear error with a code, no stack trace and no echo of the number, and every service stays up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../../gateway/limits.js';
import { gatewayHeaders, startTestSystem, type GraphQLBody, type TestSystem } from '../helpers/system.js';

let system: TestSystem;
let headers: Record<string, string>;

beforeAll(async () => {
  system = await startTestSystem({ env: { SUBGRAPH_TIMEOUT_MS: '15000' } });
  headers = { 'content-type': 'application/json', accept: 'application/json', ...(await gatewayHeaders({ role: 'portal', region: 'bz' })) };
});

afterAll(async () => {
  await system?.stop();
});

async function send(body: string): Promise<{ status: number; body: GraphQLBody<Record<string, unknown>> }> {
  const response = await fetch(system.gatewayUrl, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as GraphQLBody<Record<string, unknown>> };
}

const operation = (query: string, variables?: Record<string, unknown>) => send(JSON.stringify({ query, variables }));

/** The answer is an error with a code, and nothing a client should not see. */
function expectCleanError(body: GraphQLBody<unknown>, code: string, message?: RegExp): void {
  expect(body.errors?.length, JSON.stringify(body)).toBeGreaterThan(0);
  expect(body.errors!.map((error) => error.extensions?.code)).toContain(code);
  if (message) expect(body.errors!.some((error) => message.test(error.message)), JSON.stringify(body.errors)).toBe(true);
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/stacktrace|at [\w.]+ \(|node_modules|127\.0\.0\.1|http:\/\//);
}

describe('malformed ID numbers', () => {
  const LOOKUP = 'query Q($id: String!) { person(idNumber: $id) { key } }';
  it.each([
    ['empty', ''],
    ['letters', 'abcdefghijklmnopqr'],
    ['16 digits', '6528011985030710'],
    ['a wrong check character', '652801198503071021'],
    ['a Y for a check character', '65280119850307102Y'],
    ['an SQL injection', "652801' OR '1'='1"],
    ['10,000 characters', '6'.repeat(10_000)],
    ['control characters', '652801\u0000198503071\u0007'],
    ['emoji', '😀'.repeat(18)],
  ])('refuses %s with INVALID_ID_NUMBER, without echoing it', async (_label, idNumber) => {
    const { status, body } = await operation(LOOKUP, { id: idNumber });
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expectCleanError(body, 'INVALID_ID_NUMBER');
    if (idNumber.length > 3) expect(JSON.stringify(body)).not.toContain(idNumber);
  });

  it('refuses a number of the wrong type with a validation error', async () => {
    const { status, body } = await operation(LOOKUP, { id: 652801198503071021 });
    expect(status).toBe(400);
    expectCleanError(body, 'BAD_USER_INPUT');
  });
});

describe('query limits (GraphQL Armor)', () => {
  it('refuses a query deeper than the limit', async () => {
    const deep = `{ person(idNumber: "x") { records { profile { ${'a { '.repeat(DEFAULT_QUERY_LIMITS.maxDepth)}b${' }'.repeat(DEFAULT_QUERY_LIMITS.maxDepth)} } } } }`;
    const { status, body } = await operation(deep);
    expect(status).toBe(400);
    expectCleanError(body, 'GRAPHQL_VALIDATION_FAILED', /depth/i);
  });

  it('refuses an alias bomb', async () => {
    const bomb = `{ ${Array.from({ length: 100 }, (_, index) => `a${index}: regions { code }`).join(' ')} }`;
    const { status, body } = await operation(bomb);
    expect(status).toBe(400);
    expectCleanError(body, 'GRAPHQL_VALIDATION_FAILED', /alias/i);
  });

  it('refuses a query past the token limit before parsing it all', async () => {
    const flood = `{ regions { ${'code '.repeat(DEFAULT_QUERY_LIMITS.maxTokens + 10)}} }`;
    const { status, body } = await operation(flood);
    expect(status).toBe(400);
    expectCleanError(body, 'GRAPHQL_PARSE_FAILED', /tokens/i);
  });

  it('refuses a wide query past the cost limit', async () => {
    const fields = 'id region localId batchCode year series specialty level levelCode levelLabel reviewKind status submissionCount submittedAt returnCount defence feePaidFen countsTowardAnnualLimit dataQuality { field localValue }';
    const wide = `{ ${Array.from({ length: 10 }, (_, index) => `r${index}: regions { applications(first: 200) { edges { node { ${fields} } } } }`).join(' ')} }`;
    const { status, body } = await operation(wide);
    expect(status).toBe(400);
    expectCleanError(body, 'GRAPHQL_VALIDATION_FAILED', /cost/i);
  });

  it('refuses a directive flood', async () => {
    const flood = `{ regions { code ${'@include(if: true) '.repeat(60)}} }`;
    const { status, body } = await operation(flood);
    expect(status).toBe(400);
    expectCleanError(body, 'GRAPHQL_VALIDATION_FAILED', /directive/i);
  });

  it('refuses a page larger than 200', async () => {
    const { body } = await operation('{ regions(codes: ["bz"]) { applications(first: 201) { totalCount } } }');
    expectCleanError(body, 'BAD_USER_INPUT', /first/);
  });

  it('gives no field suggestions that would map the schema', async () => {
    const { status, body } = await operation('{ persn(idNumber: "x") { key } }');
    expect(status).toBe(400);
    expectCleanError(body, 'GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(body)).not.toMatch(/Did you mean/);
  });
});

describe('HTTP-level abuse', () => {
  it('refuses a body over the size limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const { status, body } = await send(JSON.stringify({ query: `{ regions { code } } # ${'x'.repeat(200_000)}` }));
    expect(status).toBe(413);
    expectCleanError(body, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses a batched array of operations (batching is off)', async () => {
    const { status, body } = await send(JSON.stringify([{ query: '{ regions { code } }' }, { query: '{ regions { code } }' }]));
    expect(status).toBe(400);
    expectCleanError(body, 'BAD_REQUEST', /batch/i);
  });

  it.each([
    ['not JSON', '{"query": '],
    ['a JSON string', '"{ regions { code } }"'],
    ['no query', '{}'],
    ['a query that is not a string', '{"query": 42}'],
    ['variables that are not an object', '{"query": "{ regions { code } }", "variables": [1]}'],
  ])('refuses %s with a code', async (_label, raw) => {
    const { status, body } = await send(raw);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toMatch(/^(BAD_REQUEST|BAD_USER_INPUT)$/);
  });
});

describe('afterwards', () => {
  it('every service is still up and the gateway still answers', async () => {
    for (const [name, service] of system.services) {
      const health = await fetch(service.url.replace(/\/graphql$/, '/health'));
      expect(health.status, name).toBe(200);
    }
    const { status, body } = await operation('{ regions { code } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });
});
