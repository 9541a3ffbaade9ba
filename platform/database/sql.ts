/**
 * A minimal SQL client that both a PostgreSQL server (node-postgres) and embedded PGlite provide,
 * so that the migration runner and the demo-data generator work on either.
 */
export interface SqlClient {
  /** One parameterised statement ($1, $2, …). */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
  /** A script of several statements, no parameters. */
  exec(script: string): Promise<void>;
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
