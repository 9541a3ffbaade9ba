/**
 * Traces of a full duplicate check, recorded in memory: the whole system in this process shares
 * one tracer provider, but every service still reaches the next over HTTP, so a subgraph's span
 * has the gateway's (or the province's) call as its parent only because `traceparent` crossed the
 * wire. One trace holds the gateway's request, each subgraph call and each SQL statement; no span
 * anywhere carries the ID number (in any case or spelling), the person's name or a token.
 */
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGIONS } from '../../domain/regions.js';
import { shippedManifest } from '../../platform/operationManifest.js';
import { startTracing, type TracingState } from '../../platform/tracing.js';
import { insertAksApplicant, insertBzPerson, insertWlmqDeclaration } from '../fixtures/portalRows.js';
import { gatewayHeaders, startTestSystem, type TestSystem } from '../helpers/system.js';
import { ancestorsOf, CLIENT, formatTrace, SERVER, spanTexts, type SpanRecord } from '../helpers/traces.js';

const ID_NUMBER = '65010419880808105X';
/** The same number as the portals store or a client may type it. */
const ID_SPELLINGS = [ID_NUMBER, ID_NUMBER.toLowerCase(), '650104880808105' /* the old 15-digit form */, '650104198808081'];
const NAME = '钱追踪';
const REGION_CODES = REGIONS.map((region) => region.code);
const ANNUAL_REVIEW_CHECK = shippedManifest().operations.find((operation) => operation.name === 'AnnualReviewCheck')!;

const hrNanos = ([seconds, nanos]: readonly [number, number]) => BigInt(seconds) * 1_000_000_000n + BigInt(nanos);

function record(span: ReadableSpan): SpanRecord {
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: span.kind,
    service: String(span.resource.attributes['service.name']),
    startNanos: hrNanos(span.startTime),
    durationNanos: hrNanos(span.duration),
    attributes: { ...span.attributes },
    otherText: JSON.stringify({ events: span.events, status: span.status, links: span.links, resource: span.resource.attributes }),
  };
}

describe('traces of a duplicate check', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: TracingState;
  let system: TestSystem;
  let portalToken: string;
  let bzApplication: string;
  /** The service listening on each port, to tell the subgraphs' spans apart (one provider serves them all here). */
  const serviceAt = new Map<number, string>();
  const spans = () => exporter.getFinishedSpans().map(record);

  beforeAll(async () => {
    tracing = await startTracing({ service: 'test-system', otlpEndpoint: null, exporter });
    system = await startTestSystem({
      seed: async (databases) => {
        const bz = await insertBzPerson(databases.bz!.sql, { xm: NAME, sfzh: ID_NUMBER }, [{ pcdm: 'BZ2024ZJMQ', sbnd: 2024, pslb: '评审', zt: 3 }]);
        bzApplication = `bz:${bz.sqsids[0]}`;
        await insertAksApplicant(databases.aks!.sql, { fullName: NAME, idCard: ID_NUMBER }, [{ batchCode: 'AKS-2024-JXDZ-HG', year: 2023 }]);
        await insertWlmqDeclaration(databases.wlmq!.sql, { declarationNo: 'WLMQ2024-000009', certNo: ID_NUMBER, name: NAME, reviewYear: '2022' });
      },
    });
    for (const [name, service] of system.services) serviceAt.set(service.port, name);
    portalToken = (await gatewayHeaders({ role: 'portal', region: 'bz' })).authorization!;
  });
  afterAll(async () => {
    await system?.stop();
    if (tracing?.phase === 'on') await tracing.shutdown();
  });

  /** Posts to the gateway as bz's portal; returns the body and the finished trace of the request. */
  async function traced(body: unknown, headers: Record<string, string> = {}): Promise<{ answer: Record<string, unknown>; trace: SpanRecord[]; root: SpanRecord }> {
    exporter.reset();
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: portalToken, ...headers },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    const gatewayPort = system.services.get('gateway')!.port;
    // The gateway's span ends when its answer's connection event fires, just after the body.
    let root: SpanRecord | undefined;
    for (let waited = 0; !root && waited < 5_000; waited += 20) {
      root = spans().find((span) => span.kind === SERVER && span.attributes['server.port'] === gatewayPort);
      if (!root) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(root, 'the gateway recorded its request').toBeDefined();
    return { answer, trace: spans().filter((span) => span.traceId === root!.traceId), root: root! };
  }

  /** The SERVER spans of one service in a trace. */
  const served = (trace: SpanRecord[], service: string) => trace.filter((span) => span.kind === SERVER && serviceAt.get(Number(span.attributes['server.port'])) === service);

  it('follows one check from the gateway through every subgraph to each SQL statement, in one trace', async () => {
    const { answer, trace, root } = await traced({ query: ANNUAL_REVIEW_CHECK.body, operationName: 'AnnualReviewCheck', variables: { idNumber: ID_NUMBER.toLowerCase(), year: 2024 } });
    expect(answer).toMatchObject({ data: { person: { annualReview: { verdict: 'ALREADY_APPLIED', complete: true } } } });
    if (process.env.XJZC_PRINT_TRACE) console.log(formatTrace(trace, root));

    expect(root.parentSpanId, 'the gateway starts the trace').toBeUndefined();
    expect(root.name).toBe('POST /graphql');
    const request = trace.find((span) => span.name === 'gateway.request')!;
    expect(request.parentSpanId).toBe(root.spanId);
    expect(request.attributes['graphql.operation.name']).toBe('AnnualReviewCheck');
    expect(trace.some((span) => span.name === 'gateway.plan')).toBe(true);

    for (const subgraph of ['province', ...REGION_CODES]) {
      const fetches = trace.filter((span) => span.name === 'gateway.fetch' && span.attributes.service === subgraph);
      expect(fetches.length, `gateway.fetch of ${subgraph}`).toBeGreaterThan(0);
      const servers = served(trace, subgraph);
      expect(servers.length, `${subgraph} handled a call in this trace`).toBeGreaterThan(0);
      for (const server of servers) {
        // The subgraph's span hangs under the gateway's CLIENT span of that call, under its gateway.fetch.
        const [call, ...above] = ancestorsOf(trace, server);
        expect(call?.kind).toBe(CLIENT);
        expect(call?.name).toBe('POST');
        expect(call?.attributes['server.port']).toBe(system.services.get(subgraph)!.port);
        expect(above.some((span) => fetches.includes(span))).toBe(true);
      }
    }

    // Each region read the person's applications in SQL, under its own server span; the province wrote the access log.
    for (const region of REGION_CODES) {
      const statements = trace.filter((span) => span.attributes['db.namespace'] === region);
      expect(statements.length, `SQL of ${region}`).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement.name).toMatch(new RegExp(`^[A-Z]+ ${region}$`));
        expect(statement.kind).toBe(CLIENT);
        expect(statement.attributes['db.system.name']).toBe('postgresql');
        expect(statement.attributes['db.query.text']).toMatch(/\$1/);
        expect(ancestorsOf(trace, statement).some((span) => served(trace, region).includes(span))).toBe(true);
      }
    }
    const accessLog = trace.find((span) => span.name === 'INSERT province');
    expect(accessLog, 'the access-log INSERT').toBeDefined();
    expect(ancestorsOf(trace, accessLog!).some((span) => served(trace, 'province').includes(span))).toBe(true);
  });

  it('follows the province\'s own calls to the regions (a claim, the merged list)', async () => {
    const claim = await traced({
      query: 'mutation Claim($input: AnnualReviewClaimInput!) { claimAnnualReview(input: $input) { outcome missingRegions } }',
      variables: { input: { idNumber: ID_NUMBER, year: 2024, applicationId: bzApplication } },
    });
    expect(claim.answer).toMatchObject({ data: { claimAnnualReview: { outcome: 'GRANTED', missingRegions: [] } } });
    // An analyst's merged list, which reads every region (a portal's holds its own region only).
    const list = await traced(
      { query: '{ applications(filter: { year: 2024 }, first: 2) { totalCount complete } }' },
      { authorization: (await gatewayHeaders({ role: 'analyst' })).authorization! },
    );
    expect(list.answer).toMatchObject({ data: { applications: { complete: true } } });

    for (const { trace } of [claim, list]) {
      const province = served(trace, 'province');
      expect(province.length).toBeGreaterThan(0);
      for (const region of REGION_CODES) {
        const call = trace.find((span) => span.kind === CLIENT && span.attributes['xjzc.subgraph'] === region);
        expect(call, `the province's call to ${region}`).toBeDefined();
        expect(ancestorsOf(trace, call!).some((span) => province.includes(span))).toBe(true);
        const answered = served(trace, region).find((span) => span.parentSpanId === call!.spanId);
        expect(answered, `${region} continued the province's trace`).toBeDefined();
        expect(trace.some((span) => span.attributes['db.namespace'] === region && ancestorsOf(trace, span).includes(answered!))).toBe(true);
      }
    }
  });

  it('does not continue a client\'s traceparent, and keeps a client\'s operation name only when it ships', async () => {
    const clientTrace = '0af7651916cd43dd8448eb211c80319c';
    const { trace, root } = await traced(
      { query: `query Q${ID_NUMBER} { person(idNumber: "${ID_NUMBER}") { annualReview(year: 2024) { verdict } } }` },
      { traceparent: `00-${clientTrace}-b7ad6b7169203331-01` },
    );
    expect(root.traceId).not.toBe(clientTrace);
    expect(root.parentSpanId).toBeUndefined();
    expect(trace.find((span) => span.name === 'gateway.request')?.attributes['graphql.operation.name']).toBe('other');
    // A subgraph believes a traceparent only from a caller holding the gateway's token.
    exporter.reset();
    await fetch(system.services.get('bz')!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${clientTrace}-b7ad6b7169203331-01` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const bz = spans().filter((span) => span.kind === SERVER && serviceAt.get(Number(span.attributes['server.port'])) === 'bz');
    expect(bz.length).toBe(1);
    expect(bz[0]!.traceId).not.toBe(clientTrace);
    expect(bz[0]!.parentSpanId).toBeUndefined();
  });

  it('puts no ID number, name or token in any span', async () => {
    // Every span of every test above, and of one more check with the number typed into the query itself.
    const all: SpanRecord[] = [];
    exporter.reset();
    await traced({ query: ANNUAL_REVIEW_CHECK.body, operationName: 'AnnualReviewCheck', variables: { idNumber: ` ${ID_NUMBER.toLowerCase()} `, year: 2024 } });
    all.push(...spans());
    await traced({ query: `{ person(idNumber: "${ID_NUMBER}") { idNumberMasked records { region found } } }` });
    all.push(...spans());
    // A refused number (INVALID_ID_NUMBER) and a failing statement's path are errors: their messages stay out too.
    await traced({ query: `{ person(idNumber: "${ID_NUMBER.slice(0, 17)}1") { annualReview(year: 2024) { verdict } } }` });
    all.push(...spans());
    expect(all.length).toBeGreaterThan(20);
    const token = portalToken.replace(/^Bearer /, '');
    for (const text of spanTexts(all)) {
      const upper = text.toUpperCase();
      for (const spelling of ID_SPELLINGS) expect(upper).not.toContain(spelling.toUpperCase());
      expect(text).not.toContain(`${ID_NUMBER.slice(0, 17)}1`);
      expect(text).not.toContain(NAME);
      expect(text).not.toContain(token.split('.')[2]!);
      expect(text).not.toMatch(/Bearer|eyJ[\w-]+\.[\w-]+/);
    }
  });
});
