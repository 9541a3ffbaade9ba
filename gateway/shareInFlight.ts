/**
 * Identical subgraph calls in flight at once, sent once (issue 16): many dashboard screens ask the
 * same statistics at the same moment, and every one of them would otherwise cost each region an
 * HTTP exchange and a trip through its pipeline for an answer another request is already fetching.
 * A call whose URL, caller token and body are those of one still waiting for its answer waits for
 * that answer instead, and gets its own copy of it. Nothing is kept after the answer arrives: this
 * is no cache, and a later call always goes to the subgraph.
 *
 * Only for the regions, and only for queries (gateway/server.ts): the province writes an access-log
 * entry per person lookup, which two lookups must never share, and a mutation is never merged.
 */
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { BufferedResponse } from './bufferedResponse.js';

/** One call on its way, and how many identical calls wait for it besides the one that sent it. */
interface Flight {
  joined: number;
  /** The answer, with its body read as text once if anyone joined (null: the sender alone reads it). */
  answer: Promise<{ response: FetcherResponse; text: Promise<string> | null }>;
}

// RemoteGraphQLDataSource sends JSON with `query` first; a mutation's text starts with `mutation`.
const MUTATION = /^\{"query":"\s*mutation\b/;

/**
 * What makes two subgraph calls the same call, whose answer one may share with the other: the
 * URL, the caller's token (it says whose rules the answer was made under) and the body. Null for
 * a call that must always be sent: one without a caller, or a mutation.
 */
export function sameCallKey(url: string, init: FetcherRequestInit): string | null {
  const authorization = init.headers?.authorization;
  if (!authorization || typeof init.body !== 'string' || MUTATION.test(init.body)) return null;
  return `${url}\n${authorization}\n${init.body}`;
}

export function shareIdenticalFetches(send: Fetcher): Fetcher {
  const inFlight = new Map<string, Flight>();
  return async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const key = sameCallKey(url, init);
    if (key === null) return send(url, init);
    const waiting = inFlight.get(key);
    if (waiting) {
      waiting.joined++;
      const { response, text } = await waiting.answer;
      return BufferedResponse.of(response, { text: await text! });
    }
    const flight: Flight = {
      joined: 0,
      // Alone, the sender gets the answer untouched (no copy on the common path); otherwise every
      // one gets its own copy of the text, so no operation can change another's answer.
      answer: send(url, init).then(
        (response) => {
          inFlight.delete(key);
          return { response, text: flight.joined > 0 ? response.text() : null };
        },
        (error: unknown) => {
          inFlight.delete(key);
          throw error;
        },
      ),
    };
    inFlight.set(key, flight);
    const { response, text } = await flight.answer;
    return text === null ? response : BufferedResponse.of(response, { text: await text });
  };
}
