/**
 * One measured run with autocannon (never a hand-written loop). Latency percentiles come from
 * every response's time as autocannon reports it, because its own summary has no p95.
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  /** Request bodies, sent in turn across all connections. */
  bodies: readonly string[];
  connections: number;
  /** Extra request headers, e.g. `authorization`. */
  headers?: Readonly<Record<string, string>>;
  /** Headers of each body, by position in `bodies` (e.g. each claim's portal token), over `headers`. */
  headersPerBody?: ReadonlyArray<Readonly<Record<string, string>>>;
  /** Seconds, unless `amount` is given. */
  durationSeconds?: number;
  /** Exactly this many requests. */
  amount?: number;
  /** Stop after this many seconds even if `amount` is not reached. */
  stopAfterSeconds?: number;
  /** Called after each successful response with the count so far. */
  onResponse?: (count: number) => void;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  /** Completed 2xx responses per second. */
  throughput: number;
  /** Mean latency of the 2xx responses, ms: what per-hop means from the services' histograms add up to. */
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  /** Non-2xx responses, connection errors and timeouts. */
  failures: number;
}

function percentile(sorted: Float64Array, share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))]!;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let cursor = 0;
  let finish: (result: autocannon.Result) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
    connections: options.connections,
    pipelining: 1,
    timeout: 30,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationSeconds ?? 10 }),
    requests: [
      {
        setupRequest: (request) => {
          const index = cursor++ % options.bodies.length;
          request.body = options.bodies[index]!;
          const own = options.headersPerBody?.[index];
          if (own) request.headers = { ...request.headers, ...own };
          return request;
        },
      },
    ],
  }, (error: unknown, result: autocannon.Result) => (error ? fail(error) : finish(result)));
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) {
      latencies.push(responseTime);
      options.onResponse?.(latencies.length);
    }
  });
  const stopper = options.stopAfterSeconds ? setTimeout(() => instance.stop(), options.stopAfterSeconds * 1000) : undefined;
  const result = await done;
  clearTimeout(stopper);
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: result.requests.total,
    seconds: result.duration,
    throughput: latencies.length / result.duration,
    mean: latencies.length === 0 ? Number.NaN : latencies.reduce((sum, value) => sum + value, 0) / latencies.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
