/**
 * Reads a service's Prometheus endpoint as Prometheus would: fetched over HTTP and parsed by a
 * Prometheus text-format parser (prom2javascript; parse-prometheus-text-format was tried and
 * merges the series of a labelled histogram into one).
 */
import { getMetricsFromIterator, type PromHistogramData, type PromMetric, type PromMetrics } from 'prom2javascript';

/** One series: a counter's or gauge's value, or a histogram's buckets, sum and count. */
export interface Sample {
  labels: Record<string, string>;
  value?: number;
  buckets?: Record<string, number>;
  sum?: number;
  count?: number;
}

export class Scrape {
  constructor(readonly metrics: PromMetrics) {}

  family(name: string): PromMetric | undefined {
    return this.metrics[name];
  }

  /** Every series of every family. */
  all(): Sample[] {
    return Object.values(this.metrics).flatMap((family) => family.data as Sample[]);
  }

  /** Series of a family whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): Sample[] {
    const data = (this.family(name)?.data ?? []) as Array<Sample | PromHistogramData>;
    return data.filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) as Sample[];
  }

  /** Sum of a counter's or gauge's values (of a histogram's counts) over the series matching `labels`. */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.samples(name, labels).reduce((total, sample) => total + (sample.value ?? sample.count ?? 0), 0);
  }
}

export async function scrape(metricsUrl: string): Promise<Scrape> {
  const response = await fetch(metricsUrl);
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('text/plain')) throw new Error(`${metricsUrl} is not Prometheus' text format (${contentType})`);
  return parseScrape(await response.text());
}

/** Prometheus' text format, parsed as `scrape` parses a fetched page. */
export async function parseScrape(text: string): Promise<Scrape> {
  // prom2javascript reads no NaN or -Inf, which the format allows (prom-client writes `Nan` for a
  // gauge with no reading yet, e.g. event-loop lag at start): those samples are left out here.
  const readable = text.split('\n').filter((line) => !/\s(?:NaN|Nan|-Inf)$/i.test(line));
  return new Scrape(await getMetricsFromIterator(readable[Symbol.iterator]()));
}
