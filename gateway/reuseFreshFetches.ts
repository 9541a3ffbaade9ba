/**
 * A subgraph's answer reused for as long as the subgraph says it stays true (issue 16), as a layer
 * of the gateway's fetcher: where the whole answer cannot be kept (an analyst's list next to the
 * region registry), the parts that can are not fetched again. An analyst's search asks the
 * province for the region registry before it asks the regions for their lists; the registry is
 * configuration (subgraphs/cacheHints.ts), so the province need not be asked every time.
 *
 * Only answers with `Cache-Control: max-age=N` (N > 0), which a subgraph's Apollo Server sends for
 * an answer with no error whose every part is hinted, and only the same call again: the same URL,
 * body and caller's token (the gateway's token names one principal, so no answer ever crosses
 * callers). A reused answer says how long it has left, so that the whole answer made from it
 * (gateway/responseCache.ts) is kept no longer than its shortest part. Mutations are never reused,
 * nor a call carrying access-log receipts: its answer is the province's word on those receipts
 * (gateway/accessReceipts.ts), which no other call may be given.
 */
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { LRUCache } from 'lru-cache';
import { Headers } from 'undici';
import { ACCESS_LOG_RECEIPTS_HEADER } from '../platform/accessReceipts.js';
import { BufferedResponse } from './bufferedResponse.js';
import { sameCallKey } from './shareInFlight.js';

/** Bytes of kept answers (their text), least recently used dropped first. */
export const KEPT_FETCH_BYTES = 8 * 1024 * 1024;

// What Apollo Server sends for a cacheable answer (and nothing else is trusted).
const CACHEABLE = /^max-age=(\d+), (public|private)$/;

interface Kept {
  response: FetcherResponse;
  text: string;
  expiresAt: number;
  scope: string;
}

export function reuseFreshFetches(send: Fetcher, now: () => number = Date.now): Fetcher {
  const kept = new LRUCache<string, Kept>({ maxSize: KEPT_FETCH_BYTES, sizeCalculation: (entry, key) => entry.text.length + key.length });
  return async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const key = (init.headers as Record<string, string> | undefined)?.[ACCESS_LOG_RECEIPTS_HEADER] ? null : sameCallKey(url, init);
    if (key === null) return send(url, init);
    const found = kept.get(key);
    if (found) {
      const leftSeconds = Math.floor((found.expiresAt - now()) / 1000);
      if (leftSeconds > 0) return answerWithAge(found, leftSeconds);
      kept.delete(key);
    }
    const response = await send(url, init);
    const hint = CACHEABLE.exec(response.headers.get('cache-control') ?? '');
    const maxAge = hint ? Number(hint[1]) : 0;
    if (!response.ok || maxAge <= 0 || maxAge > 3_600) return response;
    const text = await response.text();
    kept.set(key, { response, text, expiresAt: now() + maxAge * 1000, scope: hint![2]! });
    return BufferedResponse.of(response, { text });
  };
}

/** The kept answer, its Cache-Control saying what is left of its life. */
function answerWithAge(found: Kept, leftSeconds: number): FetcherResponse {
  const headers = new Headers([...found.response.headers]);
  headers.set('cache-control', `max-age=${leftSeconds}, ${found.scope}`);
  return new BufferedResponse(found.response.url, found.response.status, headers, { text: found.text });
}
