/**
 * Client mistakes at the gateway answer 4xx with a code, never 500 or INTERNAL_SERVER_ERROR, and
 * never echo unbounded input (issue 11, item 7): an operation type the schema does not serve (a
 * subscription; a mutation while there was no Mutation type, `mutation {__typename}`), an
 * operationName that names nothing (90 kB of it), several operations without a name to pick one.
 */
import { buildSchema, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedOperationTypes } from '../../gateway/operations.js';
import { gatewayHeaders, startTestSystem, type GraphQLBody, type TestSystem } from '../helpers/system.js';

let system: TestSystem;
let headers: Record<string, string>;

beforeAll(async () => {
  system = await startTestSystem();
  headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(await gatewayHeaders({ role: 'portal', region: 'bz' })) };
});

afterAll(async () => {
  await system?.stop();
});

async function send(payload: Record<string, unknown>): Promise<{ status: number; text: string; body: GraphQLBody<Record<string, unknown>> }> {
  const response = await fetch(system.gatewayUrl, { method: 'POST', headers, body: JSON.stringify(payload) });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as GraphQLBody<Record<string, unknown>> };
}

/** A 4xx with one of the codes, no INTERNAL_SERVER_ERROR, and an answer of bounded size. */
function expectClientMistake(answer: { status: number; text: string; body: GraphQLBody<unknown> }, codes: string[]): void {
  expect(answer.status, answer.text.slice(0, 500)).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  const given = answer.body.errors?.map((error) => error.extensions?.code) ?? [];
  expect(given.length, answer.text.slice(0, 500)).toBeGreaterThan(0);
  for (const code of given) expect(codes, answer.text.slice(0, 500)).toContain(code);
  expect(answer.text.length, 'the answer is short whatever was sent').toBeLessThan(1_000);
}

/** The gateway still answers a real query afterwards. */
async function expectStillServing(): Promise<void> {
  const answer = await send({ query: '{ regions { code } }' });
  expect(answer.status).toBe(200);
  expect(answer.body.errors).toBeUndefined();
}

describe('operation types the schema does not serve', () => {
  it.each([
    ['a subscription', 'subscription { __typename }'],
    ['a subscription to a query field', 'subscription Watch { regions { code } }'],
  ])('refuses %s with 400 GRAPHQL_VALIDATION_FAILED', async (_label, query) => {
    expectClientMistake(await send({ query }), ['GRAPHQL_VALIDATION_FAILED']);
    await expectStillServing();
  });
});

describe('mutations', () => {
  it('are served now that the schema has a Mutation type (the rule refuses them only without one)', async () => {
    const answer = await send({ query: 'mutation { __typename }' });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ __typename: 'Mutation' });
  });

  it('without a Mutation type in the schema are refused at validation, as are subscriptions', () => {
    const schema = buildSchema('type Query { a: Int }');
    const messages = (text: string) => validate(schema, parse(text), [servedOperationTypes]).map((error) => error.message);
    expect(messages('mutation { __typename }')).toEqual(['This service has no mutations: send a query.']);
    expect(messages('subscription { __typename }')).toEqual(['Subscriptions are not served here: send a query.']);
    expect(messages('{ a }')).toEqual([]);
    const withMutations = buildSchema('type Query { a: Int } type Mutation { b: Int }');
    expect(validate(withMutations, parse('mutation { b }'), [servedOperationTypes])).toEqual([]);
  });
});

describe('operationName', () => {
  const HUGE = 'A'.repeat(90_000);

  it('that names no operation of the document: 400 OPERATION_RESOLUTION_FAILURE, the name not echoed in full', async () => {
    const answer = await send({ query: 'query Lookup { regions { code } }', operationName: HUGE });
    expectClientMistake(answer, ['OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST']);
    expect(answer.text).not.toContain('A'.repeat(200));
    await expectStillServing();
  });

  it('that names no operation, short: the same, and the name is not echoed', async () => {
    const answer = await send({ query: 'query Lookup { regions { code } }', operationName: 'Other' });
    expectClientMistake(answer, ['OPERATION_RESOLUTION_FAILURE']);
  });

  it('absent where the document holds several named operations: 400', async () => {
    const answer = await send({ query: 'query A { regions { code } } query B { regions { name } }' });
    expectClientMistake(answer, ['OPERATION_RESOLUTION_FAILURE']);
  });

  it('that picks one of several operations: served', async () => {
    const answer = await send({ query: 'query A { regions { code } } query B { regions { name } }', operationName: 'B' });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.regions).toBeDefined();
  });

  it.each([
    ['a number', 42],
    ['an object', { name: 'A' }],
  ])('given as %s: 400 BAD_REQUEST', async (_label, operationName) => {
    expectClientMistake(await send({ query: 'query A { regions { code } }', operationName }), ['BAD_REQUEST']);
  });
});

describe('two anonymous operations', () => {
  it('is 400 GRAPHQL_VALIDATION_FAILED', async () => {
    expectClientMistake(await send({ query: '{ regions { code } } { regions { name } }' }), ['GRAPHQL_VALIDATION_FAILED']);
    await expectStillServing();
  });

  it('with an operationName as well: still 400', async () => {
    expectClientMistake(await send({ query: '{ regions { code } } { regions { name } }', operationName: 'A'.repeat(5_000) }), [
      'GRAPHQL_VALIDATION_FAILED',
      'OPERATION_RESOLUTION_FAILURE',
    ]);
  });
});
