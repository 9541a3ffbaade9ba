/**
 * How the gateway calls a subgraph. @apollo/gateway has no timeout and its default agent allows
 * 15 sockets per origin (apollographql/federation#1647): this data source
 * uses undici with keep-alive and a larger pool, and aborts a call after a fixed time, so one slow
 * region cannot hold a request, or the gateway's sockets, hostage.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { Agent, Headers, errors as undiciErrors } from 'undici';
import { DOCUMENT_HASH_HEADER, OPERATION_NAME_HEADER, REQUEST_ID_HEADER } from '../platform/http.js';
import type { ServiceMetrics } from '../platform/metrics.js';
import { tracedCall } from '../platform/tracing.js';
import { noteReceipts, receiptHeaders, type ReceiptState } from './accessReceipts.js';
import { BufferedResponse } from './bufferedResponse.js';
import { isCircuitOpen } from './circuitBreaker.js';
import { coalesceEntityFetches, type CoalescerOptions } from './coalesce.js';
import { reuseFreshFetches } from './reuseFreshFetches.js';
import { shareIdenticalFetches } from './shareInFlight.js';

/**
 * The deadline of one subgraph call, ms, set per operation (a portal's check waits less than an
 * analyst's query) and read by the transport, which does not send it on.
 */
export const DEADLINE_HEADER = 'x-subgraph-deadline-ms';

export interface GatewayContext {
  requestId: string;
  /** How long each subgraph call of this operation may take, ms: shorter for portals' checks. */
  subgraphDeadlineMs?: number;
  /** The gateway's own short-lived token naming the verified caller (platform/auth.ts). */
  internalToken?: string;
  /** The operation's access-log receipts (gateway/accessReceipts.ts). */
  accessReceipts?: ReceiptState;
}

export interface SubgraphFetcherOptions {
  /** Abort a subgraph call after this long, ms, unless the operation set a deadline of its own (DEADLINE_HEADER). */
  timeoutMs: number;
  /** Sockets per subgraph origin. @default 64 */
  connections?: number;
  /** Limits of a coalesced call (gateway/coalesce.ts). */
  coalescing?: CoalescerOptions;
}

/**
 * The transport: undici's `request` on a keep-alive pool, not `fetch`. A gateway call is one small
 * POST and one small JSON answer; `fetch` wraps both in WHATWG streams and an AbortSignal, which
 * took about a third of the gateway's CPU in the benchmark's profile (README "Benchmarks").
 * One timer bounds the whole call, to the millisecond (undici's own timeouts, kept as a backstop,
 * tick in steps of up to a second).
 */
function undiciTransport(options: SubgraphFetcherOptions): { fetcher: Fetcher; close(): Promise<void> } {
  const agent = new Agent({
    connections: options.connections ?? 64,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    connectTimeout: Math.min(options.timeoutMs, 2_000),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const fetcher = async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const target = new URL(url);
    const { [DEADLINE_HEADER]: deadlineHeader, ...headers } = (init.headers ?? {}) as Record<string, string>;
    const deadlineMs = Number(deadlineHeader);
    const timeoutMs = Number.isInteger(deadlineMs) && deadlineMs > 0 ? Math.min(deadlineMs, options.timeoutMs) : options.timeoutMs;
    // A plain timer and controller: AbortSignal.timeout costs 30 times as much per call on Node 20.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException('The subgraph did not answer in time.', 'TimeoutError')), timeoutMs);
    try {
      // In a span of its own with `traceparent` added while tracing is on (platform/tracing.ts).
      const response = await tracedCall(target, null, headers, (sent) =>
        agent.request({
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method: (init.method ?? 'POST') as 'POST',
          headers: sent,
          body: init.body ?? null,
          signal: deadline.signal,
        }),
      );
      const answerHeaders = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        if (Array.isArray(value)) for (const each of value) answerHeaders.append(name, each);
        else if (value !== undefined) answerHeaders.set(name, value);
      }
      return new BufferedResponse(url, response.statusCode, answerHeaders, { text: await response.body.text() });
    } finally {
      clearTimeout(timer);
    }
  };
  return { fetcher: fetcher as Fetcher, close: () => agent.close() };
}

/**
 * The gateway's fetcher, which every SubgraphDataSource is given: layers of the public `Fetcher`
 * type, each wrapping the next, outermost first. To add a layer (a circuit breaker, a retry),
 * wrap the transport here.
 */
export function createSubgraphFetcher(options: SubgraphFetcherOptions): {
  fetcher: Fetcher;
  /** `fetcher`, where identical queries in flight at once are also sent once (gateway/shareInFlight.ts): for the regions. */
  sharingFetcher: Fetcher;
  close(): Promise<void>;
} {
  const transport = undiciTransport(options);
  // Entity fetches of concurrent operations of one caller share a call (gateway/coalesce.ts).
  const coalesced = coalesceEntityFetches(transport.fetcher, options.coalescing);
  // Outermost: an answer the subgraph says is still true is not fetched again (gateway/reuseFreshFetches.ts).
  return { fetcher: reuseFreshFetches(coalesced), sharingFetcher: reuseFreshFetches(shareIdenticalFetches(coalesced)), close: transport.close };
}

/** The call took longer than the timeout: undici's own timeouts, or an aborted signal. */
function isTimeout(error: unknown): boolean {
  return (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
  );
}

/**
 * The subgraph answered the call with HTTP 4xx: it was reached, and refused what the gateway sent
 * (a body over its limit, 413; a request it could not read, 400). Not the region being down.
 */
function refusedStatus(error: unknown): number | null {
  const status = error instanceof GraphQLError ? (error.extensions.response as { status?: unknown } | undefined)?.status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

/** How a subgraph call ended: answered, or the REGION_UNAVAILABLE reason. */
export type SubgraphCallOutcome = 'ok' | 'timeout' | 'unreachable' | 'circuit_open' | 'refused';

/** Records one fetch of an operation from a subgraph, however many fetches one HTTP call carried (gateway/coalesce.ts). */
export type SubgraphCallRecorder = (subgraph: string, outcome: SubgraphCallOutcome, seconds: number) => void;

export function subgraphCallMetrics(metrics: ServiceMetrics): SubgraphCallRecorder {
  const calls = metrics.counter({
    name: 'xjzc_subgraph_calls_total',
    help: 'Gateway fetches from a subgraph (one per fetch of an operation; coalesced fetches share an HTTP call), by outcome: ok, timeout, unreachable, circuit_open (not called: known down), refused (answered HTTP 4xx).',
    labelNames: ['subgraph', 'outcome'],
  });
  const duration = metrics.histogram({
    name: 'xjzc_subgraph_call_duration_seconds',
    help: 'Duration of gateway calls to a subgraph, by outcome.',
    labelNames: ['subgraph', 'outcome'],
  });
  return (subgraph, outcome, seconds) => {
    calls.inc({ subgraph, outcome });
    duration.observe({ subgraph, outcome }, seconds);
  };
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    /** The subgraph's name in the supergraph: `province` or a region code. */
    readonly serviceName: string,
    options: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly recordCall: SubgraphCallRecorder = () => {},
  ) {
    super(options);
  }

  /**
   * A subgraph that cannot be reached, times out or answers non-2xx becomes one error naming the
   * service (never its URL, which the gateway would otherwise pass on in `extensions.response`).
   * The gateway then answers with what the other subgraphs returned.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    try {
      const answer = await super.process(options);
      this.recordCall(this.serviceName, 'ok', (performance.now() - started) / 1000);
      return answer;
    } catch (error) {
      const status = refusedStatus(error);
      const outcome: SubgraphCallOutcome = isCircuitOpen(error) ? 'circuit_open' : isTimeout(error) ? 'timeout' : status !== null ? 'refused' : 'unreachable';
      this.recordCall(this.serviceName, outcome, (performance.now() - started) / 1000);
      // The gateway sent something the subgraph would not take: the gateway's mistake or a limit
      // out of step, to be looked into, not an outage.
      if (status !== null) {
        (options.context as { log?: { warn(fields: object, message: string): void } }).log?.warn(
          { event: 'subgraph_refused_call', subgraph: this.serviceName, status },
          'a subgraph refused the gateway\'s call with HTTP 4xx',
        );
      }
      const why = { circuit_open: ' (it failed repeatedly and is not being waited on)', timeout: ' in time', refused: ' (it refused the request)', unreachable: '', ok: '' }[outcome];
      throw new GraphQLError(
        this.serviceName === 'province'
          ? `The province service did not answer${why}; try again shortly.`
          : `The ${this.serviceName} region did not answer${why}; its data is missing from this answer.`,
        {
          extensions: {
            code: 'REGION_UNAVAILABLE',
            ...(this.serviceName === 'province' ? {} : { region: this.serviceName }),
            reason: { circuit_open: 'CIRCUIT_OPEN', timeout: 'TIMEOUT', refused: 'REFUSED', unreachable: 'UNREACHABLE', ok: 'UNREACHABLE' }[outcome],
          },
        },
      );
    }
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Only operations that came from a client (the kind of call with an incoming request context)
    // carry its request id; health checks and schema loading have no such context.
    if (!('incomingRequestContext' in options)) return;
    const { requestId, internalToken, subgraphDeadlineMs } = options.context;
    if (requestId) options.request.http?.headers.set(REQUEST_ID_HEADER, requestId);
    if (subgraphDeadlineMs) options.request.http?.headers.set(DEADLINE_HEADER, String(subgraphDeadlineMs));
    // The operation's name as this gateway parsed it (a GraphQL name, cut to 100 characters), for
    // the subgraphs' logs and the access log: not the subgraph operation's name, which embeds it.
    const name = options.incomingRequestContext?.operationName;
    if (name) options.request.http?.headers.set(OPERATION_NAME_HEADER, name.slice(0, 100));
    // And the document's hash: a name is the client's to choose, the document it sent is not.
    const hash = options.incomingRequestContext?.queryHash;
    if (hash) options.request.http?.headers.set(DOCUMENT_HASH_HEADER, hash);
    // The caller's verified claims travel only with the caller's own operations, signed by the
    // gateway; anything else the gateway sends carries no principal, so the subgraphs refuse it.
    if (internalToken) options.request.http?.headers.set('authorization', `Bearer ${internalToken}`);
    if (this.serviceName === 'province') for (const [name, value] of receiptHeaders(options.context.accessReceipts)) options.request.http?.headers.set(name, value);
  }

  override didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]): GatewayGraphQLResponse {
    // The province's word on access-log receipts; the gateway passes no subgraph's extensions on.
    if (this.serviceName === 'province') noteReceipts(context.accessReceipts, response.extensions);
    return response;
  }
}
