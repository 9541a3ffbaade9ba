/**
 * Entity fetches of concurrent operations, coalesced into one subgraph call, as a layer of the
 * gateway's fetcher: the public extension point RemoteGraphQLDataSource takes (`fetcher`), so the
 * data source runs exactly as Apollo wrote it (willSendRequest, the cache-policy hint,
 * didReceiveResponse) and an upgrade cannot silently turn coalescing off.
 *
 * Under load the same plan runs many times at once: every portal checking a duplicate sends each
 * region the same `_entities` query, differing only in the representations. Fetches that become
 * ready in the same turn of the event loop, for the same subgraph URL, with the same query,
 * operation name, other variables and the same caller's token, are sent as one call whose
 * representations are theirs concatenated; the answer is cut back into each one's share, errors
 * included, so each operation sees exactly the answer it would have had alone. The subgraph then
 * resolves them as one batch (one SQL statement per aspect, through its DataLoaders), and the
 * gateway and subgraph pay for one HTTP exchange instead of several.
 *
 * Only fetches that carry the same `authorization` header are ever combined: a subgraph applies
 * its access rules to one principal per call, so operations of different callers never share one.
 * A fetch alone in its turn is sent as it is. The coalesced call carries the first fetch's request
 * id; the others' ids are listed in `x-coalesced-request-ids` so that subgraph logs still lead back
 * to each operation.
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import DataLoader from 'dataloader';
import { COALESCED_REQUEST_IDS_HEADER, REQUEST_ID_HEADER } from '../platform/http.js';
import { ACCESS_LOG_RECEIPTS_HEADER } from '../platform/accessReceipts.js';
import { activeContext, inContext, type TraceContext } from '../platform/tracing.js';
import { BufferedResponse } from './bufferedResponse.js';

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

/** The JSON body RemoteGraphQLDataSource sends: the operation without its `http` part. */
interface OperationBody {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown> & { representations?: unknown };
  extensions?: unknown;
}

/** One entity fetch waiting for its turn to end. */
interface EntityFetch {
  url: string;
  init: FetcherRequestInit;
  headers: Record<string, string>;
  operation: OperationBody;
  representations: unknown[];
  /** Length of the representations as JSON: what they add to the combined body. */
  bytes: number;
  /** Length of its access-log receipts (gateway/accessReceipts.ts): what they add to the combined call's headers. */
  receiptBytes: number;
  /** What must be equal for two fetches to share a call. */
  key: string;
  /** The trace context the fetch was made in (null while tracing is off): its call is sent in it. */
  traced: TraceContext | null;
}

/**
 * What the loader hands back for one fetch: the promise of its answer, wrapped, so that a batch
 * resolves at once and each fetch still waits only for its own call, not for the batch's slowest.
 */
interface Pending {
  response: Promise<FetcherResponse>;
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

/** The fetch as an entity fetch on behalf of a caller, or null when it is anything else. */
function entityFetch(url: string, init: FetcherRequestInit): EntityFetch | null {
  const headers = init.headers ?? {};
  const authorization = headers.authorization;
  // Parse only what can be an entity fetch: a caller's operation that names representations.
  if (!authorization || typeof init.body !== 'string' || !init.body.includes('"representations"')) return null;
  let operation: OperationBody;
  try {
    operation = JSON.parse(init.body) as OperationBody;
  } catch {
    return null;
  }
  const representations = operation.variables?.representations;
  if (!Array.isArray(representations)) return null;
  const { representations: _ignored, ...otherVariables } = operation.variables ?? {};
  return {
    url,
    init,
    headers,
    operation,
    representations,
    bytes: JSON.stringify(representations).length,
    receiptBytes: headers[ACCESS_LOG_RECEIPTS_HEADER]?.length ?? 0,
    key: JSON.stringify([url, authorization, operation.operationName ?? null, operation.query, otherVariables, operation.extensions ?? null]),
    traced: activeContext(),
  };
}

/**
 * Most bytes of access-log receipts one combined call carries in its header (about 75 lookups):
 * with the coalesced request ids and the token, well under Node's 16 KiB of headers.
 */
const RECEIPT_BYTES_PER_CALL = 6_000;

/** Consecutive fetches of a group, as many as fit in one call by count, by size and by receipts. */
function split(group: readonly EntityFetch[], maxRepresentations: number, maxBytes: number): EntityFetch[][] {
  const calls: EntityFetch[][] = [];
  let current: EntityFetch[] = [];
  let count = 0;
  let bytes = 0;
  let receiptBytes = 0;
  for (const fetch of group) {
    const full =
      count + fetch.representations.length > maxRepresentations || bytes + fetch.bytes > maxBytes || receiptBytes + fetch.receiptBytes > RECEIPT_BYTES_PER_CALL;
    if (current.length > 0 && full) {
      calls.push(current);
      current = [];
      count = 0;
      bytes = 0;
      receiptBytes = 0;
    }
    current.push(fetch);
    count += fetch.representations.length;
    bytes += fetch.bytes;
    receiptBytes += fetch.receiptBytes > 0 ? fetch.receiptBytes + 1 : 0;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/** Sends one call for several fetches and cuts its answer into their shares, in order. */
function sendCombined(send: Fetcher, call: readonly EntityFetch[]): Array<Promise<FetcherResponse>> {
  const first = call[0]!;
  const others = call.slice(1).flatMap((fetch) => fetch.headers[REQUEST_ID_HEADER] ?? []);
  // Every fetch's access-log receipts go with the one call (gateway/accessReceipts.ts); each
  // operation finds its own among those the answer confirms.
  const receipts = [...new Set(call.flatMap((fetch) => fetch.headers[ACCESS_LOG_RECEIPTS_HEADER]?.split(' ') ?? []))];
  const headers = {
    ...first.headers,
    ...(others.length > 0 ? { [COALESCED_REQUEST_IDS_HEADER]: others.join(' ') } : {}),
    ...(receipts.length > 0 ? { [ACCESS_LOG_RECEIPTS_HEADER]: receipts.join(' ') } : {}),
  };
  const operation: OperationBody = {
    ...first.operation,
    variables: { ...first.operation.variables, representations: call.flatMap((fetch) => fetch.representations) },
  };
  const answer = send(first.url, {
    ...first.init,
    headers,
    body: JSON.stringify(operation),
  }).then(async (response) => {
    const text = await response.text();
    let body: unknown;
    try {
      body = response.ok ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { response, text, body };
  });
  let offset = 0;
  return call.map((fetch) => {
    const start = offset;
    offset += fetch.representations.length;
    return answer.then(({ response, text, body }) =>
      // A failed call, or one that is not a JSON object, reaches every fetch as it came, so the
      // data source's own error handling sees it.
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? BufferedResponse.of(response, { value: shareOf(body as GatewayGraphQLResponse, start, fetch.representations.length) })
        : BufferedResponse.of(response, { text }),
    );
  });
}

/**
 * Wraps a fetcher so that entity fetches of one caller made in the same turn of the event loop
 * share one call to `send`; every other request passes straight through.
 */
export function coalesceEntityFetches(send: Fetcher, options: CoalescerOptions = {}): Fetcher {
  const maxRepresentations = options.maxRepresentations ?? 100;
  const maxBytes = options.maxRepresentationBytes ?? 48_000;
  const loader = new DataLoader<EntityFetch, Pending>(
    async (fetches) => {
      const groups = new Map<string, EntityFetch[]>();
      for (const fetch of fetches) {
        const group = groups.get(fetch.key);
        if (group) group.push(fetch);
        else groups.set(fetch.key, [fetch]);
      }
      const answers = new Map<EntityFetch, Promise<FetcherResponse>>();
      for (const group of groups.values()) {
        for (const call of split(group, maxRepresentations, maxBytes)) {
          // The batch runs in the context of whichever fetch came first; each call is sent in its
          // first fetch's, so it is traced under its own subgraph's fetch (platform/tracing.ts).
          const responses = inContext(call[0]!.traced, () => (call.length === 1 ? [send(call[0]!.url, call[0]!.init)] : sendCombined(send, call)));
          call.forEach((fetch, index) => answers.set(fetch, responses[index]!));
        }
      }
      return fetches.map((fetch) => ({ response: answers.get(fetch)! }));
    },
    // The batch is what became ready in this turn of the event loop; every fetch is its own.
    { cache: false, batchScheduleFn: (run) => setImmediate(run) },
  );
  return async (url, init = {}) => {
    const fetch = entityFetch(url, init);
    if (!fetch) return send(url, init);
    return (await loader.load(fetch)).response;
  };
}
