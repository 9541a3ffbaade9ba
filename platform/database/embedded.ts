/**
 * Embedded PostgreSQL (PGlite, PostgreSQL compiled to WebAssembly) for the newcomer's default:
 * no server to install, the portal databases live in the process.
 */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlClient } from './sql.js';

/**
 * PostgreSQL settings of every embedded database. shared_buffers at PostgreSQL's default (128MB)
 * made each instance's WebAssembly memory 189 MiB, at 16MB 128 MiB (PGlite's smallest); the demo
 * databases (a few MB each) still fit in it whole.
 */
export const EMBEDDED_POSTGRES_SETTINGS: readonly string[] = ['shared_buffers=16MB'];

/** An embedded database kept in `dataDir`, or in memory (gone at exit) when no dir is given. */
export async function openEmbeddedDatabase(dataDir?: string): Promise<PGlite> {
  const options = { postgresqlconf: [...EMBEDDED_POSTGRES_SETTINGS] };
  return dataDir === undefined ? PGlite.create(options) : PGlite.create(dataDir, options);
}

let savepointCounter = 0;

function transactionClient(tx: Transaction): SqlClient {
  return {
    async query<Row>(text: string, params?: readonly unknown[]) {
      const result = await tx.query<Row>(text, params ? [...params] : undefined);
      return { rows: result.rows };
    },
    async exec(script: string) {
      await tx.exec(script);
    },
    async transaction<T>(work: (inner: SqlClient) => Promise<T>): Promise<T> {
      // PGlite has one transaction at a time: a nested one becomes a savepoint of it.
      const savepoint = `sp_${++savepointCounter}`;
      await tx.exec(`SAVEPOINT ${savepoint}`);
      try {
        const result = await work(transactionClient(tx));
        await tx.exec(`RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (error) {
        await tx.exec(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        throw error;
      }
    },
    async close() {
      // The transaction belongs to the database; closing it is the owner's job.
    },
  };
}

/**
 * SqlClient over an open PGlite. The client does not own the database: the same PGlite usually
 * serves Prisma too (prismaAdapterFor), so close() leaves it open; whoever opened it calls
 * `db.close()`.
 */
export function createEmbeddedClient(db: PGlite): SqlClient {
  return {
    async query<Row>(text: string, params?: readonly unknown[]) {
      const result = await db.query<Row>(text, params ? [...params] : undefined);
      return { rows: result.rows };
    },
    async exec(script: string) {
      await db.exec(script);
    },
    transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
      return db.transaction((tx) => work(transactionClient(tx)));
    },
    async close() {},
  };
}
