/**
 * Error codes clients can act on, one string enum for the project,
 * and the translation of a failing portal database into a region-level error that names the region
 * and nothing else: no stack, no URL, no SQL, no ID number.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger.js';
import { clientMessage } from './redact.js';

export const ErrorCode = {
  INVALID_ID_NUMBER: 'INVALID_ID_NUMBER',
  INVALID_PERSON_REF: 'INVALID_PERSON_REF',
  INVALID_CURSOR: 'INVALID_CURSOR',
  INVALID_APPLICATION_ID: 'INVALID_APPLICATION_ID',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNKNOWN_REGION: 'UNKNOWN_REGION',
  PORTAL_DATABASE_UNAVAILABLE: 'PORTAL_DATABASE_UNAVAILABLE',
  REGION_UNAVAILABLE: 'REGION_UNAVAILABLE',
  /** The lookup could not be recorded in the access log, so it was not answered (fail closed). */
  ACCESS_LOG_UNAVAILABLE: 'ACCESS_LOG_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** No valid credential: the gateway's client token, or the gateway's own token at a subgraph. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller's role may not read this field (subgraphs/access.ts); the rest of the answer stays. */
  FORBIDDEN: 'FORBIDDEN',
  /** The issuer's key set (AUTH_JWKS_URL) could not be fetched: the token was not judged (HTTP 503). */
  AUTH_UNAVAILABLE: 'AUTH_UNAVAILABLE',
  /** An annual-review claim's idempotency key was used before with a different input. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** No annual-review claim has this id. */
  CLAIM_NOT_FOUND: 'CLAIM_NOT_FOUND',
  /** The claim is no longer held (expired or released): it cannot be confirmed; claim again. */
  CLAIM_NOT_ACTIVE: 'CLAIM_NOT_ACTIVE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function userInputError(code: ErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 200 } } });
}

/**
 * Codes a resolver raised on purpose: passed through as they are. Not INTERNAL_SERVER_ERROR, which
 * Apollo Server gives any unexpected error, whose message may hold SQL or driver text.
 */
const DELIBERATE = new Set<string>(Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR));

/**
 * Connection-level failures of PostgreSQL or of Prisma's driver adapter: the portal database is
 * down or unreachable, which is the region's problem, not the request's.
 */
function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    const text = `${current.name} ${current.message}`;
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EPIPE|57P0[1-3]|08\d\d[0-9A-Z]?|P1001|P1002|P1017|P2024)$/.test(code)) {
      return true;
    }
    if (/ECONNREFUSED|connect(ion)? (terminated|timeout|refused)|Can't reach database|database system is (starting|shutting) up|not currently accepting connections|DatabaseNotReachable|ConnectionClosed|SocketTimeout|timeout exceeded when trying to connect/i.test(text)) {
      return true;
    }
    current = (current as { cause?: unknown }).cause ?? (current as { originalError?: unknown }).originalError;
  }
  return false;
}

/**
 * formatError for a subgraph: deliberate codes pass, database outages name the region, anything
 * else is logged (type and scrubbed message only) and hidden behind a generic message.
 */
export function subgraphErrorFormatter(region: string, log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && DELIBERATE.has(code)) {
      return { message: clientMessage(formatted.message), path: formatted.path, extensions: { code, region } };
    }
    if (typeof code === 'string' && /^(GRAPHQL_PARSE_FAILED|GRAPHQL_VALIDATION_FAILED|BAD_REQUEST|PERSISTED_QUERY_NOT_FOUND|OPERATION_RESOLUTION_FAILURE)$/.test(code)) {
      return { message: clientMessage(formatted.message), extensions: { code } };
    }
    if (isDatabaseUnavailable(error)) {
      log.warn({ event: 'portal_database_unavailable', region }, 'portal database unavailable');
      return {
        message: `The ${region} portal database is not answering; its data is missing from this answer.`,
        path: formatted.path,
        extensions: { code: ErrorCode.PORTAL_DATABASE_UNAVAILABLE, region },
      };
    }
    const original = (error as { originalError?: unknown })?.originalError ?? error;
    log.error(
      { event: 'internal_error', region, type: original instanceof Error ? original.name : typeof original, message: original instanceof Error ? clientMessage(original.message) : undefined },
      'unexpected error in a resolver',
    );
    return {
      message: `The ${region} service failed to answer this field.`,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, region },
    };
  };
}
