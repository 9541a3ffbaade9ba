/**
 * The gateway's readiness: ready once its supergraph is loaded and it has reached every subgraph
 * once (each subgraph's own GET /ready said ready: database answering, first query paths warm).
 * After that a subgraph that stops answering is reported in /ready but keeps the gateway in
 * rotation: one region down must not stop the other regions' checks, and its answers say UNKNOWN
 * with the region named, never CLEAR. A subgraph that is down from the start cannot hold the
 * gateway back for ever either: after `graceMs` the gateway is ready without it, reporting it.
 * A subgraph a reloaded supergraph adds (gateway/supergraphSource.ts) is reported the same way and
 * does not take a ready gateway out of rotation either.
 */
import { Agent } from 'undici';
import type { ReadinessReport } from '../platform/http.js';
import type { Logger } from '../platform/logger.js';

export type SubgraphState = 'ok' | 'not ready' | 'unreachable' | 'not yet checked';

export interface SubgraphReadinessOptions {
  log: Logger;
  /** How long a probe may take, ms. @default 2000 */
  probeTimeoutMs?: number;
  /** Probe interval until every subgraph was reached, ms. @default 250 */
  startingIntervalMs?: number;
  /** Probe interval after that, ms. @default 5000 */
  intervalMs?: number;
  /** Ready without the subgraphs never reached once this long after start, ms. @default 30000 */
  graceMs?: number;
}

export interface SubgraphReadiness {
  /** A subgraph of the supergraph, with the URL the gateway calls (its /ready is beside /graphql). */
  track(name: string, graphqlUrl: string): void;
  /** Marks the supergraph loaded (the gateway's schema is built) and starts probing. */
  supergraphLoaded(): void;
  report(): ReadinessReport & { subgraphs: Record<string, SubgraphState> };
  /** Resolves when every subgraph has been reached once (for `npm start` and tests). */
  allReached(): Promise<void>;
  stop(): Promise<void>;
}

export function createSubgraphReadiness(options: SubgraphReadinessOptions): SubgraphReadiness {
  const probeTimeoutMs = options.probeTimeoutMs ?? 2_000;
  const agent = new Agent({ connections: 2, connectTimeout: probeTimeoutMs, headersTimeout: probeTimeoutMs, bodyTimeout: probeTimeoutMs });
  const urls = new Map<string, string>();
  const states = new Map<string, SubgraphState>();
  const reached = new Set<string>();
  /**
   * Where the gateway is: its supergraph not loaded yet; probing until every subgraph was reached
   * once (or the grace period is over); ready for good (a subgraph lost later is reported, not
   * fatal); stopped.
   */
  type Phase =
    | { phase: 'waiting for supergraph' }
    | { phase: 'starting'; loadedAt: number; timer?: NodeJS.Timeout }
    | { phase: 'ready'; timer?: NodeJS.Timeout }
    | { phase: 'stopped' };
  let state: Phase = { phase: 'waiting for supergraph' };
  let resolveAll: () => void = () => {};
  const all = new Promise<void>((resolve) => (resolveAll = resolve));

  const probe = async (graphqlUrl: string): Promise<SubgraphState> => {
    const target = new URL('ready', new URL('.', graphqlUrl));
    try {
      const response = await agent.request({ origin: target.origin, path: target.pathname, method: 'GET', signal: AbortSignal.timeout(probeTimeoutMs) });
      await response.body.dump();
      return response.statusCode === 200 ? 'ok' : 'not ready';
    } catch {
      return 'unreachable';
    }
  };

  const round = async () => {
    await Promise.all(
      [...urls].map(async ([name, url]) => {
        const state = await probe(url);
        const before = states.get(name);
        states.set(name, state);
        if (state === 'ok' && !reached.has(name)) {
          reached.add(name);
          options.log.info({ subgraph: name }, 'subgraph reached');
        } else if (state !== 'ok' && before === 'ok') {
          options.log.warn({ subgraph: name, state }, 'subgraph stopped answering; the gateway stays in rotation');
        } else if (state === 'ok' && before !== 'ok' && before !== 'not yet checked') {
          options.log.info({ subgraph: name }, 'subgraph answers again');
        }
      }),
    );
    if (reached.size === urls.size) {
      if (state.phase === 'starting') state = { phase: 'ready' };
      resolveAll();
    }
  };

  const schedule = () => {
    if (state.phase !== 'starting' && state.phase !== 'ready') return;
    const interval = reached.size === urls.size ? (options.intervalMs ?? 5_000) : (options.startingIntervalMs ?? 250);
    const timer = setTimeout(() => {
      round().finally(schedule);
    }, interval);
    timer.unref();
    state.timer = timer;
  };

  return {
    track(name, graphqlUrl) {
      urls.set(name, graphqlUrl);
      if (!states.has(name)) states.set(name, 'not yet checked');
    },
    supergraphLoaded() {
      if (state.phase !== 'waiting for supergraph') return;
      state = { phase: 'starting', loadedAt: Date.now() };
      void round().finally(schedule);
    },
    report() {
      const subgraphs = Object.fromEntries([...states].sort(([a], [b]) => a.localeCompare(b)));
      if (state.phase === 'starting' && (reached.size === urls.size || Date.now() - state.loadedAt >= (options.graceMs ?? 30_000))) {
        state = { phase: 'ready', timer: state.timer };
      }
      return {
        ready: state.phase === 'ready',
        checks: { supergraph: state.phase === 'waiting for supergraph' ? 'not loaded' : 'ok', ...subgraphs },
        subgraphs,
      };
    },
    allReached: () => all,
    async stop() {
      if (state.phase === 'starting' || state.phase === 'ready') clearTimeout(state.timer);
      state = { phase: 'stopped' };
      await agent.close();
    },
  };
}
