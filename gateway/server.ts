/**
 * The gateway: @apollo/gateway over a composed supergraph (no composition at run time; a new one
 * is swapped in without a restart, gateway/supergraphSource.ts), with
 * subgraph URLs from configuration, a fetcher with timeout and keep-alive, request ids passed to
 * every subgraph, and errors stripped to what a client may see.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { fileURLToPath } from 'node:url';
import { createInternalTokenSigner, type Principal } from '../platform/auth.js';
import type { AdmissionConfig, AuthConfig, CircuitBreakerConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import type { ServiceOptions } from '../platform/http.js';
import { ServiceMetrics } from '../platform/metrics.js';
import { admissionPlugin } from './admission.js';
import { boundedNames, operationResolutionPlugin, servedOperationTypes } from './operations.js';
import { disableGatewayTelemetry, offlinePlugins } from '../platform/offline.js';
import { createAuthenticator } from './authenticate.js';
import { createSubgraphBreakers } from './circuitBreaker.js';
import { createSubgraphFetcher, subgraphCallMetrics, SubgraphDataSource, type GatewayContext } from './dataSource.js';
import { formatGatewayError } from './formatError.js';
import { DEFAULT_QUERY_LIMITS, queryProtection, type QueryLimits } from './limits.js';
import { createSubgraphReadiness, type SubgraphReadinessOptions } from './readiness.js';
import { manifestQueryCache, trustedDocumentsPlugin, type TrustedDocumentsMode } from './trustedDocuments.js';
import { shippedManifest, type OperationManifest } from '../platform/operationManifest.js';
import { createCsvExport } from './export.js';
import { createPageRoutes } from './pages.js';
import { createSupergraphSource, type LoadedSupergraph, type ReloadOutcome } from './supergraphSource.js';
import { responseCache } from './responseCache.js';
import { accessReceiptsPlugin, newReceiptState, planConfirmsLater } from './accessReceipts.js';

export const SUPERGRAPH_PATH = new URL('../schema/supergraph.graphql', import.meta.url);

/**
 * A subgraph's URL: configured, else the one written in the supergraph, unless that is a host of
 * the reserved `.invalid` domain (RFC 2606), as the placeholders of `npm run compose` are.
 */
export function subgraphUrlOf(configured: Readonly<Record<string, string>>, name: string, supergraphUrl: string | undefined): string | undefined {
  if (configured[name]) return configured[name];
  if (!supergraphUrl) return undefined;
  try {
    return new URL(supergraphUrl).hostname.endsWith('.invalid') ? undefined : supergraphUrl;
  } catch {
    return undefined;
  }
}

export interface GatewayOptions {
  /** Subgraph URL by service name (`province`, `bz`, …). A name missing here keeps its supergraph URL. */
  subgraphUrls: Readonly<Record<string, string>>;
  /** Timeout of each subgraph call of an analyst's or a dashboard's operation, ms. */
  timeoutMs: number;
  /** Timeout of each subgraph call of a portal's operation (the duplicate check), ms. @default timeoutMs */
  portalTimeoutMs?: number;
  /** The per-subgraph circuit breakers (gateway/circuitBreaker.ts). @default 5 failures in 10 s, open 5 s */
  circuitBreaker?: CircuitBreakerConfig;
  log: Logger;
  /** The supergraph itself (tests); else it is read from `supergraphFile`. */
  supergraphSdl?: string;
  /** The supergraph file, read at start and again on `reloadSupergraph()`. @default the shipped schema/supergraph.graphql */
  supergraphFile?: string;
  /** Reload when the file changes (SUPERGRAPH_WATCH). @default false */
  watchSupergraph?: boolean;
  /** Introspection for development tools. @default true */
  introspection?: boolean;
  /** How clients' bearer tokens are verified. */
  auth: AuthConfig;
  /** Key of the token the gateway signs for the subgraphs. */
  internalTokenSecret: string;
  /** Configured region codes: a portal token must name one. */
  regions: readonly string[];
  /** Production hides field suggestions too. @default false */
  production?: boolean;
  /** @default DEFAULT_QUERY_LIMITS */
  limits?: QueryLimits;
  /** The gateway's Prometheus registry. @default a registry of its own */
  metrics?: ServiceMetrics;
  /** Rate limits per principal and admission by priority (gateway/admission.ts). @default none */
  admission?: AdmissionConfig;
  /** Whether portals and dashboards may send only the shipped operations. @default 'log' */
  trustedDocuments?: TrustedDocumentsMode;
  /** @default the shipped operations/manifest.json */
  manifest?: OperationManifest;
  /** How /ready judges the subgraphs (gateway/readiness.ts). */
  readiness?: Omit<SubgraphReadinessOptions, 'log'>;
  /** GET /dev/token mints tokens for the browser pages: development only, never in production. @default false */
  developmentTokens?: boolean;
}

export type GatewayRequestContext = GatewayContext & { log: Logger; principal: Principal };

/**
 * One log line per operation: its name, duration and error codes. Never variables (they hold ID
 * numbers), and the name only as the manifest knows it (else `other`): a client-chosen name is
 * free text and may hold an ID number too.
 */
function operationLogPlugin(operationLabel: (name: string | null | undefined) => string): ApolloServerPlugin<GatewayRequestContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ contextValue, operationName, errors, response }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const codes = [...(errors ?? []), ...((body?.errors as { extensions?: { code?: unknown } }[] | undefined) ?? [])]
            .map((error) => (error as { extensions?: { code?: unknown } }).extensions?.code)
            .filter((code): code is string => typeof code === 'string');
          contextValue.log.info(
            { operationName: operationLabel(operationName), durationMs: Math.round(performance.now() - started), errorCodes: codes.length ? codes : undefined },
            'operation',
          );
        },
      };
    },
  };
}

export type GatewayService = ServiceOptions<GatewayRequestContext> & {
  close(): Promise<void>;
  /** Resolves once every subgraph has been reached once. */
  subgraphsReached(): Promise<void>;
  /** Reads the supergraph file again and serves it if it passes the checks (SIGHUP; gateway/supergraphSource.ts). */
  reloadSupergraph(): Promise<ReloadOutcome>;
  /** The supergraph being served. */
  supergraph(): LoadedSupergraph | undefined;
};

export function createGatewayService(options: GatewayOptions): GatewayService {
  const { fetcher, sharingFetcher, close } = createSubgraphFetcher({ timeoutMs: options.timeoutMs });
  disableGatewayTelemetry();
  const metrics = options.metrics ?? new ServiceMetrics('gateway', { processMetrics: false });
  const subgraphCalls = subgraphCallMetrics(metrics);
  const manifest = options.manifest ?? shippedManifest();
  const breakers = createSubgraphBreakers(options.circuitBreaker ?? { failureThreshold: 5, windowMs: 10_000, openMs: 5_000 }, options.log, metrics);
  const readiness = createSubgraphReadiness({ ...options.readiness, log: options.log });
  const urlOf = (name: string, supergraphUrl: string | undefined) => subgraphUrlOf(options.subgraphUrls, name, supergraphUrl);
  const supergraphs = createSupergraphSource({
    ...(options.supergraphSdl !== undefined ? { sdl: options.supergraphSdl } : { file: options.supergraphFile ?? fileURLToPath(SUPERGRAPH_PATH) }),
    watch: options.watchSupergraph ?? false,
    urlOf,
    log: options.log,
    metrics,
  });
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphs.manager,
    // Full validation of every supergraph (also under NODE_ENV=production, where Apollo skips it).
    validateSupergraph: true,
    // Called once per subgraph name and URL: a reload reuses the data source (and breaker) of a subgraph it keeps.
    buildService: ({ name, url }) => {
      const subgraphUrl = urlOf(name, url);
      if (subgraphUrl) readiness.track(name, subgraphUrl);
      // Each subgraph behind its own breaker: a dead region is not waited on (gateway/circuitBreaker.ts).
      // The province's calls are never merged: each person lookup writes its own access-log entry.
      return new SubgraphDataSource(name, { url: subgraphUrl, fetcher: breakers.wrap(name, name === 'province' ? fetcher : sharingFetcher) }, subgraphCalls);
    },
    // Where the plan calls the province again later, its lookups commit their access-log entries
    // while the regions are asked, and the answer waits for the province's receipts (gateway/accessReceipts.ts).
    experimental_didResolveQueryPlan: ({ queryPlan, requestContext }) => {
      const state = (requestContext.context as Partial<GatewayRequestContext>).accessReceipts;
      if (state) state.defer = planConfirmsLater(queryPlan);
    },
  });
  const answers = responseCache<GatewayRequestContext>();
  gateway.onSchemaLoadOrUpdate(() => {
    readiness.supergraphLoaded();
    answers.clear();
  });
  const authenticator = createAuthenticator(options.auth, options.regions, { log: options.log });
  // Rejected only by a key that cannot be imported; the first request then fails with a logged error.
  authenticator.catch((error: unknown) => options.log.error({ err: error instanceof Error ? { type: error.name } : {} }, 'client token key could not be loaded'));
  const internalTokens = createInternalTokenSigner(options.internalTokenSecret);
  const protection = queryProtection(options.limits ?? DEFAULT_QUERY_LIMITS, { production: options.production ?? false });
  const apollo = new ApolloServer<GatewayRequestContext>({
    gateway,
    formatError: formatGatewayError,
    includeStacktraceInErrorResponses: false,
    // Our own shutdown drains first (platform/http.ts stopOnSignals); Apollo's would exit before it.
    stopOnTerminationSignals: false,
    introspection: options.introspection ?? true,
    // Validation errors do not echo the schema's names back (no "Did you mean …").
    hideSchemaDetailsFromClientErrors: true,
    // Apollo Server's default, stated: a JSON array of operations is refused (Armor sets it too).
    allowBatchedHttpRequests: protection.allowBatchedHttpRequests,
    validationRules: [servedOperationTypes, boundedNames, ...protection.validationRules],
    parseOptions: protection.parseOptions,
    // Hashes of the shipped operations are always known (Apollo's persisted-query protocol).
    persistedQueries: { cache: manifestQueryCache(manifest) },
    plugins: [
      ...offlinePlugins<GatewayRequestContext>(),
      operationResolutionPlugin() as ApolloServerPlugin<GatewayRequestContext>,
      ...(options.admission ? [admissionPlugin<GatewayRequestContext>(options.admission)] : []),
      trustedDocumentsPlugin<GatewayRequestContext>({ manifest, mode: options.trustedDocuments ?? 'log', metrics }),
      ...(protection.plugins as ApolloServerPlugin<GatewayRequestContext>[]),
      // Before the plugins that read or keep the answer: an unconfirmed lookup replaces it.
      accessReceiptsPlugin<GatewayRequestContext>(metrics),
      // Last of the plugins that answer: everything above decides before a kept answer is served.
      answers.plugin,
      operationLogPlugin(metrics.operationLabel),
      metrics.plugin<GatewayRequestContext>((context) => context.principal?.role),
    ],
  });
  const context: ServiceOptions<GatewayRequestContext>['context'] = async ({ req, requestId, log }) => {
    const principal = await (await authenticator).authenticate(req);
    const internalToken = await internalTokens.tokenFor(principal);
    // A portal's check is waited on by a person at a counter: its subgraph calls get the shorter deadline.
    const subgraphDeadlineMs = principal.role === 'portal' ? (options.portalTimeoutMs ?? options.timeoutMs) : options.timeoutMs;
    return {
      requestId,
      log: log.child({ role: principal.role, region: principal.region ?? undefined }),
      principal,
      internalToken,
      subgraphDeadlineMs,
      accessReceipts: newReceiptState(),
    };
  };
  const pages = createPageRoutes({ auth: options.auth, developmentTokens: (options.developmentTokens ?? false) && !options.production });
  const csvExport = createCsvExport({ apollo, context });
  return {
    name: 'gateway',
    log: options.log,
    apollo,
    metrics,
    context,
    routes: (req, res, info) => pages(req, res) || csvExport.route(req, res, info),
    browserPage: '/workbench',
    // A circuit that is not closed is reported; it does not make the gateway unready (one region
    // down must not stop the others' checks).
    readiness: async () => {
      const report = readiness.report();
      const circuits = Object.entries(breakers.states()).map(([name, state]) => [`circuit:${name}`, state] as const);
      const loaded = supergraphs.current();
      const supergraph = loaded ? { hash: loaded.hash, loadedAt: loaded.loadedAt.toISOString(), subgraphs: loaded.subgraphs } : null;
      return { ...report, checks: { ...report.checks, ...Object.fromEntries(circuits) }, supergraph };
    },
    subgraphsReached: () => readiness.allReached(),
    reloadSupergraph: () => supergraphs.reload(),
    supergraph: () => supergraphs.current(),
    close: async () => {
      breakers.shutdown();
      await readiness.stop();
      await close();
    },
  };
}
