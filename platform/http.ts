/**
 * The HTTP server every service runs: GraphQL at POST /graphql (Apollo Server's own request
 * pipeline), liveness at GET /health, readiness at GET /ready, a request id on every request, a
 * body-size limit, and a graceful shutdown that finishes in-flight requests. Metrics are not
 * served here but on a listener of their own (platform/metrics.ts).
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import bodyParser from 'body-parser';
import type { Logger } from './logger.js';
import { routeLabel, type ServiceMetrics } from './metrics.js';
import { inContext, startServerSpan, tracingIsOn, type TraceContext } from './tracing.js';

export interface ReadinessReport {
  ready: boolean;
  /** One entry per dependency: `ok`, or a short reason it is not ready (never a URL or a secret). */
  checks: Record<string, string>;
}

export interface RequestInfo {
  req: IncomingMessage;
  /** This request's id: the service's own, or at a subgraph the gateway's (see `fromGateway`). */
  requestId: string;
  /**
   * The operation's name as the gateway parsed it (`x-operation-name`), at a subgraph called by the
   * gateway; null otherwise. Never the subgraph operation's name, which a client's name shapes.
   */
  operationName: string | null;
  log: Logger;
}

export interface ServiceOptions<TContext extends BaseContext> {
  /** `gateway`, `province`, `bz`, …: used in logs. */
  name: string;
  log: Logger;
  apollo: ApolloServer<TContext>;
  context: (info: RequestInfo) => Promise<TContext>;
  readiness: () => Promise<ReadinessReport>;
  /** Largest accepted request body, in body-parser's notation. @default '100kb' */
  bodyLimit?: string;
  /** How long shutdown waits for in-flight requests before closing them, ms (SHUTDOWN_GRACE_MS). @default 10000 */
  drainTimeoutMs?: number;
  /**
   * While draining, idle keep-alive connections are closed once no request has arrived, nor an
   * answer left a connection open, for this long, ms. @default 100 (tests lengthen it to show a
   * drain with no idle connection left does not wait for it).
   */
  drainQuietMs?: number;
  /** The service's Prometheus registry (served on its own port, not here: platform/metrics.ts). */
  metrics?: ServiceMetrics;
  /**
   * Runs the service's first real query paths once (after it listens), so that its first real
   * request does not pay for cold code and connections. Until one run succeeded, /ready answers
   * 503 with `warm: not yet`; a failed run (a database still down) is retried every second.
   */
  warmUp?: () => Promise<void>;
  /**
   * Whether a request comes from the gateway (a subgraph: it carries a valid gateway token). Only
   * then are its `x-request-id`, `x-coalesced-request-ids` and `x-operation-name` believed; from
   * anyone else they are ignored. Absent (the gateway itself): never, so the gateway always logs
   * its own request id, and a client's `x-request-id` only as `clientRequestId`.
   */
  fromGateway?: (req: IncomingMessage) => Promise<boolean>;
  /**
   * Other routes (the gateway's pages and CSV export): returns true when it took the request.
   * Asked before the 404, after /health, /ready and /graphql.
   */
  routes?: (req: IncomingMessage, res: ServerResponse, info: RequestInfo) => boolean;
  /**
   * Where a browser that opens GET /graphql (asking for HTML, with no query) is sent: the gateway's
   * own workbench, where Apollo Server would have served its hosted Sandbox. Absent: no redirect.
   */
  browserPage?: string;
}

export interface RunningService {
  url: string;
  port: number;
  /**
   * Stops accepting connections, answers the requests already received (within the grace period;
   * then their connections are closed), then stops Apollo Server. /ready answers 503 meanwhile.
   */
  stop(): Promise<void>;
}

/** What a request id must look like to be logged at all: a plain token, at most 100 characters. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** A drain closes the idle connections once no request has arrived for this long (and none is in flight), ms. */
const QUIET_MS = 100;

/**
 * Where a service is in its life, as one value (gateway/readiness.ts does the same):
 * - `starting`: not listening yet;
 * - `warming`: listening, but its warm-up has not succeeded yet (/ready: 503, `warm: not yet`);
 *   `retry` is the next attempt, when one is scheduled;
 * - `serving`;
 * - `draining`: `stop()` was called. Every answer closes its connection and /ready says 503.
 *   `requestEnded` is told each time a request's response closes; `done` settles once every
 *   received request is answered, every connection is closed (the server's 'close' event) and
 *   Apollo Server has stopped, or rejects if stopping failed (a second `stop()` gets the same);
 * - `stopped`.
 */
type Lifecycle =
  | { phase: 'starting' }
  | { phase: 'warming'; retry: NodeJS.Timeout | undefined }
  | { phase: 'serving' }
  | { phase: 'draining'; requestEnded: () => void; done: Promise<void> }
  | { phase: 'stopped' };

/**
 * Sent by the gateway when it coalesced several operations' entity fetches into one call
 * (gateway/coalesce.ts): the request ids of the operations after the first, space-separated.
 */
export const COALESCED_REQUEST_IDS_HEADER = 'x-coalesced-request-ids';

/** The operation's name as the gateway parsed it, sent by the gateway with every subgraph call. */
export const OPERATION_NAME_HEADER = 'x-operation-name';

/**
 * The SHA-256 (hex) of the client's document as the gateway hashed it (Apollo's query hash), sent
 * with every subgraph call of the operation: with the name, what the access log records of it.
 */
export const DOCUMENT_HASH_HEADER = 'x-document-hash';

/** A GraphQL name (spec §2.1.9), bounded: what the gateway sends, and all a subgraph believes. */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/** The request id a caller sent, when it is a plain token; otherwise none. */
function givenRequestId(req: IncomingMessage): string | undefined {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : undefined;
}

function operationNameOf(req: IncomingMessage): string | null {
  const given = req.headers[OPERATION_NAME_HEADER];
  return typeof given === 'string' && OPERATION_NAME.test(given) ? given : null;
}

/** The coalesced operations' request ids, for the log lines of this call; malformed ones are left out. */
function coalescedIdsOf(req: IncomingMessage): string[] | undefined {
  const given = req.headers[COALESCED_REQUEST_IDS_HEADER];
  if (typeof given !== 'string') return undefined;
  const ids = given.split(' ').filter((id) => REQUEST_ID.test(id)).slice(0, 200);
  return ids.length > 0 ? ids : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** An HTTP-level refusal in the GraphQL error shape, so clients parse one format. */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

interface BodyParserError extends Error {
  status?: number;
  type?: string;
}

export async function startService<TContext extends BaseContext>(
  options: ServiceOptions<TContext>,
  port: number,
  host = '127.0.0.1',
): Promise<RunningService> {
  const { apollo, log } = options;
  await apollo.start();
  const parseJson = bodyParser.json({ limit: options.bodyLimit ?? '100kb', strict: false, type: ['application/json', 'application/graphql-response+json'] });
  let state: Lifecycle = { phase: 'starting' };
  const stopping = () => state.phase === 'draining' || state.phase === 'stopped';
  /**
   * Requests received whose response has not closed yet: a drain waits for them, and tells those
   * not yet answered to close their connection.
   */
  const inFlight = new Set<ServerResponse>();
  /**
   * When a request last arrived, or an answer last left with its connection kept open (a client
   * may send its next request on that connection at once): a drain closes idle connections only
   * QUIET_MS after this.
   */
  let lastActiveAt = 0;

  const handleGraphQL = (req: IncomingMessage, res: ServerResponse, requestId: string, operationName: string | null, requestLog: Logger, traced: TraceContext | null) => {
    parseJson(req, res, (error?: BodyParserError) => {
      if (error) {
        const tooLarge = error.type === 'entity.too.large';
        sendError(
          res,
          error.status ?? 400,
          tooLarge ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
          tooLarge ? 'The request body is larger than this service accepts.' : 'The request body is not valid JSON.',
        );
        return;
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const url = new URL(req.url ?? '/', 'http://service');
      // The body parser calls back outside the request's trace context: the request runs in it again.
      inContext(traced, () =>
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: {
            method: (req.method ?? 'GET').toUpperCase(),
            headers,
            search: url.search,
            body: 'body' in req ? (req as IncomingMessage & { body: unknown }).body : undefined,
          },
          context: () => options.context({ req, requestId, operationName, log: requestLog }),
        }),
      )
        .then(async (response) => {
          for (const [key, value] of response.headers) res.setHeader(key, value);
          res.statusCode = response.status ?? 200;
          if (response.body.kind === 'complete') {
            res.end(response.body.string);
            return;
          }
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
        })
        .catch((failure: unknown) => {
          requestLog.error({ err: failure instanceof Error ? { type: failure.name } : {} }, 'request failed outside GraphQL');
          if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'The service failed to answer.');
          else res.end();
        });
    });
  };

  const server = http.createServer((req, res) => {
    // Our own id first; a subgraph replaces it with the gateway's once it knows the gateway sent it.
    const ownId = randomUUID();
    res.setHeader(REQUEST_ID_HEADER, ownId);
    const path = (req.url ?? '/').split('?')[0];
    inFlight.add(res);
    lastActiveAt = performance.now();
    res.on('finish', () => {
      if (!stopping()) lastActiveAt = performance.now();
    });
    res.on('close', () => {
      inFlight.delete(res);
      if (state.phase === 'draining') state.requestEnded();
    });
    if (options.metrics) {
      const { httpRequests } = options.metrics;
      res.on('finish', () => httpRequests.inc({ route: routeLabel(path ?? ''), status: String(res.statusCode) }));
    }
    // While draining, each answer ends its keep-alive connection, so the client opens its next
    // request elsewhere instead of sending it on a connection about to close.
    if (stopping()) res.setHeader('connection', 'close');
    if (path === '/health' && req.method === 'GET') {
      sendJson(res, 200, { status: 'ok', service: options.name });
      return;
    }
    if (path === '/ready' && req.method === 'GET') {
      if (stopping()) {
        sendJson(res, 503, { service: options.name, ready: false, checks: { self: 'stopping' } });
        return;
      }
      options
        .readiness()
        .then((report) => {
          if (!options.warmUp) return report;
          const warm = state.phase === 'warming' || state.phase === 'starting' ? 'not yet' : 'ok';
          return { ready: report.ready && warm === 'ok', checks: { ...report.checks, warm } };
        })
        .then((report) => sendJson(res, report.ready ? 200 : 503, { service: options.name, ...report }))
        .catch(() => sendJson(res, 503, { service: options.name, ready: false, checks: { self: 'readiness check failed' } }));
      return;
    }
    if (path === '/graphql' && options.browserPage && req.method === 'GET' && !(req.url ?? '').includes('?') && (req.headers.accept ?? '').includes('text/html')) {
      res.writeHead(302, { location: options.browserPage }).end();
      return;
    }
    if (path === '/graphql') {
      const given = givenRequestId(req);
      const trusted = options.fromGateway ? options.fromGateway(req).catch(() => false) : Promise.resolve(false);
      const arrivedAt = tracingIsOn() ? performance.timeOrigin + performance.now() : 0;
      void trusted.then((fromGateway) => {
        // Only a call from the gateway (or the province) continues the caller's trace.
        const traced = startServerSpan(req, res, { route: '/graphql', trustParent: fromGateway, startTime: arrivedAt, port: address.port });
        if (fromGateway) {
          const requestId = given ?? ownId;
          const coalesced = coalescedIdsOf(req);
          if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, requestId);
          handleGraphQL(req, res, requestId, operationNameOf(req), log.child(coalesced ? { requestId, coalescedRequestIds: coalesced } : { requestId }), traced);
        } else {
          // A client's id is its own business: kept beside ours only at the gateway, never as ours.
          const clientRequestId = options.fromGateway ? undefined : given;
          handleGraphQL(req, res, ownId, null, log.child(clientRequestId ? { requestId: ownId, clientRequestId } : { requestId: ownId }), traced);
        }
      });
      return;
    }
    if (options.routes?.(req, res, { req, requestId: ownId, operationName: null, log: log.child({ requestId: ownId }) })) return;
    sendError(res, 404, 'NOT_FOUND', 'Not found. GraphQL is served at /graphql.');
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/graphql`;
  log.info({ port: address.port }, `${options.name} listening`);

  // The first attempt is awaited, so that whoever started the service (npm start, a test) gets it
  // warm, or knows it is not; later attempts run in the background.
  state = options.warmUp ? { phase: 'warming', retry: undefined } : { phase: 'serving' };
  const warmUp = async (): Promise<void> => {
    const started = performance.now();
    try {
      await options.warmUp!();
      if (state.phase === 'warming') state = { phase: 'serving' };
      log.info({ durationMs: Math.round(performance.now() - started) }, `${options.name} warm`);
    } catch (error) {
      // Stopped meanwhile: no retry.
      if (state.phase !== 'warming') return;
      log.warn({ err: error instanceof Error ? { type: error.name, message: error.message } : {} }, `${options.name} warm-up failed; retrying`);
      const retry = setTimeout(() => void warmUp(), 1_000);
      retry.unref();
      state = { phase: 'warming', retry };
    }
  };
  if (options.warmUp) await warmUp();

  const graceMs = options.drainTimeoutMs ?? 10_000;
  const quietMs = options.drainQuietMs ?? QUIET_MS;

  /**
   * The drain, driven by events rather than polled: each response that closes tells it
   * (`requestEnded`); when none is in flight any more, one timer is set for the moment the quiet
   * period after the last activity ends, and closes the idle keep-alive connections then (a request
   * arriving meanwhile is in flight when it fires, so it does nothing, and that request's end sets
   * it again). Every other connection closes after its answer (`connection: close`). The drain is
   * over when nothing is in flight and the server's 'close' event says every connection is gone;
   * at the deadline the connections still open are closed, unfinished requests with them.
   */
  const drain = async (deadline: number, ended: { allAnswered: Promise<void>; requestEnded: () => void }): Promise<void> => {
    // One turn of the event loop first, so that connections already waiting in the kernel's
    // accept queue are accepted (and served) rather than reset by the listener's close.
    await nextTurn();
    // Stop accepting new connections but keep the open ones: http.Server#close would also close
    // every idle keep-alive connection at once, and an idle one may already hold a request the
    // event loop has not read yet, which its client would then see reset. 'close' fires once the
    // last connection has closed too.
    const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
    const graceTimer = setTimeout(() => {
      if (inFlight.size > 0) log.warn({ inFlight: inFlight.size }, `${options.name}: grace period over, closing the connections of unfinished requests`);
      server.closeAllConnections();
    }, Math.max(0, deadline - performance.now()));
    ended.requestEnded();
    try {
      await Promise.all([ended.allAnswered, closed]);
    } finally {
      clearTimeout(graceTimer);
    }
    await apollo.stop();
    state = { phase: 'stopped' };
    log.info(`${options.name} stopped`);
  };

  const stop = (): Promise<void> => {
    if (state.phase === 'draining') return state.done;
    if (state.phase === 'stopped') return Promise.resolve();
    if (state.phase === 'warming') clearTimeout(state.retry);
    // The requests already received end their connections too: answered with keep-alive, their
    // clients sent the next request on the same connection at once, and the drain, seeing no
    // request arrive, closed it unread under it (16 checks reset in one gateway restart of 3 at
    // a load average near 20, `npm run faults`).
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    let answeredAll!: () => void;
    const allAnswered = new Promise<void>((resolve) => (answeredAll = resolve));
    let quietTimer: NodeJS.Timeout | undefined;
    /** Called at the start of the drain and whenever a request ends: acts only once none is in flight. */
    const requestEnded = () => {
      if (inFlight.size > 0) return;
      answeredAll();
      clearTimeout(quietTimer);
      quietTimer = setTimeout(
        () => {
          // Every request is answered: what is left are idle keep-alive connections.
          if (inFlight.size === 0) server.closeIdleConnections();
        },
        Math.max(0, lastActiveAt + quietMs - performance.now()),
      );
    };
    const deadline = performance.now() + graceMs;
    const done = drain(deadline, { allAnswered, requestEnded }).finally(() => clearTimeout(quietTimer));
    state = { phase: 'draining', requestEnded, done };
    return done;
  };
  return { url, port: address.port, stop };
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits 0 (1 if stopping failed). Apollo Server's own
 * signal handling is off in every service (`stopOnTerminationSignals: false`): it would stop the
 * server and re-send the signal, killing the process before the drain. A further signal while
 * stopping is ignored (a terminal's Ctrl-C and `npm start`'s SIGTERM both arrive); past
 * `forceAfterMs` the process exits 1 anyway, so a stuck close cannot keep it alive.
 */
export function stopOnSignals(log: Logger, stop: () => Promise<void>, forceAfterMs = 30_000): void {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  // Still listened to, so that a further signal does not get Node's default (exit at once).
  const ignore = () => {};
  const handler = (signal: NodeJS.Signals) => {
    for (const each of signals) {
      process.off(each, handler);
      process.on(each, ignore);
    }
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error({ forceAfterMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, forceAfterMs).unref();
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error({ err: error instanceof Error ? { type: error.name } : {} }, 'shutdown failed');
        process.exit(1);
      });
  };
  for (const signal of signals) process.on(signal, handler);
}

/**
 * SIGHUP reloads what the service can reload (the gateway: its supergraph) and never stops it:
 * Node's default for SIGHUP is to exit, which a `kill -HUP` meant for the gateway would do to a
 * subgraph too. The reload logs its own outcome.
 */
export function reloadOnHangup(log: Logger, reload: (() => Promise<unknown>) | undefined): void {
  process.on('SIGHUP', () => {
    if (!reload) {
      log.info({ signal: 'SIGHUP' }, 'nothing to reload');
      return;
    }
    log.info({ signal: 'SIGHUP' }, 'reloading');
    reload().catch((error: unknown) => log.error({ err: { message: error instanceof Error ? error.message : String(error) } }, 'reload failed'));
  });
}
