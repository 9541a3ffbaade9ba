/**
 * Traces leave by OTLP as production sends them: every service its own process
 * (NODE_ENV=production, `scripts/serve.ts <name>`), OTEL_EXPORTER_OTLP_ENDPOINT pointing at a
 * small OTLP/HTTP receiver in this test. One portal check arrives as one trace across the five
 * processes, each service under its own name, the subgraphs' spans parented by the callers' spans
 * only through `traceparent` on the wire; what was sent carries no ID number, name or token.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGIONS } from '../../domain/regions.js';
import { shippedManifest } from '../../platform/operationManifest.js';
import { insertAksApplicant, insertBzPerson, insertWlmqDeclaration } from '../fixtures/portalRows.js';
import { startProcessSystem, type ProcessSystem } from '../helpers/processSystem.js';
import { ancestorsOf, CLIENT, formatTrace, SERVER, spanTexts, type SpanRecord } from '../helpers/traces.js';

const ID_NUMBER = '65020319850317203X';
const NAME = '孙导出';
const ANNUAL_REVIEW_CHECK = shippedManifest().operations.find((operation) => operation.name === 'AnnualReviewCheck')!;

/** OTLP/JSON's attribute value: one of these is set. */
interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: Array<{ key: string; value: OtlpValue }>;
  events?: unknown[];
  links?: unknown[];
  status?: unknown;
}
interface OtlpExport {
  resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: OtlpValue }> }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
}

const valueOf = (value: OtlpValue): unknown => value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue));

/** The spans of one OTLP/JSON export request, in the tests' shape (OTLP numbers span kinds from 1 = internal). */
function spansOf(body: OtlpExport): SpanRecord[] {
  return body.resourceSpans.flatMap(({ resource, scopeSpans }) => {
    const service = String(valueOf(resource.attributes.find((attribute) => attribute.key === 'service.name')!.value));
    return scopeSpans.flatMap(({ spans }) =>
      spans.map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        name: span.name,
        kind: span.kind - 1,
        service,
        startNanos: BigInt(span.startTimeUnixNano),
        durationNanos: BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano),
        attributes: Object.fromEntries((span.attributes ?? []).map(({ key, value }) => [key, valueOf(value)])),
        otherText: JSON.stringify({ events: span.events, links: span.links, status: span.status, resource }),
      })),
    );
  });
}

describe('traces exported by OTLP from the services as production runs them', () => {
  const received: Array<{ path: string; contentType: string; text: string }> = [];
  let receiver: http.Server;
  let system: ProcessSystem | undefined;
  let portalToken: string;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), text: Buffer.concat(chunks).toString('utf8') });
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    system = await startProcessSystem({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
      seed: async (databases) => {
        await insertBzPerson(databases.bz!.sql, { xm: NAME, sfzh: ID_NUMBER }, [{ pcdm: 'BZ2024ZJMQ', sbnd: 2024, pslb: '评审', zt: 3 }]);
        await insertAksApplicant(databases.aks!.sql, { fullName: NAME, idCard: ID_NUMBER }, [{ batchCode: 'AKS-2024-JXDZ-HG', year: 2023 }]);
        await insertWlmqDeclaration(databases.wlmq!.sql, { declarationNo: 'WLMQ2024-000011', certNo: ID_NUMBER, name: NAME, reviewYear: '2022' });
      },
    });
    portalToken = await system.token({ role: 'portal', region: 'bz' });
  }, 240_000);
  afterAll(async () => {
    await system?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('sends one check as one trace across the five processes, and nothing of the person', async () => {
    // Twice: the trace looked at is the second check's, past the first request's one-time costs.
    for (let check = 0; check < 2; check++) {
      const response = await fetch(system!.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${portalToken}` },
        body: JSON.stringify({ query: ANNUAL_REVIEW_CHECK.body, operationName: 'AnnualReviewCheck', variables: { idNumber: ID_NUMBER, year: 2024 } }),
      });
      expect(await response.json()).toMatchObject({ data: { person: { annualReview: { verdict: 'ALREADY_APPLIED', complete: true } } } });
    }
    // Stopping a service exports what its batch still holds.
    await system!.stop();
    system = undefined;

    expect(received.length).toBeGreaterThan(0);
    for (const request of received) {
      expect(request.path).toBe('/v1/traces');
      expect(request.contentType).toMatch(/^application\/json/);
    }
    const spans = received.flatMap((request) => spansOf(JSON.parse(request.text) as OtlpExport));
    const roots = spans.filter((span) => span.service === 'xjzc-gateway' && span.kind === SERVER && span.name === 'POST /graphql' && span.parentSpanId === undefined);
    expect(roots).toHaveLength(2);
    const root = roots.sort((a, b) => (a.startNanos < b.startNanos ? -1 : 1))[1]!;
    const trace = spans.filter((span) => span.traceId === root.traceId);
    if (process.env.XJZC_PRINT_TRACE) console.log(formatTrace(trace, root));

    for (const service of ['province', ...REGIONS.map((region) => region.code)]) {
      const handled = trace.filter((span) => span.service === `xjzc-${service}` && span.kind === SERVER);
      expect(handled.length, `${service} in the gateway's trace`).toBeGreaterThan(0);
      for (const span of handled) {
        const caller = ancestorsOf(trace, span)[0];
        expect(caller?.service).toBe('xjzc-gateway');
        expect(caller?.kind).toBe(CLIENT);
      }
      const statements = trace.filter((span) => span.service === `xjzc-${service}` && span.attributes['db.system.name'] === 'postgresql');
      expect(statements.length, `${service}'s SQL in the trace`).toBeGreaterThan(0);
    }

    const token = portalToken.split('.')[2]!;
    for (const text of [...received.map((request) => request.text), ...spanTexts(spans)]) {
      expect(text.toUpperCase()).not.toContain(ID_NUMBER);
      expect(text).not.toContain(NAME);
      expect(text).not.toContain(token);
      expect(text).not.toMatch(/Bearer|eyJ[\w-]+\.[\w-]+/);
    }
  }, 120_000);
});
