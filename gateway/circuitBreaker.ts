/**
 * One circuit breaker per subgraph (opossum), a layer around the gateway's fetcher. A subgraph
 * that keeps failing at the transport (timeouts, refused or reset connections) is not waited on:
 * once `failureThreshold` calls in the window failed and they are at least half of its calls, or
 * `failureThreshold` calls in a row failed, the circuit opens and every call to it fails at once
 * with EOPENBREAKER, which the data source turns
 * into REGION_UNAVAILABLE with reason CIRCUIT_OPEN (so a check answers UNKNOWN, or ALREADY_APPLIED
 * where another region's applications decide it). After `openMs` one call probes it (half-open);
 * its success closes the circuit, its failure opens it again. An HTTP answer, even an error, is
 * not a failure here: the subgraph answered.
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import CircuitBreaker from 'opossum';
import type { CircuitBreakerConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import type { ServiceMetrics } from '../platform/metrics.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

/** The error code opossum rejects with while a circuit is open. */
export const CIRCUIT_OPEN_CODE = 'EOPENBREAKER';

export function isCircuitOpen(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === CIRCUIT_OPEN_CODE;
}

export interface SubgraphBreakers {
  /** The fetcher for one subgraph, behind its own breaker. */
  wrap(subgraph: string, fetcher: Fetcher): Fetcher;
  states(): Record<string, CircuitState>;
  shutdown(): void;
}

const STATE_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

export function createSubgraphBreakers(config: CircuitBreakerConfig, log: Logger, metrics?: ServiceMetrics): SubgraphBreakers {
  const breakers = new Map<string, CircuitBreaker<Parameters<Fetcher>, Awaited<ReturnType<Fetcher>>>>();
  const stateOf = (breaker: CircuitBreaker): CircuitState => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed');
  const opens = metrics?.counter<'subgraph'>({
    name: 'xjzc_subgraph_circuit_opens_total',
    help: 'Times a subgraph circuit opened (calls to it then fail at once until a probe succeeds).',
    labelNames: ['subgraph'],
  });
  metrics?.gauge<'subgraph'>({
    name: 'xjzc_subgraph_circuit_state',
    help: 'Circuit state per subgraph: 0 closed, 1 half-open (one probe call), 2 open.',
    labelNames: ['subgraph'],
    collect() {
      for (const [subgraph, breaker] of breakers) this.set({ subgraph }, STATE_VALUE[stateOf(breaker)]);
    },
  });
  const rejected = metrics?.counter<'subgraph'>({
    name: 'xjzc_subgraph_circuit_rejected_total',
    help: 'Subgraph calls answered at once because the circuit was open.',
    labelNames: ['subgraph'],
  });

  return {
    wrap(subgraph, fetcher) {
      const breaker = new CircuitBreaker<Parameters<Fetcher>, Awaited<ReturnType<Fetcher>>>((url, init) => fetcher(url, init), {
        // The transport bounds each call itself (the caller's deadline): no second timer here.
        timeout: false,
        volumeThreshold: config.failureThreshold,
        errorThresholdPercentage: 50,
        rollingCountTimeout: config.windowMs,
        rollingCountBuckets: 10,
        resetTimeout: config.openMs,
        name: subgraph,
      });
      // The rate alone opened late: the window still held the successes from before the region
      // hung, so with 16 checks in flight the circuit opened 9.3 s after SIGSTOP (every check
      // meanwhile waiting out its deadline), not at the first deadline (`npm run faults`).
      // Calls in a row that all failed mean nothing answers now, whatever the window holds.
      let failedInARow = 0;
      breaker.on('success', () => {
        failedInARow = 0;
      });
      breaker.on('failure', () => {
        failedInARow++;
        if (failedInARow >= config.failureThreshold && breaker.closed) breaker.open();
      });
      breaker.on('open', () => {
        failedInARow = 0;
        opens?.inc({ subgraph });
        log.warn({ subgraph, openMs: config.openMs }, 'subgraph circuit open: calls to it fail at once until a probe succeeds');
      });
      breaker.on('halfOpen', () => log.info({ subgraph }, 'subgraph circuit half-open: probing'));
      breaker.on('close', () => log.info({ subgraph }, 'subgraph circuit closed: it answers again'));
      breaker.on('reject', () => rejected?.inc({ subgraph }));
      breakers.set(subgraph, breaker);
      return ((url, init) => breaker.fire(url, init)) as Fetcher;
    },
    states: () => Object.fromEntries([...breakers].map(([subgraph, breaker]) => [subgraph, stateOf(breaker)])),
    shutdown() {
      for (const breaker of breakers.values()) breaker.shutdown();
    },
  };
}
