/**
 * Connections that fail fast while a database refuses them: a node-postgres `Client` class for a
 * pool (pg-pool's documented `Client` option). Once opening a connection failed, the pool's next
 * new connections fail at once with that failure for `retryMs`, and after it one connection tries
 * again (the others still fail at once) until one opens. Queries that find an idle connection are
 * not affected.
 *
 * Why: a refused connection is not cheap. PostgreSQL forks a backend for every attempt before it
 * can refuse it (ALLOW_CONNECTIONS false, too many clients, shutting down): 18 ms per attempt on
 * the shared benchmark machine, and a pool of 10 attempting one per query. Under 16 portal checks
 * in flight that cut the checks' throughput to 25% of healthy while one region's database refused
 * (`npm run faults`), although every answer only said the region was missing.
 */
import pg from 'pg';

/** How long a pool does not try new connections after one failed, ms (DATABASE_CONNECT_RETRY_MS; 0: off). */
export const DEFAULT_CONNECT_RETRY_MS = 1_000;

/** node-postgres' callback of `connect` (its types give it as a union of the two ways it is called). */
type ConnectCallback = ((error: Error) => void) | ((error: null, client: pg.Client) => void);
type Callback = (error: Error | null, client?: pg.Client) => void;

/** A Client class whose connections share one memory of the last failure (one per pool). */
export function failFastClient(retryMs: number): typeof pg.Client {
  // 0: every new connection tries the database, as node-postgres does by itself.
  if (retryMs <= 0) return pg.Client;
  let failure: Error | undefined;
  let retryAt = 0;
  let probing = false;

  /** The last failure again, as its own error (each caller may add to its error). */
  const refused = (): Error => Object.assign(new Error(failure!.message, { cause: failure }), failure);

  return class FailFastClient extends pg.Client {
    override connect(): Promise<pg.Client>;
    override connect(callback: ConnectCallback): void;
    override connect(given?: ConnectCallback): Promise<pg.Client> | void {
      const callback = given as Callback | undefined;
      if (failure && (Date.now() < retryAt || probing)) {
        const error = refused();
        if (callback) {
          queueMicrotask(() => callback(error));
          return;
        }
        return Promise.reject(error);
      }
      const probe = failure !== undefined;
      if (probe) probing = true;
      const settled = (error: Error | null | undefined) => {
        if (probe) probing = false;
        if (error) {
          failure = error;
          retryAt = Date.now() + retryMs;
        } else {
          failure = undefined;
        }
      };
      if (callback) {
        super.connect((error: Error | null) => {
          settled(error);
          callback(error, this);
        });
        return;
      }
      return new Promise((resolve, reject) =>
        super.connect((error: Error | null) => {
          settled(error);
          if (error) reject(error);
          else resolve(this);
        }),
      );
    }
  };
}
