/**
 * A PostgreSQL server administered through its maintenance database: the URL of any of its
 * databases, one short-lived admin connection at a time, and creating or dropping a database.
 * The test helpers (TEST_DATABASE_URL) and the benchmark (BENCH_DATABASE_URL) make and drop their
 * own databases with it.
 */
import pg from 'pg';

/** A database name as an SQL identifier. */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export interface PostgresServer {
  /** The admin URL with `name` as the database. */
  databaseUrl(name: string): string;
  /** Runs `work` on a fresh connection to the maintenance database, closed afterwards. */
  withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T>;
  databaseExists(name: string, admin?: pg.Client): Promise<boolean>;
  /** Creates `name`, empty or as a copy of `template`. */
  createDatabase(name: string, options?: { template?: string; admin?: pg.Client }): Promise<void>;
  /** Drops `name` if it exists, closing other sessions on it. */
  dropDatabase(name: string, admin?: pg.Client): Promise<void>;
}

export function postgresServer(adminUrl: string): PostgresServer {
  const withAdmin = async <T>(work: (admin: pg.Client) => Promise<T>): Promise<T> => {
    const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.end();
    }
  };
  /** On the given connection, or on one of its own. */
  const on = <T>(admin: pg.Client | undefined, work: (admin: pg.Client) => Promise<T>): Promise<T> => (admin ? work(admin) : withAdmin(work));

  return {
    databaseUrl(name) {
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    withAdmin,
    databaseExists: (name, admin) =>
      on(admin, async (client) => ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0),
    createDatabase: async (name, options = {}) => {
      const template = options.template ? ` TEMPLATE ${quoteIdent(options.template)}` : '';
      await on(options.admin, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}${template}`));
    },
    dropDatabase: async (name, admin) => {
      await on(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
    },
  };
}
