/**
 * The gateway's coalescing of concurrent entity fetches (gateway/coalesce.ts), against a real bz
 * subgraph on PostgreSQL: fetches of one caller made in the same turn share one call, each gets
 * exactly the answer (data and errors, paths renumbered) it gets alone, and fetches of different
 * callers, queries or variables are never combined.
 */
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher } from '@apollo/utils.fetcher';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { createSubgraphFetcher, SubgraphDataSource, type GatewayContext } from '../../gateway/dataSource.js';
import { shareOf } from '../../gateway/coalesce.js';
import { signInternalToken } from '../../platform/auth.js';
import { loadConfig } from '../../platform/config.js';
import { createIdentity } from '../../platform/identity.js';
import { startNamedService, type StartedService } from '../../app/services.js';
import { insertBzPerson } from '../fixtures/portalRows.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { scrape } from '../helpers/prometheus.js';
import { TEST_IDENTITY_SECRET } from '../helpers/system.js';

const identity = createIdentity(TEST_IDENTITY_SECRET);
const config = () => loadConfig({ NODE_ENV: 'test', IDENTITY_SECRET: TEST_IDENTITY_SECRET });

function idNumber(index: number): string {
  const body = `65280119800101${String(100 + index).padStart(3, '0')}`;
  return body + checkCharacter(body);
}

const PEOPLE = [0, 1, 2, 3, 4].map(idNumber);
/** Held nowhere. */
const ABSENT = idNumber(50);

const QUERY = /* GraphQL */ `
  query DuplicateCheck__bz__1($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on BzRecord { applicationsForProvince { id year status } }
    }
  }
`;

const record = (personRef: string) => ({ __typename: 'BzRecord', personRef });
const ref = (id: string) => record(identity.sealPersonRef(id));

let database: TestDatabase;
let service: StartedService;
let source: SubgraphDataSource;
let fetcher: Fetcher;
let closeFetcher: () => Promise<void>;
let analystToken: string;
let portalToken: string;

beforeAll(async () => {
  database = await createTestDatabase('bz');
  for (const [index, id] of PEOPLE.entries()) {
    await insertBzPerson(database.sql, { xm: `测试${index}`, sfzh: id }, [
      { sbnd: 2024, pslb: '评审', sbjb: '中级', zt: 3 },
      ...(index % 2 === 0 ? [{ sbnd: 2020 + index, pslb: '评审', sbjb: '初级', zt: 7 }] : []),
    ]);
  }
  service = await startNamedService('bz', loadConfig({ NODE_ENV: 'test', IDENTITY_SECRET: TEST_IDENTITY_SECRET, BZ_DATABASE_URL: database.url }), 0);
  ({ fetcher, close: closeFetcher } = createSubgraphFetcher({ timeoutMs: 3_000 }));
  source = new SubgraphDataSource('bz', { url: service.url, fetcher });
  const secret = config().internalTokenSecret;
  analystToken = await signInternalToken({ role: 'analyst', region: null, subject: 'analyst-1' }, secret);
  portalToken = await signInternalToken({ role: 'portal', region: 'bz', subject: 'portal-bz' }, secret);
});
afterAll(async () => {
  await closeFetcher?.();
  await service?.stop();
  await database?.drop();
});

/** One entity fetch as the gateway's executor makes it for a client's operation. */
function fetchEntities(
  representations: unknown[],
  options: { token?: string; requestId?: string; query?: string; variables?: Record<string, unknown> } = {},
): Promise<GatewayGraphQLResponse> {
  const context: GatewayContext = { requestId: options.requestId ?? 'req-1', internalToken: options.token ?? analystToken };
  return source.process({
    kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
    request: { query: options.query ?? QUERY, operationName: 'DuplicateCheck__bz__1', variables: { ...options.variables, representations } },
    context,
    incomingRequestContext: { context } as never,
  });
}

/** GraphQL operations the subgraph received, from its Prometheus scrape. */
async function graphqlRequests(): Promise<number> {
  return (await scrape(service.metricsUrl)).sum('xjzc_graphql_operations_total');
}

/** The answers to `batches`, each fetched on its own, one after another. */
async function alone(batches: unknown[][]): Promise<GatewayGraphQLResponse[]> {
  const answers: GatewayGraphQLResponse[] = [];
  for (const batch of batches) answers.push(await fetchEntities(batch));
  return answers;
}

const bodyOf = ({ data, errors }: GatewayGraphQLResponse) => ({ data, errors });

describe("the gateway's coalescing of entity fetches", () => {
  it('sends fetches of one caller made in the same turn as one call, each getting the answer it gets alone', async () => {
    const batches = [[ref(PEOPLE[0]!)], [ref(PEOPLE[1]!), ref(ABSENT)], [ref(PEOPLE[2]!)], [ref(PEOPLE[0]!), ref(PEOPLE[3]!)]];
    const expected = await alone(batches);
    expect(expected.every((answer) => answer.errors === undefined)).toBe(true);

    const before = await graphqlRequests();
    const together = await Promise.all(batches.map((batch, index) => fetchEntities(batch, { requestId: `req-${index}` })));
    expect((await graphqlRequests()) - before).toBe(1);
    expect(together.map(bodyOf)).toEqual(expected.map(bodyOf));
    // Each got its own share: as many entities as it sent.
    expect(together.map((answer) => (answer.data?._entities as unknown[]).length)).toEqual([1, 2, 1, 2]);
  });

  it("gives each fetch only its own errors, with the entity's index renumbered", async () => {
    const batches = [[ref(PEOPLE[0]!)], [ref(PEOPLE[1]!), record('not-a-sealed-reference')], [record('forged'), ref(PEOPLE[4]!)]];
    const expected = await alone(batches);
    const together = await Promise.all(batches.map((batch) => fetchEntities(batch)));

    expect(together.map(bodyOf)).toEqual(expected.map(bodyOf));
    expect(together[0]!.errors).toBeUndefined();
    expect(together[1]!.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['_entities', 1], 'INVALID_PERSON_REF']]);
    expect(together[2]!.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['_entities', 0], 'INVALID_PERSON_REF']]);
  });

  it('never combines fetches of different callers, queries or other variables', async () => {
    const other = QUERY.replace('id year status', 'id year status reviewKind');
    const before = await graphqlRequests();
    const answers = await Promise.all([
      fetchEntities([ref(PEOPLE[0]!)]),
      fetchEntities([ref(PEOPLE[0]!)], { token: portalToken }),
      fetchEntities([ref(PEOPLE[0]!)], { query: other }),
      fetchEntities([ref(PEOPLE[0]!)], { variables: { year: 2024 } }),
    ]);
    expect((await graphqlRequests()) - before).toBe(4);
    for (const answer of answers) expect(answer.errors).toBeUndefined();
  });

  it('sends fetches one at a time when they come in different turns', async () => {
    const before = await graphqlRequests();
    await fetchEntities([ref(PEOPLE[0]!)]);
    await fetchEntities([ref(PEOPLE[1]!)]);
    expect((await graphqlRequests()) - before).toBe(2);
  });

  it('starts a new call past 100 representations', async () => {
    const batches = Array.from({ length: 5 }, () => Array.from({ length: 30 }, (_, index) => ref(PEOPLE[index % PEOPLE.length]!)));
    const before = await graphqlRequests();
    const together = await Promise.all(batches.map((batch) => fetchEntities(batch)));
    // 30 + 30 + 30 fit in one call of 100; the fourth and fifth make a second.
    expect((await graphqlRequests()) - before).toBe(2);
    for (const answer of together) {
      expect(answer.errors).toBeUndefined();
      expect((answer.data?._entities as unknown[]).length).toBe(30);
    }
  });

  it('starts a new call before the representations pass 48 kB, so no call is refused as too large', async () => {
    // Representations carry the data a @requires needs; here, padding the subgraph ignores.
    const padded = (id: string) => ({ ...ref(id), padding: 'x'.repeat(5_000) });
    const batches = Array.from({ length: 20 }, (_, index) => [padded(PEOPLE[index % PEOPLE.length]!)]);
    const before = await graphqlRequests();
    const together = await Promise.all(batches.map((batch) => fetchEntities(batch)));
    // 20 × 5 kB: nine fit in each call of 48 kB, so three calls, none over the subgraph's 100 kB.
    expect((await graphqlRequests()) - before).toBe(3);
    for (const answer of together) {
      expect(answer.errors).toBeUndefined();
      expect((answer.data?._entities as unknown[]).length).toBe(1);
    }
  });

  it("waits only for its own call: a slow subgraph's fetch in the same turn does not hold another's back", async () => {
    // A subgraph that answers after 1.5 s, served through the same fetcher as bz, as in the gateway.
    const slow = createServer((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"_entities":[null]}}'), 1_500);
    });
    slow.listen(0, '127.0.0.1');
    await once(slow, 'listening');
    const slowSource = new SubgraphDataSource('aks', { url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/graphql`, fetcher });
    const context: GatewayContext = { requestId: 'req-slow', internalToken: analystToken };
    try {
      const started = performance.now();
      const slowAnswer = slowSource.process({
        kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
        request: { query: QUERY.replaceAll('Bz', 'Aks'), variables: { representations: [{ __typename: 'AksRecord', personRef: 'x' }] } },
        context,
        incomingRequestContext: { context } as never,
      });
      const fast = await fetchEntities([ref(PEOPLE[0]!)]);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(fast.errors).toBeUndefined();
      expect((await slowAnswer).data).toEqual({ _entities: [null] });
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  it('fails every fetch of a call that fails, each as REGION_UNAVAILABLE', async () => {
    const { fetcher, close } = createSubgraphFetcher({ timeoutMs: 500 });
    const unreachable = new SubgraphDataSource('bz', { url: 'http://127.0.0.1:9/graphql', fetcher });
    const context: GatewayContext = { requestId: 'req-x', internalToken: analystToken };
    const call = (representations: unknown[]) =>
      unreachable.process({
        kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
        request: { query: QUERY, variables: { representations } },
        context,
        incomingRequestContext: { context } as never,
      });
    try {
      const outcomes = await Promise.allSettled([call([ref(PEOPLE[0]!)]), call([ref(PEOPLE[1]!)])]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason.extensions).toMatchObject({ code: 'REGION_UNAVAILABLE', region: 'bz' });
      }
    } finally {
      await close();
    }
  });
});

describe('one share of a coalesced answer', () => {
  const answer: GatewayGraphQLResponse = {
    data: { _entities: ['a', 'b', 'c', 'd'] },
    errors: [
      { message: 'on b', path: ['_entities', 1, 'applicationsForProvince'] },
      { message: 'on d', path: ['_entities', 3] },
      { message: 'whole call' },
    ],
  };

  it('keeps its entities and their errors, renumbered, and errors without an entity', () => {
    expect(shareOf(answer, 1, 2)).toEqual({
      data: { _entities: ['b', 'c'] },
      errors: [{ message: 'on b', path: ['_entities', 0, 'applicationsForProvince'] }, { message: 'whole call' }],
    });
    expect(shareOf(answer, 3, 1).errors).toEqual([{ message: 'on d', path: ['_entities', 0] }, { message: 'whole call' }]);
  });

  it('passes on an answer without data as it is', () => {
    expect(shareOf({ data: null, errors: [{ message: 'refused' }] }, 2, 2)).toEqual({ data: null, errors: [{ message: 'refused' }] });
  });
});
