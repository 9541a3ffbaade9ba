/**
 * Assembles the province subgraph service. It reads no portal database; its own database holds the
 * access log of person lookups and the annual-review claim ledger (PROVINCE_DATABASE_URL, or
 * embedded PGlite like the regions). For claims and the conflicts report it calls the regional
 * subgraphs itself (regionCalls.ts), at the URLs the gateway uses.
 */
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { offlinePlugins } from '../../platform/offline.js';
import type { RegionDefinition } from '../../domain/regions.js';
import { bearerToken, createInternalTokenVerifier } from '../../platform/auth.js';
import type { Config } from '../../platform/config.js';
import { createEmbeddedClient, openEmbeddedDatabase } from '../../platform/database/embedded.js';
import { migrate, regionMigrationsDir } from '../../platform/database/migrate.js';
import { freshCluster } from '../../platform/database/preparedEmbedded.js';
import { createPostgresClient } from '../../platform/database/postgres.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { tracedSqlClient } from '../../platform/database/traced.js';
import { tracingIsOn } from '../../platform/tracing.js';
import { subgraphErrorFormatter } from '../../platform/errors.js';
import { DOCUMENT_HASH_HEADER, type ServiceOptions } from '../../platform/http.js';
import { createIdentity } from '../../platform/identity.js';
import type { Logger } from '../../platform/logger.js';
import type { ServiceMetrics } from '../../platform/metrics.js';
import { PROVINCE_WARM_UP_QUERY, PROVINCE_WARM_UP_VARIABLES, runWarmUp, WARM_UP_PRINCIPAL } from '../warmUp.js';
import { createAccessLog, type AccessLog } from './accessLog.js';
import { createAccessReceipts, type AccessReceipts } from './accessReceipts.js';
import { ACCESS_LOG_DEFERRAL_HEADER, ACCESS_LOG_RECEIPTS_HEADER, GATEWAY_CONFIRMS, receiptsOfHeader, type ReceiptExtension } from '../../platform/accessReceipts.js';
import { createClaimLedger } from './claims/ledger.js';
import { createClaimsModule } from './claims/resolvers.js';
import { createRegionCalls } from './regionCalls.js';
import { createMergedList } from './mergedList.js';
import { createRegionClient } from './regionClient.js';
import { createProvinceSchema, type ProvinceContext } from './schema.js';

/**
 * A first start: the province's folder gets a copy of the fresh cluster the portal databases are
 * prepared from (platform/database/preparedEmbedded.ts), instead of an `initdb` of its own.
 */
async function provideCluster(dataDir: string, templates: string | null): Promise<void> {
  const empty = !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  if (empty && templates !== null) cpSync(await freshCluster(templates), dataDir, { recursive: true });
  else mkdirSync(dataDir, { recursive: true });
}

/**
 * The province database: the configured server (migrated by `npm run db:migrate`), or an embedded
 * one migrated here, kept in PROVINCE_DATA_DIR so that the access log outlives the process.
 */
async function openProvinceDatabase(config: Config, metrics: ServiceMetrics): Promise<{ sql: SqlClient; close(): Promise<void> }> {
  if (config.provinceDatabaseUrl) {
    // The access log writes one INSERT at a time (group commit); claims write on the request path
    // (one short transaction each), so the pool has room for concurrent ones besides listings and
    // readiness. A lookup waits for its entry, so a database that does not answer must fail it
    // soon: the pool's connection and query timeouts.
    const sql = createPostgresClient(config.provinceDatabaseUrl, {
      max: 10,
      connectionTimeoutMillis: config.databasePool.connectionTimeoutMs,
      queryTimeoutMillis: config.databasePool.queryTimeoutMs,
      connectRetryMillis: config.databasePool.connectRetryMs,
    });
    metrics.pool('province', () => sql.poolUsage());
    return { sql: traced(sql), close: () => sql.close() };
  }
  if (config.provinceDataDir) await provideCluster(config.provinceDataDir, config.embeddedDataDir);
  const db = await openEmbeddedDatabase(config.provinceDataDir ?? undefined);
  const sql = createEmbeddedClient(db);
  await migrate(sql, regionMigrationsDir('province'));
  return { sql: traced(sql), close: () => db.close() };
}

/** While tracing is on, each statement of the province's own database is a span (platform/tracing.ts). */
const traced = (sql: SqlClient): SqlClient => (tracingIsOn() ? tracedSqlClient(sql, 'province') : sql);

/** Adds the context's extraErrors (a region missing from an answer that is still given) to the response. */
function extraErrorsPlugin(): ApolloServerPlugin<ProvinceContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (contextValue.extraErrors.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.errors = [...(result.errors ?? []), ...contextValue.extraErrors];
        },
      };
    },
  };
}

/**
 * Access-log receipts on the province's answers (accessReceipts.ts): the receipts of the lookups
 * this call deferred, and those of the receipts the gateway sent that are committed. Confirming
 * starts with the request, so that it runs beside the call's own work.
 */
function accessReceiptsPlugin(receipts: AccessReceipts, metrics: ServiceMetrics): ApolloServerPlugin<ProvinceContext> {
  const confirmWait = metrics.histogram({
    name: 'xjzc_access_log_confirm_wait_seconds',
    help: 'How long an answer confirming access-log receipts waited for them once its own work was done: what a deferred lookup\'s entry still costs its check.',
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25, 1, 2.5],
  });
  return {
    async requestDidStart({ request }) {
      const sent = receiptsOfHeader(request.http?.headers.get(ACCESS_LOG_RECEIPTS_HEADER) ?? undefined);
      const confirming = sent.length > 0 ? receipts.confirm(sent) : null;
      return {
        async willSendResponse({ contextValue, response }) {
          const deferred = contextValue.deferredReceipts ?? [];
          const waitFrom = performance.now();
          const confirmed = confirming ? await confirming : [];
          if (confirming) confirmWait.observe((performance.now() - waitFrom) / 1000);
          if ((deferred.length === 0 && !confirming) || response.body.kind !== 'single') return;
          const accessLog: ReceiptExtension = { ...(deferred.length > 0 ? { deferred } : {}), ...(confirming ? { confirmed } : {}) };
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, accessLog };
        },
      };
    },
  };
}

export type ProvinceService = ServiceOptions<ProvinceContext> & { close(): Promise<void> };

/** The access log's queue and writes, read from it at each scrape. */
function accessLogMetrics(metrics: ServiceMetrics, accessLog: AccessLog): void {
  metrics.counter<'outcome'>({
    name: 'xjzc_access_log_entries_total',
    help: 'Access-log entries by outcome: written (committed before its lookup was answered). None is ever dropped.',
    labelNames: ['outcome'],
    collect() {
      this.reset();
      this.inc({ outcome: 'written' }, accessLog.metrics().accessLogWritten);
    },
  });
  metrics.counter({
    name: 'xjzc_access_log_inserts_total',
    help: 'INSERT statements the access log sent (group commit: one carries every entry that arrived during the previous).',
    collect() {
      this.reset();
      this.inc(accessLog.metrics().accessLogInserts);
    },
  });
  metrics.counter({
    name: 'xjzc_access_log_write_failures_total',
    help: 'Failed access-log writes; their lookups were refused with ACCESS_LOG_UNAVAILABLE: the alert.',
    collect() {
      this.reset();
      this.inc(accessLog.metrics().accessLogWriteFailures);
    },
  });
  metrics.gauge({
    name: 'xjzc_access_log_pending',
    help: 'Lookups waiting for their access-log entry to be committed.',
    collect() {
      this.set(accessLog.metrics().accessLogPending);
    },
  });
}

/** Access-log receipts (accessReceipts.ts): deferred, then confirmed or not. */
function accessReceiptMetrics(metrics: ServiceMetrics, receipts: AccessReceipts): void {
  metrics.counter<'outcome'>({
    name: 'xjzc_access_log_receipts_total',
    help: 'Lookups answered before their access-log entry committed, for our gateway to confirm (accessReceipts.ts): deferred, then confirmed or unconfirmed (not committed in time, failed, or not a receipt: the gateway withholds that answer).',
    labelNames: ['outcome'],
    collect() {
      this.reset();
      const counts = receipts.metrics();
      this.inc({ outcome: 'deferred' }, counts.deferred);
      this.inc({ outcome: 'confirmed' }, counts.confirmed);
      this.inc({ outcome: 'unconfirmed' }, counts.unconfirmed);
    },
  });
}

/**
 * How long each lookup's access-log entry took to commit, queued then written: inside the lookup
 * where it waited for it, beside the region calls where it was deferred (accessReceipts.ts).
 * `npm run faults` reads it at one check in flight.
 */
function accessLogWaitMetric(metrics: ServiceMetrics): (seconds: number) => void {
  const wait = metrics.histogram({
    name: 'xjzc_access_log_wait_seconds',
    help: 'Time a lookup\'s access-log entry took to commit (queued, then its INSERT): waited for before the answer, or beside the region calls where deferred.',
    buckets: [0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  return (seconds) => wait.observe(seconds);
}

export function createProvinceService(regions: readonly RegionDefinition[], config: Config, log: Logger, metrics: ServiceMetrics): ProvinceService {
  const database = openProvinceDatabase(config, metrics);
  // Not awaited here: a database that cannot be opened fails the claims that need it, not the service.
  database.catch(() => undefined);
  const sql = database.then((opened) => opened.sql);
  const accessLog = createAccessLog({ sql, log, observeWait: accessLogWaitMetric(metrics) });
  const receipts = createAccessReceipts({ sql, confirmWithinMs: config.accessLogConfirmWithinMs });
  const internalTokens = createInternalTokenVerifier(config.internalTokenSecret, regions.map((region) => region.code));
  const identity = createIdentity(config.identitySecret);
  const regionClient = createRegionClient({ urls: config.subgraphUrls, timeoutMs: config.subgraphTimeoutMs });
  const regionCalls = createRegionCalls({ regions, client: regionClient, internalTokenSecret: config.internalTokenSecret, identity, log });
  const claims = createClaimsModule({
    regions,
    identity,
    ledger: createClaimLedger(sql),
    regionCalls,
    ttlSeconds: config.annualReviewClaimTtlSeconds,
    log,
    accessLog,
  });
  const mergedList = createMergedList(regions, regionClient, config.identitySecret);
  const apollo = new ApolloServer<ProvinceContext>({
    schema: createProvinceSchema(regions, identity, accessLog, claims, mergedList.resolve),
    formatError: subgraphErrorFormatter('province', log),
    includeStacktraceInErrorResponses: false,
    // Our own shutdown drains first (platform/http.ts stopOnSignals); Apollo's would exit before it.
    stopOnTerminationSignals: false,
    // Traces are for Apollo's hosted reporting, which this deployment does not use.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ...offlinePlugins<ProvinceContext>(),
      metrics.plugin<ProvinceContext>((context) => context.principal?.role),
      extraErrorsPlugin(),
      accessReceiptsPlugin(receipts, metrics),
    ],
  });
  accessLogMetrics(metrics, accessLog);
  accessReceiptMetrics(metrics, receipts);
  return {
    name: 'province',
    log,
    apollo,
    metrics,
    context: async ({ req, requestId, operationName, log: requestLog }) => {
      const principal = await internalTokens.verify(req);
      // Only our gateway sends the header, and only it can call (the token above): it holds the
      // answer until every receipt is confirmed (accessReceipts.ts).
      const deferredReceipts: string[] = [];
      const deferLookup =
        req.headers[ACCESS_LOG_DEFERRAL_HEADER] === GATEWAY_CONFIRMS
          ? (personKey: string, committed: Promise<void>) => {
              // Failure is the receipt's to report (unconfirmed), not an unhandled rejection here.
              committed.catch(() => undefined);
              deferredReceipts.push(receipts.defer(requestId, personKey, committed));
            }
          : undefined;
      // Believed as the request id is: only the gateway can call (the token above).
      const hash = req.headers[DOCUMENT_HASH_HEADER];
      const documentHash = typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) ? hash : null;
      return { log: requestLog, requestId, operationName, documentHash, principal, internalToken: bearerToken(req) ?? '', extraErrors: [], deferredReceipts, ...(deferLookup ? { deferLookup } : {}) };
    },
    fromGateway: (req) => internalTokens.verify(req).then(() => true),
    warmUp: async () => {
      await runWarmUp(apollo, PROVINCE_WARM_UP_QUERY, PROVINCE_WARM_UP_VARIABLES, { log, requestId: 'warm-up', principal: WARM_UP_PRINCIPAL, internalToken: '', extraErrors: [] });
      // Its database answered once (and, embedded, is migrated); later failures are reported below.
      if (!(await accessLog.ping())) throw new Error('the province database does not answer');
    },
    // Lookups need the access log (accessLog.ts): without it the province refuses them, so it is not ready.
    readiness: async () => {
      const accessLogAnswers = await accessLog.ping();
      return { ready: accessLogAnswers, checks: { registry: `${regions.length} regions`, accessLog: accessLogAnswers ? 'ok' : 'not answering' } };
    },
    close: async () => {
      await accessLog.close();
      await regionClient.close();
      await (await database.catch(() => null))?.close();
    },
  };
}
