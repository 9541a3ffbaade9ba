/**
 * Issue 15's measurements, on our gateway only (no peer serves these pages or this list):
 * - the merged cross-region list (Query.applications): the first page of 50 at one connection,
 *   and a deep page (page 100, or the deepest the data set has) of the same list, whose p50 must
 *   stay within 2× the first page's (keyset, not offset);
 * - the dashboard's first full render: Debian's chromium, headless, through playwright-core, from
 *   navigation until every chart is drawn (`body[data-state=ready]`), each time in a fresh browser
 *   context (an empty cache: the page's own files are fetched too).
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { runLoad, type LoadResult } from './load.js';

export const MERGED_FIRST_PAGE_FILTERED =
  'query MergedFirstPage { applications(filter: { year: 2024, level: [INTERMEDIATE] }, first: 50) { edges { node { id region status submittedAt } } pageInfo { hasNextPage endCursor } } }';
const MERGED_PAGE =
  'query MergedPage($after: String) { applications(first: 50, after: $after) { edges { node { id region status submittedAt } } pageInfo { hasNextPage endCursor } } }';

export const DEEP_PAGE = 100;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export interface PagesResult {
  filteredFirstPage: LoadResult;
  firstPage: LoadResult;
  deepPage: LoadResult;
  /** The page the deep measurement asked for (100, or fewer on a small data set). */
  deepPageNumber: number;
  /** Milliseconds from navigation to every chart drawn, one per run; null when chromium is missing. */
  dashboardRenders: number[] | null;
  problems: string[];
}

interface PageAnswer {
  data?: { applications: { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null };
  errors?: Array<{ message: string }>;
}

async function post(url: string, body: string, authorization: string): Promise<PageAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body });
  return (await response.json()) as PageAnswer;
}

/** The cursor after page `page - 1` of the unfiltered list, walked page by page; fewer pages where the data ends. */
async function cursorBefore(url: string, authorization: string, page: number): Promise<{ cursor: string | null; page: number }> {
  let cursor: string | null = null;
  for (let reached = 1; reached < page; reached++) {
    const answer = await post(url, JSON.stringify({ query: MERGED_PAGE, variables: { after: cursor } }), authorization);
    const list = answer.data?.applications;
    if (!list) throw new Error(`the merged list answered no page: ${answer.errors?.[0]?.message ?? 'no data'}`);
    if (!list.pageInfo.hasNextPage) return { cursor, page: reached };
    cursor = list.pageInfo.endCursor;
  }
  return { cursor, page };
}

export async function measurePages(options: {
  gatewayUrl: string;
  analyst: string;
  dashboardToken: string;
  seconds: number;
  renders: number;
  log: (line: string) => void;
}): Promise<PagesResult> {
  const { gatewayUrl, analyst, seconds } = options;
  const problems: string[] = [];
  const check = async (body: string, what: string) => {
    const answer = await post(gatewayUrl, body, analyst);
    if (!answer.data?.applications || answer.errors) problems.push(`${what}: ${answer.errors?.[0]?.message ?? 'no list'}`);
    else if (answer.data.applications.edges.length === 0) problems.push(`${what}: an empty page`);
  };
  const load = async (body: string) => {
    // Warm once at the same connection count, then measure.
    await runLoad({ url: gatewayUrl, bodies: [body], connections: 1, durationSeconds: Math.max(0.5, seconds / 4), headers: { authorization: analyst } });
    return runLoad({ url: gatewayUrl, bodies: [body], connections: 1, durationSeconds: seconds, headers: { authorization: analyst } });
  };

  const filtered = JSON.stringify({ query: MERGED_FIRST_PAGE_FILTERED });
  const first = JSON.stringify({ query: MERGED_PAGE, variables: { after: null } });
  const deep = await cursorBefore(gatewayUrl, analyst, DEEP_PAGE);
  const deepBody = JSON.stringify({ query: MERGED_PAGE, variables: { after: deep.cursor } });
  for (const [body, what] of [[filtered, 'filtered first page'], [first, 'first page'], [deepBody, `page ${deep.page}`]] as const) await check(body, what);
  options.log(`merged list: measuring the first page and page ${deep.page}`);
  const filteredFirstPage = await load(filtered);
  const firstPage = await load(first);
  const deepPage = await load(deepBody);

  let dashboardRenders: number[] | null = null;
  if (!existsSync(CHROMIUM)) {
    problems.push(`dashboard render not measured: no chromium at ${CHROMIUM}`);
  } else {
    const origin = new URL(gatewayUrl).origin;
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      dashboardRenders = [];
      // One unmeasured load first, as every other measurement has its warm-up.
      for (let run = 0; run <= options.renders; run++) {
        const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
        const page = await context.newPage();
        const started = performance.now();
        await page.goto(`${origin}/dashboard?year=2024#token=${options.dashboardToken}`);
        await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
        const elapsed = performance.now() - started;
        const charts = await page.$$eval('.chart svg', (nodes) => nodes.length);
        if (charts < 6) problems.push(`dashboard: ${charts} of 6 charts drawn`);
        if (run > 0) dashboardRenders.push(elapsed);
        await context.close();
      }
    } finally {
      await browser.close();
    }
  }
  return { filteredFirstPage, firstPage, deepPage, deepPageNumber: deep.page, dashboardRenders, problems };
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

/** The section of the report. */
export function renderPages(result: PagesResult): string {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const row = (what: string, load: LoadResult) =>
    `| ${what} | ${load.throughput.toFixed(0)} | ${ms(load.p50)} / ${ms(load.p95)} / ${ms(load.p99)} | ${load.failures} |`;
  const ratio = result.deepPage.p50 / result.firstPage.p50;
  const renders = result.dashboardRenders;
  return [
    '## Merged list and dashboard (issue 15, our gateway)',
    '',
    '| merged list, c=1 | req/s | p50 / p95 / p99 ms | failures |',
    '| --- | --- | --- | --- |',
    row('first page of 50, 2024 中级 (filtered)', result.filteredFirstPage),
    row('first page of 50, all applications', result.firstPage),
    row(`page ${result.deepPageNumber} of 50, all applications`, result.deepPage),
    '',
    '| target | result |',
    '| --- | --- |',
    `| Merged list first page of 50 at c=1: p50 ≤ 50 ms | ${result.filteredFirstPage.p50 <= 50 ? 'met' : 'not met'}, ${ms(result.filteredFirstPage.p50)} ms (filtered), ${ms(result.firstPage.p50)} ms (all) |`,
    `| Page ${result.deepPageNumber} no slower than 2× page 1 | ${ratio <= 2 ? 'met' : 'not met'}, ${ratio.toFixed(2)}× (${ms(result.deepPage.p50)} vs ${ms(result.firstPage.p50)} ms p50) |`,
    renders && renders.length > 0
      ? `| Dashboard usable (every chart drawn) ≤ 2 s after navigation | ${median(renders) <= 2000 ? 'met' : 'not met'}, median ${ms(median(renders))} ms, slowest ${ms(Math.max(...renders))} ms over ${renders.length} cold loads |`
      : '| Dashboard usable ≤ 2 s after navigation | not measured |',
    ...(result.problems.length > 0 ? ['', ...result.problems.map((problem) => `- ${problem}`)] : []),
  ].join('\n');
}
