/**
 * Traces (OpenTelemetry): one trace per client request, from the gateway's HTTP server through
 * @apollo/gateway's own spans (`gateway.request`, `gateway.plan`, `gateway.fetch`, …), each
 * subgraph call, the subgraph's handling of it and each SQL statement it sends, with W3C
 * `traceparent` carried on every call between services.
 *
 * Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then nothing of the SDK is even loaded, no
 * tracer provider is registered (the API's no-op tracer stays in place, and @apollo/gateway's spans
 * cost what a no-op costs), and the helpers below call straight through. On, each process exports
 * its spans in batches by OTLP/HTTP (JSON) to `<endpoint>/v1/traces` and nowhere else: no resource
 * detector runs (they probe cloud-metadata hosts), the resource is the service's name and
 * instance only.
 *
 * What a span may say: routes, methods, status codes, subgraph and region names, SQL text with its
 * `$n` placeholders (literals masked), SQLSTATE codes and error class names. Never an ID number, a
 * name, a token, GraphQL variables, request or response headers or bodies, a URL's query string, or
 * an error's message (a database's message can quote the value it refused). A client-chosen
 * operation name is kept only when it is one the project ships (the operation manifest), as in the
 * metrics.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_RESPONSE_STATUS_CODE,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_NAMESPACE,
  ATTR_URL_PATH,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from '@opentelemetry/semantic-conventions';
import { operationLabeller } from './metrics.js';
import { manifestOperationNames } from './operationManifest.js';

/** The project's instrumentation scope, as exporters show it. */
const SCOPE = 'xjzc';
/** Attribute naming the subgraph (or region) a call goes to. */
export const ATTR_SUBGRAPH = 'xjzc.subgraph';
/** Longest SQL text kept on a span; a statement's start says which one it is. */
const MAX_QUERY_TEXT = 4_000;
/** The attributes @apollo/gateway 2.14 fills with the client's operation name (dist/utilities/opentelemetry.js). */
const OPERATION_NAME_ATTRIBUTES = ['graphql.operation.name', 'operationName'];

export interface TracingOptions {
  /** `gateway`, `province` or a region code: the resource's `service.name` is `xjzc-<service>`. */
  service: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: spans go to `<endpoint>/v1/traces`. Null: tracing off. */
  otlpEndpoint: string | null;
  /** Tests: export every span to this at once (e.g. an InMemorySpanExporter) instead of by OTLP. */
  exporter?: SpanExporter;
}

/** What `startTracing` did: left tracing off, or registered a provider exporting somewhere. */
export type TracingState =
  | { phase: 'off' }
  | { phase: 'on'; exportsTo: string; /** Exports what is still buffered, then stops. */ shutdown(): Promise<void> };

/** The tracer of this process while tracing is on; null (every helper calls straight through) while off. */
let tracer: Tracer | null = null;

/**
 * Once per process, before its services start: registers a tracer provider when a destination is
 * configured, and nothing otherwise. The SDK is imported only then.
 */
export async function startTracing(options: TracingOptions): Promise<TracingState> {
  if (tracer) throw new Error('Tracing is already started in this process.');
  if (!options.otlpEndpoint && !options.exporter) return { phase: 'off' };
  const [{ NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
  ]);
  let exportsTo = 'the given exporter';
  let processor: SpanProcessor;
  if (options.exporter) processor = new SimpleSpanProcessor(options.exporter);
  else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    // The signal's path is appended to the general endpoint (OpenTelemetry's exporter specification).
    const url = `${options.otlpEndpoint!.replace(/\/+$/, '')}/v1/traces`;
    // In batches (every 5 s, or 512 spans), at most 2,048 waiting: a collector that is down costs
    // dropped spans, never the service's memory or its requests' time.
    processor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
    const shown = new URL(url);
    shown.username = '';
    shown.password = '';
    exportsTo = shown.toString();
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: `xjzc-${options.service}`,
      [ATTR_SERVICE_NAMESPACE]: 'xjzc',
      // Replicas of one service are told apart by this.
      [ATTR_SERVICE_INSTANCE_ID]: randomUUID(),
    }),
    spanProcessors: [knownOperationNamesOnly(), processor],
  });
  // The async-hooks context manager and the W3C trace-context propagator.
  provider.register();
  tracer = provider.getTracer(SCOPE);
  return {
    phase: 'on',
    exportsTo,
    shutdown: async () => {
      tracer = null;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** Whether spans are being recorded in this process. */
export function tracingIsOn(): boolean {
  return tracer !== null;
}

/**
 * @apollo/gateway names its spans' operation after the client's `operationName`, which is free
 * text a client could fill with anything, an ID number included: only names the project ships stay.
 */
function knownOperationNamesOnly(): SpanProcessor {
  const label = operationLabeller(manifestOperationNames());
  return {
    onStart(span) {
      for (const name of OPERATION_NAME_ATTRIBUTES) {
        const given = span.attributes[name];
        if (given !== undefined) span.setAttribute(name, label(String(given)));
      }
    },
    onEnd() {},
    forceFlush: async () => {},
    shutdown: async () => {},
  };
}

/** The class of an error, never its message: `TimeoutError`, a SQLSTATE such as `57014`, … */
function errorType(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : error.name;
  }
  return typeof error;
}

function failed(span: Span, error: unknown): void {
  span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** The active span, when there is one being recorded: work outside a traced request (warm-up, readiness probes) gets no spans. */
function recordingParent(): Context | null {
  const active = context.active();
  return trace.getSpan(active)?.isRecording() ? active : null;
}

/**
 * Starts the SERVER span of one request to this service and returns the context to handle it in,
 * or null while tracing is off. `trustParent`: the request came from the gateway or the province
 * (it carries their token), so its `traceparent` continues their trace; anyone else's is ignored,
 * so a client can neither join nor suppress a trace. Ends when the answer is sent.
 */
export function startServerSpan(req: IncomingMessage, res: ServerResponse, request: { route: string; trustParent: boolean; startTime: number; port: number }): Context | null {
  if (!tracer) return null;
  const parent = request.trustParent ? propagation.extract(ROOT_CONTEXT, req.headers) : ROOT_CONTEXT;
  const method = (req.method ?? 'GET').toUpperCase();
  const span = tracer.startSpan(
    `${method} ${request.route}`,
    {
      kind: SpanKind.SERVER,
      startTime: request.startTime,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        // The route, never the URL: a query string may carry anything a client typed.
        [ATTR_HTTP_ROUTE]: request.route,
        [ATTR_SERVER_PORT]: request.port,
      },
    },
    parent,
  );
  res.once('close', () => {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
    if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return trace.setSpan(parent, span);
}

/** A trace context, as `startServerSpan` and `activeContext` give it, to run work in with `inContext`. */
export type TraceContext = Context;

/** The active trace context, to run deferred work in later (`inContext`); null while tracing is off. */
export function activeContext(): TraceContext | null {
  return tracer ? context.active() : null;
}

/** Runs `work` in `traced` (from startServerSpan or activeContext), or plainly when that is null. */
export function inContext<T>(traced: Context | null, work: () => T): T {
  return traced ? context.with(traced, work) : work();
}

/**
 * One outgoing POST to another service of the system (the gateway's subgraph calls, the
 * province's calls to the regions) in a CLIENT span, with `traceparent` added to the headers it
 * is sent with. Without a traced request around it: `send(headers)` as it is.
 */
export function tracedCall<R extends { statusCode: number }>(
  target: URL,
  subgraph: string | null,
  headers: Record<string, string>,
  send: (headers: Record<string, string>) => Promise<R>,
): Promise<R> {
  const parent = tracer && recordingParent();
  return tracer && parent ? callInSpan(tracer, parent, target, subgraph, headers, send) : send(headers);
}

async function callInSpan<R extends { statusCode: number }>(
  recorder: Tracer,
  parent: Context,
  target: URL,
  subgraph: string | null,
  headers: Record<string, string>,
  send: (headers: Record<string, string>) => Promise<R>,
): Promise<R> {
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: 'POST',
    [ATTR_SERVER_ADDRESS]: target.hostname,
    [ATTR_SERVER_PORT]: Number(target.port || (target.protocol === 'https:' ? 443 : 80)),
    [ATTR_URL_PATH]: target.pathname,
  };
  if (subgraph) attributes[ATTR_SUBGRAPH] = subgraph;
  const span = recorder.startSpan('POST', { kind: SpanKind.CLIENT, attributes }, parent);
  const traced = trace.setSpan(parent, span);
  const carried = { ...headers };
  propagation.inject(traced, carried);
  try {
    const response = await context.with(traced, () => send(carried));
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
    if (response.statusCode >= 400) {
      span.setAttribute(ATTR_ERROR_TYPE, String(response.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    return response;
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** The statement's first keyword, upper case: `SELECT`, `INSERT`, `BEGIN`, … */
function operationOf(statement: string): string {
  return /^\s*([A-Za-z]+)/.exec(statement)?.[1]?.toUpperCase() ?? 'SQL';
}

/**
 * The statement as a span may show it. Every statement of this project passes its values as `$n`
 * parameters; should one ever spell a value out, its quoted strings and long digit runs (an ID
 * number has 15 or 18) are masked anyway.
 */
export function maskedStatement(statement: string): string {
  return statement
    .replace(/'(?:[^']|'')*'/g, "'?'")
    .replace(/\b\d{6,}[Xx]?\b/g, '?')
    .slice(0, MAX_QUERY_TEXT);
}

/**
 * One SQL statement to `database` (a region code, or `province`) in a CLIENT span named
 * `<OPERATION> <database>`. Without a traced request around it: `run()` as it is.
 */
export function tracedStatement<T>(database: string, statement: string, run: () => Promise<T>): Promise<T> {
  const parent = tracer && recordingParent();
  return tracer && parent ? statementInSpan(tracer, parent, database, statement, run) : run();
}

async function statementInSpan<T>(recorder: Tracer, parent: Context, database: string, statement: string, run: () => Promise<T>): Promise<T> {
  const operation = operationOf(statement);
  const span = recorder.startSpan(
    `${operation} ${database}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
        [ATTR_DB_NAMESPACE]: database,
        [ATTR_DB_OPERATION_NAME]: operation,
        [ATTR_DB_QUERY_TEXT]: maskedStatement(statement),
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), run);
  } catch (error) {
    failed(span, error);
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) span.setAttribute(ATTR_DB_RESPONSE_STATUS_CODE, code);
    throw error;
  } finally {
    span.end();
  }
}
