/**
 * A steady load of portal duplicate checks against the gateway, as a regional portal sends them
 * during an application window: a fixed number in flight, every answer judged against the known
 * answer, and each answered lookup matched to its access-log row by the request id the gateway
 * answers with (x-request-id), which is the id it gives the province. Used by the fault tests and `npm run faults`.
 */
import { Pool } from 'undici';
import type { SqlClient } from '../../platform/database/sql.js';

export interface CheckCase {
  idNumber: string;
  /** The verdict with every region answering. */
  expected: 'ALREADY_APPLIED' | 'CLEAR';
  /** Regions whose applications alone make it ALREADY_APPLIED (empty for CLEAR). */
  decidedBy: readonly string[];
}

export type OutcomeKind =
  /** HTTP answer with the person: a lookup was answered (so it must be in the access log). */
  | 'answered'
  /** HTTP answer without the person (e.g. the province down): no lookup answered. */
  | 'unanswered'
  /** The connection was refused: the request was never accepted. */
  | 'refused'
  /** Any other transport failure: the request was sent and its connection reset or closed. */
  | 'reset';

export interface CheckOutcome {
  /** The number checked (a test fixture's, never logged). */
  idNumber: string;
  /** The gateway it was sent to (its origin). */
  gateway: string;
  /** The gateway's id of the operation (its x-request-id answer header), the access log's request_id; null without an answer. */
  requestId: string | null;
  /** Milliseconds since the load started, when the request was sent. */
  sentAt: number;
  durationMs: number;
  kind: OutcomeKind;
  status?: number;
  verdict?: string;
  missingRegions?: string[];
  errorCodes: string[];
  errorReasons: string[];
  /** CLEAR where the known answer is not CLEAR, or with a region missing: the one thing never allowed. */
  failOpen: boolean;
  /** Any other answer that contradicts the known one (e.g. UNKNOWN although the regions that decide it answered). */
  wrong: string | null;
  /** The transport error's code, for refused and reset. */
  error?: string;
}

export const CHECK_QUERY = /* GraphQL */ `
  query PortalCheck($id: String!) {
    person(idNumber: $id) {
      idNumberMasked
      annualReview(year: 2024) { verdict complete missingRegions }
    }
  }
`;

interface CheckBody {
  data?: { person?: { idNumberMasked: string; annualReview: { verdict: string; complete: boolean; missingRegions: string[] } | null } | null } | null;
  errors?: Array<{ extensions?: { code?: string; reason?: string } }>;
}

/** Judges one answer against the known one. */
export function judge(check: CheckCase, review: { verdict: string; complete: boolean; missingRegions: string[] }): { failOpen: boolean; wrong: string | null } {
  const missing = review.missingRegions;
  if (review.verdict === 'CLEAR') {
    const failOpen = check.expected !== 'CLEAR' || missing.length > 0 || !review.complete;
    return { failOpen, wrong: failOpen ? 'CLEAR where it is not' : null };
  }
  if (review.verdict === 'ALREADY_APPLIED') {
    if (check.expected !== 'ALREADY_APPLIED') return { failOpen: false, wrong: 'ALREADY_APPLIED for a person with no application' };
    return { failOpen: false, wrong: null };
  }
  if (review.verdict === 'UNKNOWN') {
    if (missing.length === 0) return { failOpen: false, wrong: 'UNKNOWN with no region missing' };
    // Another region's applications decide it: the answer must say so, missing region or not.
    if (check.decidedBy.some((region) => !missing.includes(region))) return { failOpen: false, wrong: 'UNKNOWN although a region that answered decides it' };
    return { failOpen: false, wrong: null };
  }
  return { failOpen: false, wrong: `unexpected verdict ${review.verdict}` };
}

export interface CheckLoad {
  /** Outcomes so far (the array grows while the load runs). */
  readonly outcomes: readonly CheckOutcome[];
  /** Milliseconds since the load started. */
  elapsed(): number;
  /** Stops sending, waits for the requests in flight, and returns every outcome. */
  stop(): Promise<CheckOutcome[]>;
}

export function startCheckLoad(options: {
  /** One gateway, or several taken in turn, as a round-robin load balancer would. */
  gatewayUrl: string | readonly string[];
  /** A portal's client token. */
  token: string;
  cases: readonly CheckCase[];
  /** Checks in flight. @default 16 */
  concurrency?: number;
}): CheckLoad {
  const urls = (typeof options.gatewayUrl === 'string' ? [options.gatewayUrl] : options.gatewayUrl).map((url) => new URL(url));
  const concurrency = options.concurrency ?? 16;
  // A portal's keep-alive connections, one per check in flight, to each gateway.
  const pools = urls.map((url) => new Pool(url.origin, { connections: concurrency, headersTimeout: 60_000, bodyTimeout: 60_000, keepAliveTimeout: 30_000 }));
  const outcomes: CheckOutcome[] = [];
  const started = performance.now();
  let running = true;
  let next = 0;

  const one = async (): Promise<CheckOutcome> => {
    const turn = next++;
    const check = options.cases[turn % options.cases.length]!;
    const url = urls[turn % urls.length]!;
    const pool = pools[turn % pools.length]!;
    const sentAt = performance.now() - started;
    const base = { idNumber: check.idNumber, gateway: url.origin, requestId: null as string | null, sentAt, errorCodes: [] as string[], errorReasons: [] as string[], failOpen: false, wrong: null };
    try {
      const response = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify({ query: CHECK_QUERY, variables: { id: check.idNumber }, operationName: 'PortalCheck' }),
      });
      const text = await response.body.text();
      // The gateway's own id of the operation, which it passes to the province (never the client's).
      const given = response.headers['x-request-id'];
      base.requestId = typeof given === 'string' ? given : null;
      const durationMs = performance.now() - started - sentAt;
      let body: CheckBody = {};
      try {
        body = JSON.parse(text) as CheckBody;
      } catch {
        // Not JSON: judged as unanswered below.
      }
      const errorCodes = (body.errors ?? []).map((error) => error.extensions?.code ?? 'NONE');
      const errorReasons = (body.errors ?? []).map((error) => error.extensions?.reason).filter((reason): reason is string => typeof reason === 'string');
      const person = body.data?.person;
      if (!person) return { ...base, durationMs, kind: 'unanswered', status: response.statusCode, errorCodes, errorReasons };
      const review = person.annualReview;
      const judged = review ? judge(check, review) : { failOpen: false, wrong: null };
      return {
        ...base,
        durationMs,
        kind: 'answered',
        status: response.statusCode,
        ...(review ? { verdict: review.verdict, missingRegions: review.missingRegions } : {}),
        errorCodes,
        errorReasons,
        ...judged,
      };
    } catch (error) {
      const durationMs = performance.now() - started - sentAt;
      const code = (error as { code?: string }).code ?? (error instanceof Error ? error.name : 'unknown');
      return { ...base, durationMs, kind: code === 'ECONNREFUSED' ? 'refused' : 'reset', error: code };
    }
  };

  const worker = async () => {
    while (running) {
      const outcome = await one();
      outcomes.push(outcome);
      // A refused connection returns at once: do not spin.
      if (outcome.kind === 'refused' || outcome.kind === 'reset') await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const workers = Array.from({ length: concurrency }, () => worker());

  return {
    outcomes,
    elapsed: () => performance.now() - started,
    async stop() {
      running = false;
      await Promise.all(workers);
      await Promise.all(pools.map((pool) => pool.close()));
      return outcomes;
    },
  };
}

/** How many access-log rows each answered lookup has, by the gateway's request id: exactly one each is right. */
export async function accessLogRowsPerLookup(outcomes: readonly CheckOutcome[], provinceSql: SqlClient): Promise<Map<string, number>> {
  const answered = outcomes.filter((outcome) => outcome.kind === 'answered').map((outcome) => outcome.requestId ?? '(no request id)');
  const rows = new Map(answered.map((id) => [id, 0]));
  if (answered.length === 0) return rows;
  const { rows: logged } = await provinceSql.query<{ request_id: string; rows: number }>(
    'SELECT request_id, count(*)::int AS rows FROM access_log WHERE request_id = ANY($1::varchar[]) GROUP BY request_id',
    [answered],
  );
  for (const row of logged) rows.set(row.request_id, row.rows);
  return rows;
}

/**
 * Waits until a check sent at or after `afterMs` (since the load started) is answered completely,
 * every region answering; returns how long after `afterMs` that answer came, ms, or fails after `timeoutMs`.
 */
export async function completeAgain(load: CheckLoad, afterMs: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const healed = load.outcomes.find((outcome) => outcome.sentAt >= afterMs && outcome.kind === 'answered' && outcome.missingRegions?.length === 0);
    if (healed) return healed.sentAt + healed.durationMs - afterMs;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no complete answer within ${timeoutMs} ms`);
}

/** Answered lookups whose request id has no row in the access log. */
export async function missingAccessLogEntries(outcomes: readonly CheckOutcome[], provinceSql: SqlClient): Promise<string[]> {
  return [...(await accessLogRowsPerLookup(outcomes, provinceSql))].filter(([, rows]) => rows === 0).map(([id]) => id);
}

export interface LoadSummary {
  total: number;
  answered: number;
  unanswered: number;
  refused: number;
  reset: number;
  failOpen: number;
  wrong: number;
  /** Answers per second over the window. */
  throughput: number;
  p50: number;
  p99: number;
  /** Share of checks that took at least `slowMs`. */
  slowShare: number;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Figures of the checks sent within [fromMs, toMs) of the load's start. */
export function summarize(outcomes: readonly CheckOutcome[], fromMs = 0, toMs = Number.POSITIVE_INFINITY, slowMs = Number.POSITIVE_INFINITY): LoadSummary {
  const window = outcomes.filter((outcome) => outcome.sentAt >= fromMs && outcome.sentAt < toMs);
  const count = (kind: OutcomeKind) => window.filter((outcome) => outcome.kind === kind).length;
  const durations = window.filter((outcome) => outcome.kind === 'answered' || outcome.kind === 'unanswered').map((outcome) => outcome.durationMs);
  const spanMs = Number.isFinite(toMs) ? toMs - fromMs : Math.max(1, ...window.map((outcome) => outcome.sentAt + outcome.durationMs)) - fromMs;
  return {
    total: window.length,
    answered: count('answered'),
    unanswered: count('unanswered'),
    refused: count('refused'),
    reset: count('reset'),
    failOpen: window.filter((outcome) => outcome.failOpen).length,
    wrong: window.filter((outcome) => outcome.wrong !== null).length,
    throughput: (count('answered') * 1000) / spanMs,
    p50: percentile(durations, 50),
    p99: percentile(durations, 99),
    slowShare: window.length === 0 ? 0 : window.filter((outcome) => outcome.durationMs >= slowMs).length / window.length,
  };
}
