/**
 * Whole answers reused while every part of them is still true (issue 16): many dashboard screens
 * ask the same statistics, and within the freshness the regions state for them the gateway can
 * answer again without calling any subgraph.
 *
 * How long is the subgraphs' to say (subgraphs/cacheHints.ts): each answer carries a Cache-Control
 * header, @apollo/gateway takes the shortest over every subgraph an operation called, and
 * @apollo/server-plugin-response-cache keeps the answer that long. A region hints statistics for
 * what is left of their STATISTICS_MAX_AGE_SECONDS, so an answer served from here is no older than
 * one the region would give. Nothing about a person is ever hinted, so person lookups (and their
 * access-log entries) always reach the province. Answers with any error (a region that did not
 * answer, a refused field) and mutations are never kept.
 *
 * Whose answer: the access rules depend on the caller's role and, for a portal, its region
 * (subgraphs/accessMatrix.ts), never on who the caller is; answers are kept per role and region,
 * whatever scope the subgraphs hint, so that no caller is ever served what a caller allowed more
 * was answered. The rate limits, admission, trusted documents, logs and metrics (all decided
 * before) apply to a reused answer as to any other.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { Principal } from '../platform/auth.js';

/** Bytes of kept answers (their JSON), least recently used dropped first. */
export const RESPONSE_CACHE_BYTES = 32 * 1024 * 1024;

/** Who sees the same answers: the role, and a portal's region. */
function audienceOf({ contextValue }: GraphQLRequestContext<BaseContext & { principal: Principal }>): string {
  return `${contextValue.principal.role}:${contextValue.principal.region ?? ''}`;
}

export interface ResponseCache<TContext extends BaseContext> {
  plugin: ApolloServerPlugin<TContext>;
  /** Drops every kept answer: a new supergraph may plan, and answer, differently. */
  clear(): void;
}

export function responseCache<TContext extends BaseContext & { principal: Principal }>(): ResponseCache<TContext> {
  const cache = new InMemoryLRUCache<string>({ maxSize: RESPONSE_CACHE_BYTES });
  return { plugin: plugin<TContext>(cache), clear: () => cache.clear() };
}

function plugin<TContext extends BaseContext & { principal: Principal }>(cache: InMemoryLRUCache<string>): ApolloServerPlugin<TContext> {
  return responseCachePlugin<TContext>({
    cache,
    // Private answers (statistics: perturbed or exact by audience) are shared within the audience only,
    sessionId: async (requestContext) => audienceOf(requestContext),
    // and public ones too: a subgraph that forgot to say "private" must not make an answer cross audiences.
    extraCacheKeyData: async (requestContext) => audienceOf(requestContext),
  });
}
