/**
 * How long an answer stays true, stated by the subgraph that knows (issue 16), as Apollo cache
 * hints: each subgraph's Apollo Server sends the shortest hint of an answer as its Cache-Control
 * header (`max-age=N, public|private`, or `no-store`), the gateway takes the shortest over every
 * subgraph an operation called, and reuses a whole answer only that long (gateway/responseCache.ts).
 *
 * Apollo's rule: a root field, or a field returning an object, is never cacheable unless hinted; a
 * scalar field takes its parent's hint. So only what is hinted here is ever reused: the region
 * registry and the review batches (configuration, changed only by a deployment) and the statistics
 * (for what is left of their stated freshness, subgraphs/template/statisticsCache.ts). Everything
 * about a person is never reused: a lookup writes an access-log entry every time.
 */
import { maybeCacheControlFromInfo, type CacheScope } from '@apollo/cache-control-types';
import type { GraphQLResolveInfo } from 'graphql';

/** Configuration the services ship with (the region registry, the review batches): how long it may be reused, seconds. */
export const CONFIGURATION_MAX_AGE_SECONDS = 60;

/**
 * Narrows the hint of the field being resolved (for an entity reference, of the whole `_entities`
 * call): the shorter of what it had and `maxAgeSeconds`, private if either is. Never lengthens it.
 */
export function cacheAtMost(info: GraphQLResolveInfo, maxAgeSeconds: number, scope: CacheScope = 'PUBLIC'): void {
  maybeCacheControlFromInfo(info)?.cacheHint.restrict({ maxAge: Math.max(0, Math.floor(maxAgeSeconds)), scope });
}

/** The field's answer may not be reused at all (a person's data; a figure that says how old it is). */
export function neverCache(info: GraphQLResolveInfo): void {
  cacheAtMost(info, 0);
}
