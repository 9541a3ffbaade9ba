/**
 * Assembles the province subgraph service. It reads no portal database; its own database holds the
 * access log of person lookups (PROVINCE_DATABASE_URL, or embedded PGlite like the regions).
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { offlinePlugins } from '../../platform/offline.js';
import type { RegionDefinition } from '../../domain/regions.js';
import { createInternalTokenVerifier } from '../../platform/auth.js';
import type { Config } from '../../platform/config.js';
import { createEmbeddedClient, openEmbeddedDatabase } from '../../platform/database/embedded.js';
import { migrate, regionMigrationsDir } from '../../platform/database/migrate.js';
import { createPostgresClient } from '../../platform/database/postgres.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { subgraphErrorFormatter } from '../../platform/errors.js';
import type { ServiceOptions } from '../../platform/http.js';
import { createIdentity } from '../../platform/identity.js';
import type { Logger } from '../../platform/logger.js';
import { createAccessLog } from './accessLog.js';
import { createProvinceSchema, type ProvinceContext } from './schema.js';

/** The province database: the configured server (migrated by `npm run db:migrate`), or an embedded one migrated here. */
async function openProvinceDatabase(config: Config): Promise<{ sql: SqlClient; close(): Promise<void> }> {
  if (config.provinceDatabaseUrl) {
    const sql = createPostgresClient(config.provinceDatabaseUrl, { max: 2 });
    return { sql, close: () => sql.close() };
  }
  const db = await openEmbeddedDatabase();
  const sql = createEmbeddedClient(db);
  await migrate(sql, regionMigrationsDir('province'));
  return { sql, close: () => db.close() };
}

export type ProvinceService = ServiceOptions<ProvinceContext> & { close(): Promise<void> };

export function createProvinceService(regions: readonly RegionDefinition[], config: Config, log: Logger): ProvinceService {
  const database = openProvinceDatabase(config);
  const accessLog = createAccessLog({ sql: database.then((opened) => opened.sql), log });
  const internalTokens = createInternalTokenVerifier(config.internalTokenSecret, regions.map((region) => region.code));
  const apollo = new ApolloServer<ProvinceContext>({
    schema: createProvinceSchema(regions, createIdentity(config.identitySecret), accessLog),
    formatError: subgraphErrorFormatter('province', log),
    includeStacktraceInErrorResponses: false,
    // Traces are for Apollo's hosted reporting, which this deployment does not use.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...offlinePlugins<ProvinceContext>()],
  });
  return {
    name: 'province',
    log,
    apollo,
    context: async ({ req, requestId, log: requestLog }) => ({ log: requestLog, requestId, principal: await internalTokens.verify(req) }),
    // A failing access log does not stop lookups (its entries wait in the queue): reported, not unready.
    readiness: async () => ({
      ready: true,
      checks: { registry: `${regions.length} regions`, accessLog: (await accessLog.ping()) ? 'ok' : 'not answering' },
    }),
    metrics: () => accessLog.metrics(),
    close: async () => {
      await accessLog.close();
      await (await database.catch(() => null))?.close();
    },
  };
}
