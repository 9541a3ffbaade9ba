/**
 * The province's one HTTP client for its own calls to the regional subgraphs (regionCalls.ts for
 * claims and the conflicts report, mergedList.ts for the merged list): one connection pool, one
 * deadline per call, and one way of naming why a call gave no usable answer.
 *
 * The caller brings the bearer token: the claims sign the gateway's kind of token for the caller
 * they serve, the merged list passes on the one it received from the gateway.
 */
import { Agent } from 'undici';
import type { RegionDefinition } from '../../domain/regions.js';
import { REQUEST_ID_HEADER } from '../../platform/http.js';
import { tracedCall } from '../../platform/tracing.js';

/** A GraphQL answer as a region sends it. */
export interface GraphQLAnswer<TData> {
  data?: TData | null;
  errors?: Array<{ message?: string; path?: Array<string | number>; extensions?: { code?: unknown } }>;
}

/** Why a call to a region gave no answer: the region, and a reason fit for logs and `extensions.reason`. */
export class RegionCallError extends Error {
  constructor(
    readonly region: string,
    readonly reason: 'NOT_CONFIGURED' | 'TIMEOUT' | 'UNREACHABLE' | 'BAD_ANSWER' | `HTTP_${number}`,
  ) {
    super(`${region}: ${reason}`);
    this.name = 'RegionCallError';
  }
}

export interface RegionClient {
  /** One POST of a GraphQL operation to a region; rejects with RegionCallError. */
  post<TData>(region: RegionDefinition, bearerToken: string, requestId: string, query: string, variables: Record<string, unknown>): Promise<GraphQLAnswer<TData>>;
  close(): Promise<void>;
}

export function createRegionClient(options: {
  /** Each region's subgraph URL, by region code (Config.subgraphUrls). */
  urls: Readonly<Record<string, string>>;
  /** One call's time limit, ms (SUBGRAPH_TIMEOUT_MS, as the gateway's). */
  timeoutMs: number;
}): RegionClient {
  const agent = new Agent({
    connections: 64,
    keepAliveTimeout: 30_000,
    connectTimeout: Math.min(options.timeoutMs, 2_000),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });

  return {
    async post<TData>(region: RegionDefinition, bearerToken: string, requestId: string, query: string, variables: Record<string, unknown>) {
      const url = options.urls[region.code];
      if (!url) throw new RegionCallError(region.code, 'NOT_CONFIGURED');
      const target = new URL(url);
      const deadline = AbortSignal.timeout(options.timeoutMs);
      let status: number;
      let text: string;
      try {
        // In a span of its own with `traceparent` added while tracing is on (platform/tracing.ts).
        const headers = { 'content-type': 'application/json', authorization: `Bearer ${bearerToken}`, [REQUEST_ID_HEADER]: requestId };
        const response = await tracedCall(target, region.code, headers, (sent) =>
          agent.request({ origin: target.origin, path: `${target.pathname}${target.search}`, method: 'POST', headers: sent, body: JSON.stringify({ query, variables }), signal: deadline }),
        );
        status = response.statusCode;
        text = await response.body.text();
      } catch (error) {
        const timedOut = deadline.aborted || (error instanceof Error && /timeout/i.test(`${error.name} ${(error as { code?: string }).code ?? ''}`));
        throw new RegionCallError(region.code, timedOut ? 'TIMEOUT' : 'UNREACHABLE');
      }
      if (status < 200 || status >= 300) throw new RegionCallError(region.code, `HTTP_${status}`);
      try {
        return JSON.parse(text) as GraphQLAnswer<TData>;
      } catch {
        throw new RegionCallError(region.code, 'BAD_ANSWER');
      }
    },
    close: () => agent.close(),
  };
}
