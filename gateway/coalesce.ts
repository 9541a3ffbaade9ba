/**
 * Entity fetches of concurrent operations, coalesced into one subgraph call.
 *
 * Under load the same plan runs many times at once: every portal checking a duplicate sends each
 * region the same `_entities` query, differing only in the representations. Fetches that become
 * ready in the same turn of the event loop, for the same subgraph, with the same query, operation
 * name, other variables and the same caller's token, are sent as one call whose representations
 * are theirs concatenated; the answer is cut back into each one's share, errors included, so each
 * operation sees exactly the answer it would have had alone. The subgraph then resolves them as one
 * batch (one SQL statement per aspect, through its DataLoaders), and the gateway and subgraph pay
 * for one HTTP exchange instead of several.
 *
 * Only fetches that carry the same `authorization` header are ever combined: a subgraph applies
 * its access rules to one principal per call, so operations of different callers never share one.
 * A fetch alone in its turn is sent as it is. The coalesced call carries the first fetch's request
 * id; the others' ids are listed in `x-coalesced-request-ids` so that subgraph logs still lead back
 * to each operation.
 */
import type { GatewayGraphQLRequest, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { COALESCED_REQUEST_IDS_HEADER, REQUEST_ID_HEADER } from '../platform/http.js';

/** Sends one request to the subgraph and returns its parsed answer. */
export type SendRequest = (request: GatewayGraphQLRequest) => Promise<GatewayGraphQLResponse>;

export interface CoalescerOptions {
  /** Most representations in one coalesced call; beyond it a new call starts. @default 100 */
  maxRepresentations?: number;
  /**
   * Most bytes of representations (as JSON) in one coalesced call; beyond it a new call starts.
   * Representations for a @requires carry the required data (every application of a person), and
   * a subgraph refuses a body over 100 kB (platform/http.ts), so combined calls stay well below.
   * A single fetch larger than this is sent alone, as it would be without coalescing.
   * @default 48000
   */
  maxRepresentationBytes?: number;
}

interface Waiting {
  request: GatewayGraphQLRequest;
  representations: unknown[];
  /** Length of the representations as JSON: what they add to the combined body. */
  bytes: number;
  resolve(response: GatewayGraphQLResponse): void;
  reject(error: unknown): void;
}

/** The part of a subgraph's answer that belongs to representations [offset, offset + count). */
export function shareOf(response: GatewayGraphQLResponse, offset: number, count: number): GatewayGraphQLResponse {
  const data = response.data;
  const entities = data?._entities;
  const errors = response.errors?.flatMap((error) => {
    const path = error.path;
    if (path?.[0] !== '_entities' || typeof path[1] !== 'number') return [error];
    if (path[1] < offset || path[1] >= offset + count) return [];
    return [{ ...error, path: ['_entities', path[1] - offset, ...path.slice(2)] }];
  });
  return {
    ...response,
    data: data == null ? data : { ...data, _entities: Array.isArray(entities) ? entities.slice(offset, offset + count) : entities },
    errors: errors && errors.length > 0 ? errors : undefined,
  };
}

/** What must be equal for two fetches to share a call: everything but the representations and the request id. */
function keyOf(request: GatewayGraphQLRequest, authorization: string): string {
  const { representations: _ignored, ...variables } = request.variables ?? {};
  return JSON.stringify([authorization, request.operationName ?? null, request.query, variables, request.extensions ?? null]);
}

export class EntityFetchCoalescer {
  private readonly pending = new Map<string, Waiting[]>();
  private scheduled = false;
  private readonly maxRepresentations: number;
  private readonly maxBytes: number;

  constructor(
    private readonly send: SendRequest,
    options: CoalescerOptions = {},
  ) {
    this.maxRepresentations = options.maxRepresentations ?? 100;
    this.maxBytes = options.maxRepresentationBytes ?? 48_000;
  }

  /** Sends the request, coalesced with others of this turn when it is an entity fetch on behalf of a caller. */
  request(request: GatewayGraphQLRequest): Promise<GatewayGraphQLResponse> {
    const representations = request.variables?.representations;
    const authorization = request.http?.headers.get('authorization');
    if (!Array.isArray(representations) || !authorization) return this.send(request);
    const key = keyOf(request, authorization);
    return new Promise((resolve, reject) => {
      const group = this.pending.get(key);
      const waiting = { request, representations, bytes: JSON.stringify(representations).length, resolve, reject };
      if (group) group.push(waiting);
      else this.pending.set(key, [waiting]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const groups = [...this.pending.values()];
    this.pending.clear();
    for (const group of groups) {
      for (const call of this.split(group)) this.sendCall(call);
    }
  }

  /** Consecutive fetches of a group, as many as fit in one call by count and by size. */
  private split(group: Waiting[]): Waiting[][] {
    const calls: Waiting[][] = [];
    let current: Waiting[] = [];
    let count = 0;
    let bytes = 0;
    for (const waiting of group) {
      const full = count + waiting.representations.length > this.maxRepresentations || bytes + waiting.bytes > this.maxBytes;
      if (current.length > 0 && full) {
        calls.push(current);
        current = [];
        count = 0;
        bytes = 0;
      }
      current.push(waiting);
      count += waiting.representations.length;
      bytes += waiting.bytes;
    }
    if (current.length > 0) calls.push(current);
    return calls;
  }

  private sendCall(call: Waiting[]): void {
    const [first] = call;
    if (!first) return;
    if (call.length === 1) {
      this.send(first.request).then(first.resolve, first.reject);
      return;
    }
    const others = call.slice(1).flatMap((waiting) => waiting.request.http?.headers.get(REQUEST_ID_HEADER) ?? []);
    if (others.length > 0) first.request.http?.headers.set(COALESCED_REQUEST_IDS_HEADER, others.join(' '));
    const combined: GatewayGraphQLRequest = {
      ...first.request,
      variables: { ...first.request.variables, representations: call.flatMap((waiting) => waiting.representations) },
    };
    this.send(combined).then(
      (response) => {
        let offset = 0;
        for (const waiting of call) {
          waiting.resolve(shareOf(response, offset, waiting.representations.length));
          offset += waiting.representations.length;
        }
      },
      (error: unknown) => {
        for (const waiting of call) waiting.reject(error);
      },
    );
  }
}
