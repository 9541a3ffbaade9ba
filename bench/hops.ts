/**
 * Where a duplicate check's time goes, hop by hop: measured, from the services' own Prometheus
 * histograms scraped just before and just after our gateway's 1-connection duplicate-check run (at
 * one connection no check overlaps another, so every hop's time belongs to one check at a time).
 *
 * The gateway plans a duplicate check as three hops: (1) `person { records { personRef } key }` on
 * the province, which starts the lookup's access-log row (through our gateway, with the log idle,
 * it commits beside the region calls: access-log receipts); (2) `_entities` on bz, aks
 * and wlmq at once, each running SQL; (3) `_entities` on the province, which computes
 * `annualReview` from what the regions returned, and waits for the access-log row's commit if it
 * is not in yet.
 *
 * Every figure is a mean per check (a histogram's sum ÷ the checks the gateway answered between
 * the scrapes): means add up along a path, percentiles do not. Nothing but the run's checks reaches
 * the services meanwhile (the peers are idle, the run starts once the databases are quiet), so
 * every series of a family counts.
 *
 * Hop 1 and hop 3 share one row. The gateway labels its calls by subgraph only, and the province
 * labels both operations (`DuplicateCheck__province__0` and `DuplicateCheck__province__4`) alike:
 * platform/metrics.ts cuts the `__<subgraph>__<n>` suffix and keeps only a name the operation
 * manifest ships, which `DuplicateCheck` is not, so both are `other`. The access-log rows are shown
 * on their own: the commit's time, and what of it the last hop still waited.
 */
import type { Scrape } from '../test/helpers/prometheus.js';
import { table } from './report.js';

const OPERATION = 'xjzc_graphql_operation_duration_seconds';
const SUBGRAPH_CALL = 'xjzc_subgraph_call_duration_seconds';
const SQL = 'xjzc_sql_statement_duration_seconds';
const ACCESS_LOG_WAIT = 'xjzc_access_log_wait_seconds';
const ACCESS_LOG_CONFIRM_WAIT = 'xjzc_access_log_confirm_wait_seconds';

/** One reading of every service a duplicate check passes through. */
export interface ServiceScrapes {
  gateway: Scrape;
  province: Scrape;
  /** Each regional service by its region code (the gateway's subgraph name), in the table's order. */
  regions: Readonly<Record<string, Scrape>>;
}

export interface HopRow {
  hop: string;
  /** Mean ms per check. */
  ms: number;
  includes: string;
}

export interface HopBreakdown {
  /** Checks the gateway answered between the scrapes: the divisor of every mean. */
  checks: number;
  rows: HopRow[];
}

/** A histogram's sum (seconds) and count over the series matching `labels`, after minus before. */
function histogramDelta(before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}): { seconds: number; count: number } {
  const total = (scrape: Scrape) =>
    scrape.samples(name, labels).reduce((sum, sample) => ({ seconds: sum.seconds + (sample.sum ?? 0), count: sum.count + (sample.count ?? 0) }), { seconds: 0, count: 0 });
  const [a, b] = [total(after), total(before)];
  return { seconds: a.seconds - b.seconds, count: a.count - b.count };
}

/**
 * The breakdown of the checks between two readings, `clientMeanMs` being the mean latency the
 * client saw over the same run; null when the gateway answered no check in between.
 */
export function hopBreakdown(before: ServiceScrapes, after: ServiceScrapes, clientMeanMs: number): HopBreakdown | null {
  const checks = histogramDelta(before.gateway, after.gateway, OPERATION).count;
  if (checks <= 0) return null;
  const perCheck = (seconds: number) => (seconds * 1000) / checks;
  const perCheckCount = (count: number) => (count / checks).toFixed(2);

  const gatewayOperation = perCheck(histogramDelta(before.gateway, after.gateway, OPERATION).seconds);
  const provinceCalls = histogramDelta(before.gateway, after.gateway, SUBGRAPH_CALL, { subgraph: 'province' });
  const provinceCallsMs = perCheck(provinceCalls.seconds);
  const rows: HopRow[] = [
    { hop: 'whole check, as the client saw it', ms: clientMeanMs, includes: 'autocannon, from sending the request to the whole answer' },
    {
      hop: "gateway's operation",
      ms: gatewayOperation,
      includes: "the gateway's own timer (its metrics plugin, Apollo's requestDidStart to willSendResponse): every row below, not the HTTP exchange, body parsing or authentication",
    },
    {
      hop: 'hops 1 + 3: gateway → province',
      ms: provinceCallsMs,
      includes: `${perCheckCount(provinceCalls.count)} calls per check as the gateway timed them: the province's own time, and HTTP, the network, body parsing and the gateway's token verified`,
    },
    {
      hop: "hops 1 + 3: province's own operations",
      ms: perCheck(histogramDelta(before.province, after.province, OPERATION).seconds),
      includes: "the province's own timer (as the gateway's), both hops: the person's record refs and the access log (hop 1), annualReview from the regions' applications (hop 3)",
    },
    {
      hop: 'access-log entry, queued then committed',
      ms: perCheck(histogramDelta(before.province, after.province, ACCESS_LOG_WAIT).seconds),
      includes: "started in hop 1; beside the region calls where the province deferred it (access-log receipts), else inside hop 1",
    },
    {
      hop: 'hop 3: waiting for the access-log receipt',
      ms: perCheck(histogramDelta(before.province, after.province, ACCESS_LOG_CONFIRM_WAIT).seconds),
      includes: "what a deferred entry still cost the check: the province's last hop waiting, after its own work, for the commit",
    },
  ];

  let slowest = { region: '', ms: Number.NEGATIVE_INFINITY };
  for (const region of Object.keys(after.regions)) {
    const [regionBefore, regionAfter] = [before.regions[region], after.regions[region]];
    if (!regionBefore || !regionAfter) throw new Error(`no reading of region ${region} before and after the run`);
    const call = histogramDelta(before.gateway, after.gateway, SUBGRAPH_CALL, { subgraph: region });
    const sql = histogramDelta(regionBefore, regionAfter, SQL);
    const callMs = perCheck(call.seconds);
    if (callMs > slowest.ms) slowest = { region, ms: callMs };
    rows.push(
      {
        hop: `hop 2: gateway → ${region}`,
        ms: callMs,
        includes: `${perCheckCount(call.count)} calls per check as the gateway timed them: ${region}'s own time, and HTTP, the network, body parsing and the gateway's token verified`,
      },
      { hop: `hop 2: ${region}'s own operation`, ms: perCheck(histogramDelta(regionBefore, regionAfter, OPERATION).seconds), includes: `${region}'s own timer (as the gateway's): its resolvers and their SQL` },
      { hop: `hop 2: ${region}'s SQL`, ms: perCheck(sql.seconds), includes: `${perCheckCount(sql.count)} statements per check, as the driver timed them` },
    );
  }

  const criticalPath = provinceCallsMs + (slowest.region ? slowest.ms : 0);
  rows.push(
    {
      hop: 'critical path',
      ms: criticalPath,
      includes: slowest.region ? `hops 1 + 3 and the slowest region's mean call (${slowest.region})` : 'hops 1 + 3 (no region was read)',
    },
    {
      hop: "gateway's own work and the network",
      ms: clientMeanMs - criticalPath,
      includes:
        'whole check − critical path: the HTTP exchange with the client, authentication, planning, merging answers, going from hop to hop. ' +
        "An upper bound: a check's slowest region is on average slower than the slowest region's mean",
    },
    { hop: "… outside the gateway's operation", ms: clientMeanMs - gatewayOperation, includes: "whole check − gateway's operation: the HTTP exchange with the client, body parsing, authentication, and autocannon" },
    { hop: '… inside it, beside its calls', ms: gatewayOperation - criticalPath, includes: "gateway's operation − critical path" },
  );
  return { checks, rows };
}

/** The report's section. */
export function renderHops(breakdown: HopBreakdown): string {
  return [
    "### Where a duplicate check's time goes (our gateway, 1 connection)",
    '',
    `Means per check, in ms, over the ${breakdown.checks.toLocaleString('en')} checks of the 1-connection run above: the whole check as autocannon saw it, ` +
      "every other row from the services' own Prometheus histograms (sum ÷ checks), read just before and just after the run. Means, not p50s: means add up along a path. " +
      'The province\'s two hops share one row: the gateway labels its calls by subgraph, and the province labels `DuplicateCheck__province__0` and `…__4` alike ' +
      '(platform/metrics.ts keeps only the client operation\'s name, and only one the manifest ships: `other` here). The access-log rows are on their own: the commit\'s time, and what of it the last hop still waited.',
    '',
    table(
      ['hop', 'mean ms', 'what it includes'],
      breakdown.rows.map((row) => [row.hop, Number.isFinite(row.ms) ? row.ms.toFixed(2) : '–', row.includes]),
    ),
  ].join('\n');
}
