/**
 * The gateway's circuit breaker per subgraph (gateway/circuitBreaker.ts): when it opens, and what
 * a call gets while it is open. The fetcher behind it stands in for a subgraph that answers or
 * fails at the transport, as the real one does when a region is hung or killed.
 */
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { describe, expect, it } from 'vitest';
import { createSubgraphBreakers, isCircuitOpen } from '../../gateway/circuitBreaker.js';
import { createLogger } from '../../platform/logger.js';

const log = createLogger({ service: 'test', level: 'silent' });
const CONFIG = { failureThreshold: 5, windowMs: 60_000, openMs: 60_000 };

/** A subgraph that answers while `up()` says so, and otherwise fails as a timed-out call does. */
function subgraph(up: () => boolean): Fetcher {
  return (async () => {
    if (!up()) throw Object.assign(new Error('The subgraph did not answer in time.'), { name: 'TimeoutError' });
    return { status: 200 } as FetcherResponse;
  }) as unknown as Fetcher;
}

const call = (fetcher: Fetcher) => fetcher('http://aks.test/graphql', {}).then(() => 'answered', (error: unknown) => (isCircuitOpen(error) ? 'circuit open' : 'failed'));

/** How `count` calls in a row ended. */
async function outcomesOf(fetcher: Fetcher, count: number): Promise<string[]> {
  const outcomes = [];
  for (let i = 0; i < count; i++) outcomes.push(await call(fetcher));
  return outcomes;
}

describe('a subgraph circuit', () => {
  it('opens once failureThreshold calls in a row failed, though the window still holds many successes', async () => {
    let up = true;
    const breakers = createSubgraphBreakers(CONFIG, log);
    const fetcher = breakers.wrap('aks', subgraph(() => up));
    try {
      expect(new Set(await outcomesOf(fetcher, 200))).toEqual(new Set(['answered']));
      up = false;
      expect(await outcomesOf(fetcher, 7)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'circuit open', 'circuit open']);
      expect(breakers.states()).toEqual({ aks: 'open' });
    } finally {
      breakers.shutdown();
    }
  });

  it('stays closed while failures are few and not in a row', async () => {
    let calls = 0;
    const breakers = createSubgraphBreakers(CONFIG, log);
    // Every fourth call fails: 25% of the window, never two in a row.
    const fetcher = breakers.wrap('aks', subgraph(() => ++calls % 4 !== 0));
    try {
      const outcomes = await outcomesOf(fetcher, 100);
      expect(outcomes.filter((outcome) => outcome === 'failed')).toHaveLength(25);
      expect(outcomes).not.toContain('circuit open');
      expect(breakers.states()).toEqual({ aks: 'closed' });
    } finally {
      breakers.shutdown();
    }
  });

  it('opens on the failure rate of the window too: half or more of its calls failing, not in a row', async () => {
    let calls = 0;
    const breakers = createSubgraphBreakers(CONFIG, log);
    // Two of every three calls fail, never failureThreshold in a row.
    const fetcher = breakers.wrap('aks', subgraph(() => ++calls % 3 === 0));
    try {
      expect(await outcomesOf(fetcher, 30)).toContain('circuit open');
      expect(breakers.states()).toEqual({ aks: 'open' });
    } finally {
      breakers.shutdown();
    }
  });
});
