/**
 * What an error may carry when it reaches a client: a code and a
 * message a person can act on, and the region it concerns. Never a stack trace, a subgraph URL
 * (`extensions.response`), the gateway's internal service names, an ID number, or more than a
 * few dozen characters of anything the client sent (platform/redact.ts, clientMessage).
 */
import type { GraphQLFormattedError } from 'graphql';
import { clientMessage } from '../platform/redact.js';

/** Extensions a client may see; everything else is dropped. */
const KEPT_EXTENSIONS = new Set(['code', 'region', 'reason']);

/**
 * Apollo Server's messages (requestPipeline.js) for a persisted query it refuses without a code:
 * `extensions.persistedQuery` that is not `{ version: 1, … }`, and a hash that is not the query's.
 */
const PERSISTED_QUERY_MISTAKES: Readonly<Record<string, string>> = {
  'Unsupported persisted query version': 'PERSISTED_QUERY_NOT_SUPPORTED',
  'provided sha does not match query': 'PERSISTED_QUERY_HASH_MISMATCH',
};

export function formatGatewayError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extensions)) {
    if (KEPT_EXTENSIONS.has(key)) kept[key] = value;
  }
  const serviceName = typeof extensions.serviceName === 'string' ? extensions.serviceName : undefined;
  if (serviceName && serviceName !== 'province' && kept.region === undefined) kept.region = serviceName;
  // Apollo Server refuses two persisted-query mistakes with HTTP 400 and no code of their own, so
  // it gives them INTERNAL_SERVER_ERROR, which reads as our failure: they are the client's.
  if ((kept.code === undefined || kept.code === 'INTERNAL_SERVER_ERROR') && Object.hasOwn(PERSISTED_QUERY_MISTAKES, formatted.message)) {
    return { message: formatted.message, extensions: { code: PERSISTED_QUERY_MISTAKES[formatted.message]! } };
  }
  // A subgraph error without a code of ours is an internal failure there: say which region.
  if (kept.code === undefined || kept.code === 'DOWNSTREAM_SERVICE_ERROR') {
    kept.code = 'INTERNAL_SERVER_ERROR';
  }
  // A refusal raised while building the context (authentication) is the whole answer: Apollo's
  // "Context creation failed: " prefix only confuses the client.
  const message = formatted.message.replace(/^Context creation failed: /, '');
  return {
    // Whatever the message quotes of the client's input (a 90 kB variable, field name or
    // literal) is cut, and the message bounded: never an echo of unbounded input.
    message: clientMessage(message),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: kept,
  };
}
