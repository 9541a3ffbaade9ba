/**
 * Assembles a regional subgraph service: its portal database (a PostgreSQL server from
 * configuration, or embedded PGlite migrated and filled with demo data), its source, its schema
 * from the template, per-request loaders, readiness and metrics.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { offlinePlugins } from '../../platform/offline.js';
import { beijingToday } from '../../domain/time.js';
import { createInternalTokenVerifier } from '../../platform/auth.js';
import type { Config } from '../../platform/config.js';
import { prismaAdapterFor, type PrismaAdapter } from '../../platform/database/adapter.js';
import { createEmbeddedClient, openEmbeddedDatabase } from '../../platform/database/embedded.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { tracedPrismaAdapter } from '../../platform/database/traced.js';
import { migrate, readMigrations, regionMigrationsDir } from '../../platform/database/migrate.js';
import { openPreparedDatabase } from '../../platform/database/preparedEmbedded.js';
import { subgraphErrorFormatter } from '../../platform/errors.js';
import type { ServiceOptions } from '../../platform/http.js';
import { createIdentity } from '../../platform/identity.js';
import type { Logger } from '../../platform/logger.js';
import type { ServiceMetrics } from '../../platform/metrics.js';
import { tracingIsOn } from '../../platform/tracing.js';
import { createRegionalSchema, type RegionalContext } from './createRegionalSubgraph.js';
import { createCursorCodec } from './cursor.js';
import { loggingReporter } from './dataQuality.js';
import { createLoaders } from './loaders.js';
import { cellKeySeed } from '../perturbation.js';
import type { RegionalModule } from './module.js';
import { regionalWarmUpOperation, runWarmUp, WARM_UP_PRINCIPAL } from '../warmUp.js';

/** Portal keys of stored numbers with impossible birth dates logged one by one at start; the rest are counted. */
const IMPOSSIBLE_BIRTH_DATES_REPORTED = 100;

export type RegionalService = ServiceOptions<RegionalContext> & {
  /** Closes the database connections (after the HTTP server stopped). */
  close(): Promise<void>;
};

export interface RegionalServiceOptions {
  /**
   * Fills a freshly migrated embedded database (the demo data, given by the application layer,
   * app/services.ts, so that the template does not depend on the generator); returns a summary to log.
   */
  fillEmbedded?: (sql: SqlClient) => Promise<unknown>;
  /**
   * What `fillEmbedded` writes depends on (the generator's sources, the seed). With it and
   * `config.embeddedDataDir`, the filled database is prepared once and copied at each start.
   */
  fillEmbeddedVersion?: string;
}

/** The embedded default: an in-process database, migrated and filled by `fill`. */
async function embeddedAdapter(
  module: RegionalModule,
  options: RegionalServiceOptions,
  dataDir: string | null,
  log: Logger,
): Promise<{ adapter: PrismaAdapter; close(): Promise<void> }> {
  const migrations = module.migrations ?? regionMigrationsDir(module.region.code);
  // A region the demo generator does not know brings its own rows.
  const filler = module.demoRows ?? options.fillEmbedded;
  const fill = async (sql: SqlClient) => {
    await migrate(sql, migrations);
    return filler ? filler(sql) : null;
  };
  // Rows a module brings have no version to name a template by: built at every start.
  if (dataDir !== null && !module.demoRows && options.fillEmbeddedVersion !== undefined) {
    const applied = (await readMigrations(migrations)).map((migration) => `${migration.name} ${migration.checksum}`);
    let summary: unknown = null;
    const opened = await openPreparedDatabase({
      root: dataDir,
      name: module.region.code,
      version: [...applied, `fill ${filler ? options.fillEmbeddedVersion : 'none'}`].join('\n'),
      prepare: async (db) => {
        summary = await fill(createEmbeddedClient(db));
      },
    });
    log.info(
      { demo: summary, dataDir },
      opened.prepared ? 'embedded database prepared (migrated, filled with demo data) and opened from a copy' : 'embedded database opened from a copy of its prepared data',
    );
    return { adapter: prismaAdapterFor({ kind: 'embedded', db: opened.db }), close: opened.close };
  }
  const db = await openEmbeddedDatabase();
  const summary = await fill(createEmbeddedClient(db));
  log.info({ demo: summary }, filler ? 'embedded database migrated and filled with demo data' : 'embedded database migrated, left empty');
  return { adapter: prismaAdapterFor({ kind: 'embedded', db }), close: () => db.close() };
}

export async function createRegionalService(
  module: RegionalModule,
  config: Config,
  log: Logger,
  metrics: ServiceMetrics,
  options: RegionalServiceOptions = {},
): Promise<RegionalService> {
  const { region } = module;
  const database = config.regionDatabases[region.code] ?? { kind: 'embedded' as const };
  const { adapter, close: closeDatabase } =
    database.kind === 'postgres'
      ? {
          adapter: prismaAdapterFor({
            kind: 'postgres',
            url: database.url,
            onPool: (pool) => metrics.pool('portal', () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount })),
            max: config.databasePool.max,
            connectionTimeoutMillis: config.databasePool.connectionTimeoutMs,
            queryTimeoutMillis: config.databasePool.queryTimeoutMs,
            connectRetryMillis: config.databasePool.connectRetryMs,
          }),
          close: async () => {},
        }
      : await embeddedAdapter(module, options, config.embeddedDataDir, log);

  const report = loggingReporter(log);
  // While tracing is on, each statement the region's Prisma client sends is a span (platform/tracing.ts).
  const { source, disconnect } = module.connect(tracingIsOn() ? tracedPrismaAdapter(adapter, region.code) : adapter, {
    report,
    onStatement: (statement) => metrics.sqlStatement(statement.query, statement.duration),
  });

  // Stored ID numbers whose birth date cannot be real are flagged once at start, in the background,
  // as data-quality events and a metric; the rows stay and still link their records.
  const impossibleBirthDates = metrics.gauge({
    name: 'xjzc_id_numbers_impossible_birth_date',
    help: 'Stored ID numbers valid in form whose birth date is no calendar date, before 1900 or after the day of the scan at start.',
  });
  const scan = source
    .impossibleBirthDates(beijingToday(), IMPOSSIBLE_BIRTH_DATES_REPORTED)
    .then((found) => {
      impossibleBirthDates.set(found.total);
      for (const localId of found.localIds) report({ region: region.code, table: found.table, localId, field: 'idNumber.birthDate', localValue: null });
      if (found.total > found.localIds.length) {
        log.warn({ event: 'data_quality', region: region.code, table: found.table, field: 'idNumber.birthDate', total: found.total }, 'more stored ID numbers with impossible birth dates than listed');
      }
    })
    // A missing kit migration (gateway.id_number_birth_date) fails here: at error level, so that it is seen.
    .catch((error: unknown) =>
      log.error(
        { event: 'data_quality_scan_failed', region: region.code, err: error instanceof Error ? { type: error.name, code: (error as { code?: unknown }).code } : {} },
        'ID-number data-quality scan failed (are the kit migrations applied?)',
      ),
    );

  const internalTokens = createInternalTokenVerifier(config.internalTokenSecret, Object.keys(config.regionDatabases));
  const identity = createIdentity(config.identitySecret);
  const apollo = new ApolloServer<RegionalContext>({
    schema: createRegionalSchema(region, source, {
      identity,
      cursors: createCursorCodec(config.identitySecret, region.code),
      cellKeySeed: cellKeySeed(config.identitySecret, region.code),
    }, { statisticsMaxAgeSeconds: config.statisticsMaxAgeSeconds }),
    formatError: subgraphErrorFormatter(region.code, log),
    includeStacktraceInErrorResponses: false,
    // Our own shutdown drains first (platform/http.ts stopOnSignals); Apollo's would exit before it.
    stopOnTerminationSignals: false,
    // Traces are for Apollo's hosted reporting, which this deployment does not use.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...offlinePlugins<RegionalContext>(), metrics.plugin<RegionalContext>((context) => context.principal?.role)],
  });

  return {
    name: region.code,
    log,
    apollo,
    metrics,
    fromGateway: (req) => internalTokens.verify(req).then(() => true),
    context: async ({ req, log: requestLog }) => {
      const principal = await internalTokens.verify(req);
      return { loaders: createLoaders(source), log: requestLog, principal };
    },
    warmUp: async () => {
      await source.ping();
      const { query, variables } = regionalWarmUpOperation(region, identity);
      await runWarmUp(apollo, query, variables, { loaders: createLoaders(source), log, principal: WARM_UP_PRINCIPAL });
    },
    readiness: async () => {
      try {
        await source.ping();
        return { ready: true, checks: { database: 'ok' } };
      } catch {
        return { ready: false, checks: { database: 'not answering' } };
      }
    },
    close: async () => {
      await scan;
      await disconnect();
      await closeDatabase();
    },
  };
}
