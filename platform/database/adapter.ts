/**
 * The Prisma driver adapter for a region's database, PostgreSQL server or embedded PGlite:
 * `new PrismaClient({ adapter: prismaAdapterFor(target) })`. Prisma 7 talks to the database only
 * through such an adapter, so no query engine binary is needed at run time.
 */
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { DEFAULT_CONNECT_RETRY_MS, failFastClient } from './failFast.js';
import { DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_QUERY_TIMEOUT_MS } from './postgres.js';

export type PrismaAdapterTarget =
  | {
      kind: 'postgres';
      url: string;
      /** Most connections the pool opens. @default 10 */
      max?: number;
      /** How long a query waits for a connection (a new one, or a free one from a full pool) before it fails, ms. @default 1000 */
      connectionTimeoutMillis?: number;
      /** How long one query may take before it fails, ms. @default 10000 */
      queryTimeoutMillis?: number;
      /** How long an unused connection stays open, ms. @default 10000 */
      idleTimeoutMillis?: number;
      /** After a connection failed to open, how long new ones fail at once (platform/database/failFast.ts), ms. @default 1000 */
      connectRetryMillis?: number;
      /** Given the pool the adapter uses, e.g. to report its use as metrics. */
      onPool?: (pool: pg.Pool) => void;
    }
  | { kind: 'embedded'; db: PGlite };

export type PrismaAdapter = PrismaPg | PrismaPGlite;

export function prismaAdapterFor(target: PrismaAdapterTarget): PrismaAdapter {
  switch (target.kind) {
    case 'postgres': {
      // The pool is made here, not by the adapter, so that its use can be read (metrics); the
      // adapter still ends it when Prisma disconnects (disposeExternalPool).
      const pool = new pg.Pool({
        connectionString: target.url,
        max: target.max ?? 10,
        // Without it pg waits for a connection forever: a database that is down would hang
        // every request instead of failing it, and the gateway could not report the region down.
        connectionTimeoutMillis: target.connectionTimeoutMillis ?? DEFAULT_CONNECTION_TIMEOUT_MS,
        idleTimeoutMillis: target.idleTimeoutMillis ?? DEFAULT_IDLE_TIMEOUT_MS,
        // A database that accepted the query but hangs fails it too, instead of holding a pooled
        // connection (and the request) until the gateway gives up.
        query_timeout: target.queryTimeoutMillis ?? DEFAULT_QUERY_TIMEOUT_MS,
        // A refusing database is not asked again for every query (failFast.ts).
        Client: failFastClient(target.connectRetryMillis ?? DEFAULT_CONNECT_RETRY_MS),
      });
      // A connection the server ends while idle must not crash the process; the pool drops it.
      pool.on('error', () => {});
      target.onPool?.(pool);
      return new PrismaPg(pool, { onPoolError: () => {}, onConnectionError: () => {}, disposeExternalPool: true });
    }
    case 'embedded':
      return new PrismaPGlite(target.db);
  }
}
