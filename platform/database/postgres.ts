/**
 * SqlClient over a node-postgres pool, for a portal or province database on a PostgreSQL server.
 */
import pg from 'pg';
import { DEFAULT_CONNECT_RETRY_MS, failFastClient } from './failFast.js';
import type { SqlClient } from './sql.js';

export interface PostgresClientOptions {
  /** Most connections the pool opens. @default 5 */
  max?: number;
  /** How long to wait for a connection (a new one, or a free one from a full pool) before a query fails, ms. @default 1000 */
  connectionTimeoutMillis?: number;
  /** How long one query may take before it fails (the connection is then discarded), ms. @default 10000 */
  queryTimeoutMillis?: number;
  /** How long an unused connection stays open, ms. @default 10000 */
  idleTimeoutMillis?: number;
  /** After a connection failed to open, how long new ones fail at once (failFast.ts), ms. @default 1000 */
  connectRetryMillis?: number;
}

/**
 * Short, so that a database that is down, refusing or out of connections fails the query at once
 * instead of holding the request (DATABASE_CONNECT_TIMEOUT_MS).
 */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 1_000;
/** A database that accepted the query but does not answer (DATABASE_QUERY_TIMEOUT_MS). */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 10_000;

type Queryable = Pick<pg.PoolClient, 'query'>;

function clientOver(connection: Queryable, nested: (work: (tx: SqlClient) => Promise<unknown>) => Promise<unknown>): SqlClient {
  return {
    async query<Row>(text: string, params?: readonly unknown[]) {
      const result = await connection.query(text, params as unknown[] | undefined);
      return { rows: result.rows as Row[] };
    },
    async exec(script: string) {
      // Without parameters node-postgres uses the simple protocol, which accepts several statements.
      await connection.query(script);
    },
    transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
      return nested(work as (tx: SqlClient) => Promise<unknown>) as Promise<T>;
    },
    async close() {
      // A transaction's client belongs to the pool; closing the pool is the owner's job.
    },
  };
}

let savepointCounter = 0;

/** A client bound to one checked-out connection that is already inside a transaction. */
function transactionClient(connection: pg.PoolClient): SqlClient {
  const nested = async (work: (tx: SqlClient) => Promise<unknown>): Promise<unknown> => {
    // A transaction inside a transaction becomes a savepoint, so the inner work can fail alone.
    const savepoint = `sp_${++savepointCounter}`;
    await connection.query(`SAVEPOINT ${savepoint}`);
    try {
      const result = await work(transactionClient(connection));
      await connection.query(`RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (error) {
      await connection.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      throw error;
    }
  };
  return clientOver(connection, nested);
}

/** A SqlClient on a pool, whose use (open, idle, waiting) can be read for metrics. */
export type PooledSqlClient = SqlClient & { poolUsage(): { total: number; idle: number; waiting: number } };

export function createPostgresClient(url: string, options: PostgresClientOptions = {}): PooledSqlClient {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 5,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    idleTimeoutMillis: options.idleTimeoutMillis ?? DEFAULT_IDLE_TIMEOUT_MS,
    query_timeout: options.queryTimeoutMillis ?? DEFAULT_QUERY_TIMEOUT_MS,
    // A refusing database is not asked again for every query (failFast.ts).
    Client: failFastClient(options.connectRetryMillis ?? DEFAULT_CONNECT_RETRY_MS),
  });
  // An idle connection the server ends (restart, terminated backend) emits 'error' on the pool;
  // unhandled, that would crash the process. The pool drops the connection and opens a new one later.
  pool.on('error', () => {});

  return {
    async query<Row>(text: string, params?: readonly unknown[]) {
      const result = await pool.query(text, params as unknown[] | undefined);
      return { rows: result.rows as Row[] };
    },
    async exec(script: string) {
      await pool.query(script);
    },
    async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
      const connection = await pool.connect();
      let broken: Error | undefined;
      try {
        await connection.query('BEGIN');
        const result = await work(transactionClient(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await connection.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection itself failed: give it back destroyed rather than reuse it.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        connection.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
    poolUsage: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

/** The URL fit to print: its password, if any, replaced by `***`. */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    // Unparseable: printing it could print a password, so print nothing of it.
    return '(unparseable database URL)';
  }
}
