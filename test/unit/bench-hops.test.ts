/**
 * The benchmark's breakdown of a duplicate check's time (bench/hops.ts) is arithmetic on histogram
 * sums and counts: checked here on metric text written as prom-client writes it and parsed as the
 * bench parses a scrape, with figures whose means are known.
 */
import { describe, expect, it } from 'vitest';
import { hopBreakdown, renderHops, type HopBreakdown, type ServiceScrapes } from '../../bench/hops.js';
import { parseScrape, type Scrape } from '../helpers/prometheus.js';

interface Series {
  labels: Record<string, string>;
  sum: number;
  count: number;
}

/** One histogram family in Prometheus' text format: a +Inf bucket, _sum and _count per series. */
function histogram(name: string, series: readonly Series[]): string {
  const labelText = (labels: Record<string, string>) => Object.entries(labels).map(([key, value]) => `${key}="${value}"`).join(',');
  return [
    `# HELP ${name} A fabricated histogram.`,
    `# TYPE ${name} histogram`,
    ...series.flatMap(({ labels, sum, count }) => [
      `${name}_bucket{le="+Inf",${labelText(labels)}} ${count}`,
      `${name}_sum{${labelText(labels)}} ${sum}`,
      `${name}_count{${labelText(labels)}} ${count}`,
    ]),
  ].join('\n');
}

const operation = (service: string, sum: number, count: number, role = 'portal'): Series => ({ labels: { service, operation: 'other', role }, sum, count });

/** A service's metrics page with these histogram families. */
function page(families: Record<string, Series[]>): Promise<Scrape> {
  return parseScrape(`${Object.entries(families).map(([name, series]) => histogram(name, series)).join('\n')}\n`);
}

const REGIONS = ['bz', 'aks', 'wlmq'] as const;

/**
 * Readings before and after a run of 1,000 checks. Before: what warm-up left (an analyst's
 * operation, earlier checks). After: per check, gateway 5 ms; province calls 2 × 1 ms, the
 * province's own 1.4 ms; the access-log entry 0.9 ms to commit, of which the last hop waited 0.05 ms (a
 * series first seen in the run); bz 1.8 ms called, 1.2 ms own, 0.8 ms SQL;
 * aks 1.5 ms called; wlmq 1.6 ms called.
 */
async function readings(checks = 1000): Promise<{ before: ServiceScrapes; after: ServiceScrapes }> {
  const call = (subgraph: string, sum: number, count: number): Series => ({ labels: { service: 'gateway', subgraph, outcome: 'ok' }, sum, count });
  const n = checks / 1000;
  const regionCalls = { bz: 1.8, aks: 1.5, wlmq: 1.6 };
  const before: ServiceScrapes = {
    gateway: await page({
      xjzc_graphql_operation_duration_seconds: [operation('gateway', 3, 400)],
      xjzc_subgraph_call_duration_seconds: [call('province', 0.8, 800), ...REGIONS.map((region) => call(region, 0.5, 400))],
    }),
    province: await page({
      xjzc_graphql_operation_duration_seconds: [operation('province', 0.05, 1, 'analyst'), operation('province', 0.6, 800)],
      xjzc_access_log_wait_seconds: [{ labels: { service: 'province' }, sum: 0.4, count: 400 }],
    }),
    regions: Object.fromEntries(
      await Promise.all(
        REGIONS.map(async (region) => [
          region,
          await page({
            xjzc_graphql_operation_duration_seconds: [operation(region, 0.1, 1, 'analyst'), operation(region, 0.4, 400)],
            xjzc_sql_statement_duration_seconds: [
              { labels: { service: region, kind: 'with' }, sum: 0.03, count: 1 },
              { labels: { service: region, kind: 'select' }, sum: 0.2, count: 400 },
            ],
          }),
        ] as const),
      ),
    ),
  };
  const after: ServiceScrapes = {
    gateway: await page({
      xjzc_graphql_operation_duration_seconds: [operation('gateway', 3 + 5 * n, 400 + checks)],
      xjzc_subgraph_call_duration_seconds: [
        call('province', 0.8 + 2 * n, 800 + 2 * checks),
        ...REGIONS.map((region) => call(region, 0.5 + regionCalls[region] * n, 400 + checks)),
      ],
    }),
    province: await page({
      xjzc_graphql_operation_duration_seconds: [operation('province', 0.05, 1, 'analyst'), operation('province', 0.6 + 1.4 * n, 800 + 2 * checks)],
      xjzc_access_log_wait_seconds: [{ labels: { service: 'province' }, sum: 0.4 + 0.9 * n, count: 400 + checks }],
      xjzc_access_log_confirm_wait_seconds: [{ labels: { service: 'province' }, sum: 0.05 * n, count: checks }],
    }),
    regions: Object.fromEntries(
      await Promise.all(
        REGIONS.map(async (region) => [
          region,
          await page({
            xjzc_graphql_operation_duration_seconds: [operation(region, 0.1, 1, 'analyst'), operation(region, 0.4 + 1.2 * n, 400 + checks)],
            xjzc_sql_statement_duration_seconds: [
              { labels: { service: region, kind: 'with' }, sum: 0.03, count: 1 },
              { labels: { service: region, kind: 'select' }, sum: 0.2 + 0.5 * n, count: 400 + checks },
              // A kind first seen in the run counts from zero.
              { labels: { service: region, kind: 'begin' }, sum: 0.3 * n, count: checks },
            ],
          }),
        ] as const),
      ),
    ),
  };
  return { before, after };
}

const row = (breakdown: HopBreakdown, hop: string) => {
  const found = breakdown.rows.find((candidate) => candidate.hop === hop);
  if (!found) throw new Error(`no row "${hop}" in ${breakdown.rows.map((candidate) => candidate.hop).join(', ')}`);
  return found;
};

describe("a duplicate check's time, hop by hop", () => {
  it("is each histogram's growth over the run divided by the checks the gateway answered", async () => {
    const { before, after } = await readings();
    const breakdown = hopBreakdown(before, after, 6)!;
    expect(breakdown.checks).toBe(1000);
    expect(row(breakdown, 'whole check, as the client saw it').ms).toBe(6);
    expect(row(breakdown, "gateway's operation").ms).toBeCloseTo(5, 9);
    expect(row(breakdown, 'hops 1 + 3: gateway → province').ms).toBeCloseTo(2, 9);
    expect(row(breakdown, 'hops 1 + 3: gateway → province').includes).toMatch(/^2\.00 calls per check/);
    expect(row(breakdown, "hops 1 + 3: province's own operations").ms).toBeCloseTo(1.4, 9);
    expect(row(breakdown, 'access-log entry, queued then committed').ms).toBeCloseTo(0.9, 9);
    expect(row(breakdown, 'hop 3: waiting for the access-log receipt').ms).toBeCloseTo(0.05, 9);
    expect(row(breakdown, 'hop 2: gateway → bz').ms).toBeCloseTo(1.8, 9);
    expect(row(breakdown, 'hop 2: gateway → aks').ms).toBeCloseTo(1.5, 9);
    expect(row(breakdown, 'hop 2: gateway → wlmq').ms).toBeCloseTo(1.6, 9);
    expect(row(breakdown, "hop 2: bz's own operation").ms).toBeCloseTo(1.2, 9);
    expect(row(breakdown, "hop 2: bz's SQL").ms).toBeCloseTo(0.8, 9);
    expect(row(breakdown, "hop 2: bz's SQL").includes).toMatch(/^2\.00 statements per check/);
  });

  it('takes the slowest region for the critical path and leaves the rest to the gateway and the network', async () => {
    const { before, after } = await readings();
    const breakdown = hopBreakdown(before, after, 6)!;
    expect(row(breakdown, 'critical path').ms).toBeCloseTo(2 + 1.8, 9);
    expect(row(breakdown, 'critical path').includes).toContain('(bz)');
    expect(row(breakdown, "gateway's own work and the network").ms).toBeCloseTo(6 - 3.8, 9);
    expect(row(breakdown, "… outside the gateway's operation").ms).toBeCloseTo(6 - 5, 9);
    expect(row(breakdown, '… inside it, beside its calls').ms).toBeCloseTo(5 - 3.8, 9);
    expect(breakdown.rows.map((candidate) => candidate.hop).filter((hop) => hop.startsWith('hop 2: gateway'))).toEqual([
      'hop 2: gateway → bz',
      'hop 2: gateway → aks',
      'hop 2: gateway → wlmq',
    ]);
  });

  it('is nothing when the gateway answered no check between the readings', async () => {
    const { before } = await readings();
    expect(hopBreakdown(before, before, Number.NaN)).toBeNull();
  });

  it('is rendered as a section with one table row per figure, in ms to the hundredth', async () => {
    const { before, after } = await readings(2000);
    const breakdown = hopBreakdown(before, after, 6.125)!;
    const section = renderHops(breakdown);
    expect(section).toContain("### Where a duplicate check's time goes (our gateway, 1 connection)");
    expect(section).toContain('over the 2,000 checks');
    expect(section).toMatch(/^\| whole check, as the client saw it \| 6\.13 \| /m);
    expect(section).toMatch(/^\| access-log entry, queued then committed \| 0\.90 \| /m);
    expect(section.split('\n').filter((line) => line.startsWith('| ')).length).toBe(2 + breakdown.rows.length);
  });
});
