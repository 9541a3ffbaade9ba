/**
 * Prometheus metrics of one service (prom-client), served in Prometheus' text format on a listener
 * of its own (METRICS_PORT and <SERVICE>_METRICS_PORT), never on the API port: clients of the API
 * cannot read them, and the operators' Prometheus scrapes them beside the rest of their monitoring.
 *
 * Label values are bounded: operation names only from the shipped operation manifest (else
 * `other`, or `anonymous`), roles from the closed set, error codes from the codes this project
 * uses (else `OTHER`), subgraph names from configuration. No ID number, name, token or free client
 * text ever becomes a label.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import client, { type Counter, type Gauge, type Histogram } from 'prom-client';

/** Seconds; from a cache hit to a region at its timeout. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SQL_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Error codes this project answers with (README "Error codes") and graphql-js/Apollo's own. */
const KNOWN_ERROR_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'AUTH_UNAVAILABLE',
  'INVALID_ID_NUMBER',
  'INVALID_APPLICATION_ID',
  'UNKNOWN_REGION',
  'INVALID_CURSOR',
  'BAD_USER_INPUT',
  'REGION_UNAVAILABLE',
  'PORTAL_DATABASE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_NOT_TRUSTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
]);
const ROLES = new Set(['analyst', 'portal', 'dashboard']);
const SQL_KINDS = new Set(['select', 'insert', 'update', 'delete', 'with', 'begin', 'commit', 'rollback']);

export function errorCodeLabel(code: unknown): string {
  return typeof code === 'string' && KNOWN_ERROR_CODES.has(code) ? code : 'OTHER';
}

export function roleLabel(role: unknown): string {
  return typeof role === 'string' && ROLES.has(role) ? role : 'none';
}

/** The first keyword of a statement (`select`, `insert`, …), never any of its text or parameters. */
export function sqlKindLabel(statement: string): string {
  const keyword = /^\s*([A-Za-z]+)/.exec(statement)?.[1]?.toLowerCase() ?? '';
  return SQL_KINDS.has(keyword) ? keyword : 'other';
}

/** Which HTTP routes a service has; anything else is `other` (scanners ask for many paths). */
export function routeLabel(path: string): string {
  return ['/graphql', '/health', '/ready'].includes(path) ? path : 'other';
}

/**
 * Bounds an operation name to the names the project ships (the operation manifest). The gateway
 * names its subgraph operations `<client's name>__<subgraph>__<n>`, so the suffix is cut first.
 */
export function operationLabeller(known: ReadonlySet<string>): (name: string | null | undefined) => string {
  return (name) => {
    if (!name) return 'anonymous';
    const clientName = name.replace(/__[A-Za-z0-9_]+__\d+$/, '');
    return known.has(clientName) ? clientName : 'other';
  };
}

export interface PoolUsage {
  total: number;
  idle: number;
  waiting: number;
}

export interface ServiceMetricsOptions {
  /** Operation names that may become label values; others are `other`. @default none */
  knownOperations?: ReadonlySet<string>;
  /** Node's own metrics (memory, event-loop lag, GC). Off for services sharing one test process. @default true */
  processMetrics?: boolean;
}

/**
 * One service's registry and its standard instruments. `counter`, `gauge` and `histogram` give
 * other parts of the service a place for theirs (created once, the same object on the next call).
 */
export class ServiceMetrics {
  readonly registry = new client.Registry();
  readonly operationLabel: (name: string | null | undefined) => string;
  /** HTTP requests by route and status, including those refused before GraphQL (401, 413). */
  readonly httpRequests: Counter<'route' | 'status'>;
  /** GraphQL operations by operation, role and outcome (`ok`, or `error` when the answer has errors). */
  readonly operations: Counter<'operation' | 'role' | 'outcome'>;
  readonly operationDuration: Histogram<'operation' | 'role'>;
  /** One per error in an answer, by its code. */
  readonly operationErrors: Counter<'operation' | 'role' | 'code'>;

  constructor(
    readonly service: string,
    options: ServiceMetricsOptions = {},
  ) {
    this.registry.setDefaultLabels({ service });
    if (options.processMetrics ?? true) client.collectDefaultMetrics({ register: this.registry, prefix: 'xjzc_' });
    this.operationLabel = operationLabeller(options.knownOperations ?? new Set());
    this.httpRequests = this.counter({ name: 'xjzc_http_requests_total', help: 'HTTP requests by route and status code.', labelNames: ['route', 'status'] });
    this.operations = this.counter({
      name: 'xjzc_graphql_operations_total',
      help: 'GraphQL operations by operation name (from the manifest, else other), role and outcome.',
      labelNames: ['operation', 'role', 'outcome'],
    });
    this.operationDuration = this.histogram({
      name: 'xjzc_graphql_operation_duration_seconds',
      help: 'Time from receiving a GraphQL operation to sending its answer.',
      labelNames: ['operation', 'role'],
      buckets: LATENCY_BUCKETS,
    });
    this.operationErrors = this.counter({
      name: 'xjzc_graphql_errors_total',
      help: 'Errors in GraphQL answers by code.',
      labelNames: ['operation', 'role', 'code'],
    });
  }

  counter<L extends string>(config: { name: string; help: string; labelNames?: readonly L[]; collect?: (this: Counter<L>) => void }): Counter<L> {
    return (this.registry.getSingleMetric(config.name) as Counter<L> | undefined) ?? new client.Counter<L>({ ...config, registers: [this.registry] });
  }

  gauge<L extends string>(config: { name: string; help: string; labelNames?: readonly L[]; collect?: (this: Gauge<L>) => void }): Gauge<L> {
    return (this.registry.getSingleMetric(config.name) as Gauge<L> | undefined) ?? new client.Gauge<L>({ ...config, registers: [this.registry] });
  }

  histogram<L extends string>(config: { name: string; help: string; labelNames?: readonly L[]; buckets?: number[] }): Histogram<L> {
    return (
      (this.registry.getSingleMetric(config.name) as Histogram<L> | undefined) ??
      new client.Histogram<L>({ buckets: LATENCY_BUCKETS, ...config, registers: [this.registry] })
    );
  }

  /** SQL statements and their latency, by statement kind; `durationMs` as Prisma reports it. */
  sqlStatement(statement: string, durationMs: number): void {
    const kind = sqlKindLabel(statement);
    this.counter({ name: 'xjzc_sql_statements_total', help: 'SQL statements sent, by kind.', labelNames: ['kind'] }).inc({ kind });
    this.histogram({ name: 'xjzc_sql_statement_duration_seconds', help: 'SQL statement latency as the driver measured it.', labelNames: ['kind'], buckets: SQL_BUCKETS }).observe(
      { kind },
      durationMs / 1000,
    );
  }

  /** Connection pools whose use each scrape reads (`pool`). */
  private readonly pools = new Map<string, () => PoolUsage | null>();

  /** A connection pool whose use (open, idle, waiting) each scrape reads. */
  pool(name: string, read: () => PoolUsage | null): void {
    this.pools.set(name, read);
    const pools = this.pools;
    this.gauge<'pool' | 'state'>({
      name: 'xjzc_db_pool_connections',
      help: 'Database pool connections: total open, idle, and queries waiting for one.',
      labelNames: ['pool', 'state'],
      collect() {
        for (const [pool, readPool] of pools) {
          const usage = readPool();
          if (!usage) continue;
          this.set({ pool, state: 'total' }, usage.total);
          this.set({ pool, state: 'idle' }, usage.idle);
          this.set({ pool, state: 'waiting' }, usage.waiting);
        }
      },
    });
  }

  /** The text a scrape gets. */
  async scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** Operation metrics for Apollo Server: rate, errors and latency per operation and role. */
  plugin<TContext extends BaseContext>(roleOf: (context: TContext) => unknown): ApolloServerPlugin<TContext> {
    const metrics = this;
    return {
      async requestDidStart() {
        const started = performance.now();
        return {
          async willSendResponse({ contextValue, operationName, errors, response }) {
            const operation = metrics.operationLabel(operationName);
            const role = roleLabel(roleOf(contextValue));
            // The answer's errors (formatted, with their codes); `errors` where there is no single answer.
            const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
            const all = (body ? (body.errors ?? []) : (errors ?? [])) as ReadonlyArray<{ extensions?: { code?: unknown } }>;
            for (const error of all) metrics.operationErrors.inc({ operation, role, code: errorCodeLabel(error.extensions?.code) });
            metrics.operations.inc({ operation, role, outcome: all.length > 0 ? 'error' : 'ok' });
            metrics.operationDuration.observe({ operation, role }, (performance.now() - started) / 1000);
          },
        };
      },
    };
  }
}

export interface MetricsListener {
  /** `http://host:port/metrics` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The listener Prometheus scrapes: GET /metrics only. */
export async function startMetricsListener(metrics: ServiceMetrics, port: number, host: string): Promise<MetricsListener> {
  const server = http.createServer((req, res) => {
    if ((req.url ?? '/').split('?')[0] !== '/metrics' || req.method !== 'GET') {
      res.statusCode = 404;
      res.end('Not found. Metrics are served at /metrics.\n');
      return;
    }
    metrics
      .scrape()
      .then((text) => {
        res.setHeader('content-type', metrics.registry.contentType);
        res.end(text);
      })
      .catch(() => {
        res.statusCode = 500;
        res.end('metrics could not be collected\n');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/metrics`,
    port: address.port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
