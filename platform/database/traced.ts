/**
 * Each SQL statement in a span of its own (platform/tracing.ts), on both ways this project talks
 * to a database: its own SqlClient (the province: access log, claim ledger) and the Prisma driver
 * adapter the regions' clients send their statements through. Used only while tracing is on: off,
 * the clients are not wrapped at all.
 */
import { tracedStatement } from '../tracing.js';
import type { SqlClient } from './sql.js';

export function tracedSqlClient(client: SqlClient, database: string): SqlClient {
  return {
    query: (text, params) => tracedStatement(database, text, () => client.query(text, params)),
    exec: (script) => tracedStatement(database, script, () => client.exec(script)),
    transaction: (work) => client.transaction((tx) => work(tracedSqlClient(tx, database))),
    close: () => client.close(),
  };
}

type Method = (...args: unknown[]) => unknown;

/** `target` with some methods replaced; the others bound to it (the adapters keep private state). */
function withMethods<T extends object>(target: T, replaced: Record<string, (original: Method) => Method>): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key);
      if (typeof value !== 'function') return value;
      const original = (value as Method).bind(object);
      const replace = typeof key === 'string' ? replaced[key] : undefined;
      return replace ? replace(original) : original;
    },
  });
}

/** A statement Prisma hands its driver adapter: its SQL text and, apart, its arguments. */
interface AdapterQuery {
  sql: string;
}

/** The statements of a Prisma driver adapter's connection (or transaction), each in a span. */
function tracedQueryable<T extends object>(queryable: T, database: string): T {
  const statement = (original: Method): Method => (query) => tracedStatement(database, (query as AdapterQuery).sql, () => original(query) as Promise<unknown>);
  return withMethods(queryable, {
    queryRaw: statement,
    executeRaw: statement,
    startTransaction: (original) => async (...args) => tracedQueryable((await original(...args)) as object, database),
  });
}

/**
 * A Prisma driver adapter (factory) whose connections trace every statement: give it to
 * `new PrismaClient({ adapter })` in place of `adapter`.
 */
export function tracedPrismaAdapter<A extends object>(adapter: A, database: string): A {
  const connect = (original: Method): Method => async () => tracedQueryable((await original()) as object, database);
  return withMethods(adapter, { connect, connectToShadowDb: connect });
}
