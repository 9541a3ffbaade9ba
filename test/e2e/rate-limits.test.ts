/**
 * One caller cannot starve the others (issue 11, item 9): a rate limit per principal (token
 * subject within its role) that counts every aliased lookup, answered 429 RATE_LIMITED with
 * Retry-After; and when the gateway is saturated, portals' operations wait for a slot while
 * analysts' are shed with 503 OVERLOADED.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { AdmissionQueue, rootFieldCount } from '../../gateway/admission.js';
import type { Role } from '../../platform/auth.js';
import { gatewayHeaders, startTestSystem, type GraphQLBody, type TestSystem } from '../helpers/system.js';

const ID_NUMBER = '11010519491231002X';
/** The attack seen: one lookup aliased 15 times (the most GraphQL Armor lets through). */
const FIFTEEN_LOOKUPS = `query Many($id: String!) { ${Array.from({ length: 15 }, (_, i) => `l${i}: person(idNumber: $id) { idNumberMasked }`).join(' ')} }`;

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({
    env: {
      RATE_LIMIT_ANALYST: '30',
      RATE_LIMIT_PORTAL: '30',
      RATE_LIMIT_WINDOW_SECONDS: '60',
      // Two operations at once; analysts may hold one of them.
      GATEWAY_MAX_CONCURRENT: '2',
      GATEWAY_RESERVED_FOR_PORTALS: '1',
      // The admission test holds a region for a while on purpose.
      SUBGRAPH_TIMEOUT_MS: '15000',
    },
  });
});

afterAll(async () => {
  await system?.stop();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: GraphQLBody<Record<string, unknown>>;
}

async function send(caller: { role: Role; subject: string; region?: string }, query: string, variables: Record<string, unknown> = { id: ID_NUMBER }): Promise<Answer> {
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await gatewayHeaders(caller)) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as GraphQLBody<Record<string, unknown>> };
}

async function csvExport(caller: { role: Role; subject: string; region?: string }): Promise<Answer> {
  const response = await fetch(`${new URL(system.gatewayUrl).origin}/export/applications.csv?year=2024`, { headers: await gatewayHeaders(caller) });
  const text = await response.text();
  const body = response.headers.get('content-type')?.startsWith('application/json') ? (JSON.parse(text) as GraphQLBody<Record<string, unknown>>) : {};
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

const codes = (answer: Answer) => answer.body.errors?.map((error) => error.extensions?.code) ?? [];

describe('the rate limit per principal', () => {
  it('counts each aliased lookup, and answers 429 RATE_LIMITED with Retry-After once a principal spent its points', async () => {
    const analyst = { role: 'analyst' as const, subject: 'script-runner' };
    const first = await send(analyst, FIFTEEN_LOOKUPS);
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    expect(Object.keys(first.body.data ?? {})).toHaveLength(15);
    expect((await send(analyst, FIFTEEN_LOOKUPS)).status).toBe(200);

    // 30 points spent: the next lookup, even a single one, is refused.
    const refused = await send(analyst, 'query One($id: String!) { person(idNumber: $id) { idNumberMasked } }');
    expect(refused.status).toBe(429);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.body.data ?? null).toBeNull();
  });

  it('refuses one operation that alone costs more than the limit', async () => {
    const many = `query Many($id: String!) { ${Array.from({ length: 15 }, (_, i) => `...F${i}`).join(' ')} } ${Array.from({ length: 15 }, (_, i) => `fragment F${i} on Query { a${i}: person(idNumber: $id) { idNumberMasked } b${i}: person(idNumber: $id) { key } c${i}: regions { code } }`).join(' ')}`;
    const refused = await send({ role: 'analyst', subject: 'fragment-user' }, many);
    // 45 root fields through fragments, over the 30 points: refused by the limit or by Armor's alias cap.
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(codes(refused).some((code) => code === 'RATE_LIMITED' || code === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
  });

  it('refuses the CSV export of a principal over its limit as the GraphQL endpoint does: 429 RATE_LIMITED with Retry-After', async () => {
    const exporter = { role: 'analyst' as const, subject: 'exporter' };
    expect((await send(exporter, FIFTEEN_LOOKUPS)).status).toBe(200);
    expect((await send(exporter, FIFTEEN_LOOKUPS)).status).toBe(200);
    const refused = await csvExport(exporter);
    expect(refused.status).toBe(429);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
  });

  it('keeps other principals apart: another subject, and the same subject in another role', async () => {
    expect((await send({ role: 'analyst', subject: 'someone-else' }, FIFTEEN_LOOKUPS)).status).toBe(200);
    const portal = await send({ role: 'portal', region: 'bz', subject: 'script-runner' }, FIFTEEN_LOOKUPS);
    expect(portal.status).toBe(200);
    expect(portal.body.errors).toBeUndefined();
  });
});

describe('admission when the gateway is saturated', () => {
  it("serves portals' checks while analysts' queries are shed with 503 OVERLOADED", async () => {
    // Saturate deterministically: bz's applications table is locked, so an analyst's listing of
    // them holds the one slot analysts may use until the lock is released.
    const locker = new pg.Client({ connectionString: system.databases.bz!.url });
    await locker.connect();
    let held: Promise<Answer> | undefined;
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE sb_sqs IN ACCESS EXCLUSIVE MODE');
      held = send({ role: 'analyst', subject: 'analyst-holding' }, '{ regions(codes: ["bz"]) { applications(first: 10) { edges { node { id } } } } }', {});
      await new Promise((resolve) => setTimeout(resolve, 500));

      const analysts = await Promise.all(
        Array.from({ length: 5 }, (_, i) => send({ role: 'analyst', subject: `analyst-${i}` }, '{ regions { code } }', {})),
      );
      for (const answer of analysts) {
        expect(answer.status).toBe(503);
        expect(codes(answer)).toEqual(['OVERLOADED']);
        expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      // The CSV export is shed the same way, not answered 502.
      const exported = await csvExport({ role: 'analyst', subject: 'analyst-exporting' });
      expect(exported.status).toBe(503);
      expect(codes(exported)).toEqual(['OVERLOADED']);
      expect(Number(exported.retryAfter)).toBeGreaterThanOrEqual(1);
      // Portals take the reserved slot, one after another from the queue: every one is served.
      const portals = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          send({ role: 'portal', region: 'bz', subject: `clerk-${i}` }, 'query Check($id: String!) { person(idNumber: $id) { idNumberMasked records { region found } } }'),
        ),
      );
      for (const answer of portals) {
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        expect(answer.body.errors).toBeUndefined();
      }
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    const holding = await held!;
    expect(holding.status).toBe(200);
    expect(holding.body.errors).toBeUndefined();
    // The slot is free again.
    expect((await send({ role: 'analyst', subject: 'analyst-after' }, '{ regions { code } }', {})).status).toBe(200);
  });
});

describe('rootFieldCount', () => {
  const countOf = (text: string) => {
    const document = parse(text);
    const fragments = Object.fromEntries(
      document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === 'FragmentDefinition').map((definition) => [definition.name.value, definition]),
    );
    const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition')!;
    return rootFieldCount(operation, fragments);
  };

  it.each([
    ['one field', '{ regions { code } }', 1],
    ['aliases, each once', '{ a: regions { code } b: regions { code } c: regions { code } }', 3],
    ['inline fragments', '{ ... on Query { a: regions { code } b: regions { code } } }', 2],
    ['named fragments, spread twice', '{ ...F ...F } fragment F on Query { a: regions { code } b: regions { code } }', 4],
    ['nested fields not at all', '{ regions { code name applications { totalCount } } }', 1],
    ['__typename alone as one', '{ __typename }', 1],
  ])('counts %s', (_label, text, expected) => {
    expect(countOf(text)).toBe(expected);
  });
});

describe('AdmissionQueue', () => {
  it('lets analysts hold all but the reserved slots, queues portals first in first out, and sheds analysts while portals wait', async () => {
    const queue = new AdmissionQueue({ maxConcurrent: 2, reservedForPortals: 1, portalQueueLimit: 2, portalQueueTimeoutMs: 1_000 });
    const analyst = await queue.admit(false);
    await expect(queue.admit(false)).rejects.toMatchObject({ extensions: { code: 'OVERLOADED' } });
    const portal = await queue.admit(true);
    const order: string[] = [];
    const second = queue.admit(true).then((release) => (order.push('second'), release));
    const third = queue.admit(true).then((release) => (order.push('third'), release));
    await expect(queue.admit(true)).rejects.toMatchObject({ extensions: { code: 'OVERLOADED' } }); // the queue is full
    analyst();
    // A freed slot goes to the waiting portal, not to a new analyst.
    await expect(queue.admit(false)).rejects.toMatchObject({ extensions: { code: 'OVERLOADED' } });
    (await second)();
    portal();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    expect(queue.inFlight).toBe(0);
    expect(queue.queued).toBe(0);
  });

  it('answers a portal that waited too long OVERLOADED, and forgets it', async () => {
    const queue = new AdmissionQueue({ maxConcurrent: 1, reservedForPortals: 0, portalQueueLimit: 5, portalQueueTimeoutMs: 50 });
    const holder = await queue.admit(true);
    await expect(queue.admit(true)).rejects.toMatchObject({ extensions: { code: 'OVERLOADED' } });
    expect(queue.queued).toBe(0);
    holder();
    expect(queue.inFlight).toBe(0);
  });
});
