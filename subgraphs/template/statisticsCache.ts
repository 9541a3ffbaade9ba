/**
 * Statistics with a stated freshness (issue 16): a dashboard's figures are the same for every
 * screen that shows them, so a region counts each (year, grouping) at most once every
 * STATISTICS_MAX_AGE_SECONDS, and identical requests that arrive while it counts wait for that one
 * count instead of sending their own GROUP BY over the whole table. The answer says how old it is.
 *
 * What is kept is the raw grouped counts with every group's cell key, never a published answer:
 * perturbation (subgraphs/access.ts publishStatistics) is applied after the cache, per caller, so
 * an analyst's exact counts and a dashboard's perturbed ones come from the same cached groups and
 * are the same as they would be uncached.
 */
import { LRUCache } from 'lru-cache';
import type { RegionalSource, StatisticsDimension, StatisticsGroup } from './source.js';

export interface CachedStatistics {
  groups: readonly StatisticsGroup[];
  /** When the counting began (the data is at least this fresh). */
  computedAt: Date;
}

export interface StatisticsCache {
  /** The groups of (year, grouping), from a count begun at most `maxAgeSeconds` ago, or a new one. */
  get(year: number | null, groupBy: readonly StatisticsDimension[]): Promise<CachedStatistics>;
}

export interface StatisticsCacheOptions {
  /** 0: every request counts anew, but identical requests in flight still share one count. */
  maxAgeSeconds: number;
  /** The region's cell-key seed: the cached groups always carry their keys. */
  cellKeySeed: bigint;
  /** Test seam for the clock; Date.now by default. */
  now?: () => number;
}

interface Entry {
  /** Milliseconds since the epoch when its count began. */
  startedAt: number;
  settled: boolean;
  promise: Promise<CachedStatistics>;
}

// Years × groupings is small (10 years × 32 groupings per region); the bound is against a client
// walking through every year a checkYear allows.
const MAX_ENTRIES = 1_000;

export function createStatisticsCache(source: Pick<RegionalSource, 'statistics'>, options: StatisticsCacheOptions): StatisticsCache {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const entries = new LRUCache<string, Entry>({ max: MAX_ENTRIES });

  return {
    get(year, groupBy) {
      const dimensions = [...new Set(groupBy)].sort();
      const key = JSON.stringify([year, dimensions]);
      const existing = entries.get(key);
      const at = now();
      // In flight: share it whatever its age. Settled: reuse while young enough.
      if (existing && (!existing.settled || at - existing.startedAt < maxAgeMs)) return existing.promise;
      const entry: Entry = {
        startedAt: at,
        settled: false,
        promise: source.statistics(year, dimensions, { cellKeySeed: options.cellKeySeed }).then(
          (groups) => {
            entry.settled = true;
            return { groups, computedAt: new Date(at) };
          },
          (error: unknown) => {
            // A failed count is not an answer to keep: the next request counts again.
            if (entries.get(key) === entry) entries.delete(key);
            throw error;
          },
        ),
      };
      entries.set(key, entry);
      return entry.promise;
    },
  };
}
