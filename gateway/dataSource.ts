/**
 * How the gateway calls a subgraph. @apollo/gateway has no timeout and its default agent allows
 * 15 sockets per origin (apollographql/federation#1647; ../shared/DESIGN.md): this data source
 * uses undici with keep-alive and a larger pool, and aborts a call after a fixed time, so one slow
 * region cannot hold a request, or the gateway's sockets, hostage.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import type { Fetcher } from '@apollo/utils.fetcher';
import { Agent, fetch } from 'undici';
import { REQUEST_ID_HEADER } from '../platform/http.js';

export interface GatewayContext {
  requestId: string;
  /** The gateway's own short-lived token naming the verified caller (platform/auth.ts). */
  internalToken?: string;
}

export interface SubgraphFetcherOptions {
  /** Abort a subgraph call after this long, ms. */
  timeoutMs: number;
  /** Sockets per subgraph origin. @default 64 */
  connections?: number;
}

export function createSubgraphFetcher(options: SubgraphFetcherOptions): { fetcher: Fetcher; close(): Promise<void> } {
  const agent = new Agent({
    connections: options.connections ?? 64,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    connectTimeout: Math.min(options.timeoutMs, 2_000),
  });
  const fetcher = ((url: string, init?: Parameters<Fetcher>[1]) =>
    fetch(url, {
      ...(init as Record<string, unknown>),
      dispatcher: agent,
      signal: AbortSignal.timeout(options.timeoutMs),
    })) as unknown as Fetcher;
  return { fetcher, close: () => agent.close() };
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    /** The subgraph's name in the supergraph: `province` or a region code. */
    readonly serviceName: string,
    options: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
  ) {
    super(options);
  }

  /**
   * A subgraph that cannot be reached, times out or answers non-2xx becomes one error naming the
   * service (never its URL, which the gateway would otherwise pass on in `extensions.response`).
   * The gateway then answers with what the other subgraphs returned.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new GraphQLError(
        this.serviceName === 'province'
          ? 'The province service did not answer; try again shortly.'
          : `The ${this.serviceName} region did not answer${timedOut ? ' in time' : ''}; its data is missing from this answer.`,
        {
          extensions: {
            code: 'REGION_UNAVAILABLE',
            ...(this.serviceName === 'province' ? {} : { region: this.serviceName }),
            reason: timedOut ? 'TIMEOUT' : 'UNREACHABLE',
          },
        },
      );
    }
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Only operations that came from a client carry its request id; health checks and schema
    // loading have no such context.
    if (options.kind === GraphQLDataSourceRequestKind.INCOMING_OPERATION && options.context.requestId) {
      options.request.http?.headers.set(REQUEST_ID_HEADER, options.context.requestId);
    }
    // The caller's verified claims travel only with the caller's own operations, signed by the
    // gateway; anything else the gateway sends carries no principal, so the subgraphs refuse it.
    if (options.kind === GraphQLDataSourceRequestKind.INCOMING_OPERATION && options.context.internalToken) {
      options.request.http?.headers.set('authorization', `Bearer ${options.context.internalToken}`);
    }
  }
}
