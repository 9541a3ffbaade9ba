/**
 * Hot reload of the supergraph (issue 14, item 6). The gateway runs as production runs it (its own
 * process, `scripts/serve.ts gateway`, NODE_ENV=production) over a supergraph file of the three
 * regions; the province already knows a fourth prefecture, hm (the release that registers a region
 * reaches the province first: see README "Operations"). Under a steady load of portal checks:
 * a broken file and SIGHUP leave the old supergraph serving with a clear error; the supergraph with
 * hm and SIGHUP swap it in. No check fails, and the checks sent after the swap count hm's
 * applications. Then, in this process, a gateway watching its file reloads on a change alone.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnProcess, type BenchProcess } from '../../bench/processes.js';
import { REGIONS } from '../../domain/regions.js';
import { checkCharacter } from '../../domain/idNumber.js';
import { composeSupergraph } from '../../gateway/compose.js';
import { mintDevelopmentToken } from '../../gateway/developmentToken.js';
import { loadConfig } from '../../platform/config.js';
import { insertBzPerson } from '../fixtures/portalRows.js';
import { DEMO_PERSON } from '../fixtures/prefecture/region.js';
import { missingAccessLogEntries, startCheckLoad, type CheckCase, type CheckLoad, type CheckOutcome } from '../helpers/checkLoad.js';
import { REGISTRY, startFourRegions, type FourRegions } from '../helpers/fourRegions.js';
import { PRODUCTION_SECRETS } from '../helpers/processSystem.js';
import { scrape } from '../helpers/prometheus.js';

const withCheck = (body: string) => body + checkCharacter(body);
/** Applied in bz in 2024: ALREADY_APPLIED whatever the supergraph. */
const BZ_APPLICANT = withCheck('65280119850505123');
/** Nobody's number: CLEAR once every region of the supergraph answered. */
const NOBODY = withCheck('65050219700101001');

const CASES: CheckCase[] = [
  { idNumber: BZ_APPLICANT, expected: 'ALREADY_APPLIED', decidedBy: ['bz'] },
  // hm's 2024 review decides it; bz holds only 2023.
  { idNumber: DEMO_PERSON, expected: 'ALREADY_APPLIED', decidedBy: ['hm'] },
  { idNumber: NOBODY, expected: 'CLEAR', decidedBy: [] },
];

/** Checks answered in each phase before the test moves on (a count, not a time: the machine is shared). */
const CHECKS_PER_PHASE = 24;

let system: FourRegions;
let gateway: BenchProcess;
let metricsUrl: string;
let folder: string;
let supergraphFile: string;
let logFile: string;
let portalToken: string;
let analystToken: string;

const threeRegions = composeSupergraph(REGIONS);

interface Ready {
  ready: boolean;
  subgraphs: Record<string, string>;
  supergraph: { hash: string; loadedAt: string; subgraphs: string[] } | null;
}

async function readyOf(url: string): Promise<Ready> {
  return (await (await fetch(url.replace(/\/graphql$/, '/ready'))).json()) as Ready;
}

/** Polls /ready until the supergraph's hash is no longer `hash`; returns when it changed (ms since epoch). */
async function hashChange(url: string, hash: string, timeoutMs = 20_000): Promise<Ready> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = await readyOf(url);
    if (ready.supergraph && ready.supergraph.hash !== hash) return ready;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the supergraph stayed ${hash} for ${timeoutMs} ms`);
}

/** Waits until CHECKS_PER_PHASE checks sent after `sinceMs` (of the load) are answered. */
async function answered(load: CheckLoad, sinceMs: number): Promise<void> {
  await expect
    .poll(() => load.outcomes.filter((outcome) => outcome.sentAt >= sinceMs).length, { timeout: 60_000, interval: 100 })
    .toBeGreaterThanOrEqual(CHECKS_PER_PHASE);
}

/** Writes a file as an operator's tool does: a new file renamed over the old one. */
function replaceFile(file: string, text: string): void {
  writeFileSync(`${file}.next`, text);
  renameSync(`${file}.next`, file);
}

async function graphql<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: unknown[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: unknown[] };
}

beforeAll(async () => {
  system = await startFourRegions({
    // The subgraphs share the production secrets with the gateway process (tokens, sealed references).
    env: { NODE_ENV: 'test', ...PRODUCTION_SECRETS, SUBGRAPH_TIMEOUT_MS: '10000' },
    seed: async (databases) => {
      await insertBzPerson(databases.bz!.sql, { xm: '哈测一', sfzh: DEMO_PERSON }, [{ sbnd: 2023, pslb: '评审', zt: 7 }]);
      await insertBzPerson(databases.bz!.sql, { xm: '巴测一', sfzh: BZ_APPLICANT }, [{ sbnd: 2024, pslb: '评审', zt: 7 }]);
    },
  });
  folder = mkdtempSync(path.join(os.tmpdir(), 'xjzc-reload-'));
  supergraphFile = path.join(folder, 'supergraph.graphql');
  logFile = path.join(folder, 'gateway.log');
  writeFileSync(supergraphFile, threeRegions);

  const [port, metricsPort] = [await freePort(), await freePort()];
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    ...PRODUCTION_SECRETS,
    LOG_LEVEL: 'info',
    LOG_FILE: logFile,
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    SUPERGRAPH_FILE: supergraphFile,
    // The signal alone reloads this gateway: the file is written more than once before it.
    SUPERGRAPH_WATCH: 'false',
    PORTAL_SUBGRAPH_TIMEOUT_MS: '10000',
    SUBGRAPH_TIMEOUT_MS: '10000',
    RATE_LIMIT_PORTAL: '0',
    RATE_LIMIT_ANALYST: '0',
    ...Object.fromEntries(['province', ...REGIONS.map((region) => region.code)].map((name) => [`${name.toUpperCase()}_SUBGRAPH_URL`, system.subgraphUrls[name]!])),
  };
  gateway = spawnProcess({ name: 'gateway', port, args: ['--import', 'tsx', 'scripts/serve.ts', 'gateway'], env });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (gateway.child.exitCode !== null) throw new Error(`gateway exited:\n${gateway.output()}`);
    const ready = await readyOf(gateway.url).catch(() => null);
    if (ready?.ready) break;
    if (Date.now() > deadline) throw new Error(`gateway not ready:\n${gateway.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const auth = loadConfig(env).auth;
  portalToken = await mintDevelopmentToken(auth, { role: 'portal', region: 'bz', subject: 'bz-clerk', expiresIn: '1h' });
  analystToken = await mintDevelopmentToken(auth, { role: 'analyst', subject: 'analyst', expiresIn: '1h' });
}, 240_000);

afterAll(async () => {
  await gateway?.stop();
  await system?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('reloading the supergraph under load', () => {
  it('keeps serving on a broken file, swaps in a fourth region on SIGHUP, and fails no check', async () => {
    const before = await readyOf(gateway.url);
    expect(before.supergraph?.subgraphs).toEqual(['aks', 'bz', 'province', 'wlmq']);
    const load = startCheckLoad({ gatewayUrl: gateway.url, token: portalToken, cases: CASES, concurrency: 8 });
    let outcomes: CheckOutcome[] | undefined;
    try {
      await answered(load, 0);

      // A half-written file: refused, logged, and the three-region supergraph keeps serving.
      replaceFile(supergraphFile, composeSupergraph(REGISTRY, { hm: system.subgraphUrls.hm! }).slice(0, 5_000));
      gateway.child.kill('SIGHUP');
      await expect.poll(() => readFileSync(logFile, 'utf8'), { timeout: 15_000 }).toContain('supergraph_rejected');
      expect((await readyOf(gateway.url)).supergraph?.hash).toBe(before.supergraph!.hash);
      // hm composed without its URL (the placeholder): refused too, naming the subgraph.
      replaceFile(supergraphFile, composeSupergraph(REGISTRY));
      gateway.child.kill('SIGHUP');
      await expect.poll(() => readFileSync(logFile, 'utf8').match(/"event":"supergraph_rejected"/g)?.length ?? 0, { timeout: 15_000 }).toBe(2);
      await answered(load, load.elapsed());

      // The supergraph with hm and its URL: swapped in while checks are in flight.
      replaceFile(supergraphFile, composeSupergraph(REGISTRY, { hm: system.subgraphUrls.hm! }));
      const signalledAt = load.elapsed();
      gateway.child.kill('SIGHUP');
      const after = await hashChange(gateway.url, before.supergraph!.hash);
      const swappedAt = load.elapsed();
      expect(after.supergraph?.subgraphs).toEqual(['aks', 'bz', 'hm', 'province', 'wlmq']);
      expect(after.ready).toBe(true);
      await answered(load, swappedAt);
      outcomes = await load.stop();

      const failed = outcomes.filter((outcome) => outcome.kind !== 'answered' || outcome.status !== 200 || outcome.failOpen || outcome.wrong !== null);
      expect(failed).toEqual([]);
      const sentBefore = outcomes.filter((outcome) => outcome.sentAt + outcome.durationMs < signalledAt);
      const sentAfter = outcomes.filter((outcome) => outcome.sentAt > swappedAt);
      expect(sentBefore.length).toBeGreaterThanOrEqual(CHECKS_PER_PHASE);
      expect(sentAfter.length).toBeGreaterThanOrEqual(CHECKS_PER_PHASE);
      // Before: hm is not in the plan, so the province (which knows hm) counts it missing: fail closed.
      for (const outcome of sentBefore) expect(outcome.missingRegions).toEqual(['hm']);
      // After: every region answers, hm included, and so (judged above) each verdict is the known one.
      const verdictOf = (outcome: CheckOutcome) => [outcome.verdict, outcome.missingRegions];
      for (const outcome of sentAfter) expect(verdictOf(outcome)).toEqual([expect.stringMatching(/^(ALREADY_APPLIED|CLEAR)$/), []]);
      expect(await missingAccessLogEntries(outcomes, system.province.sql)).toEqual([]);
      console.log(
        `reload under load: ${outcomes.length} checks, ${failed.length} failed; ${sentBefore.length} before the signal, ${sentAfter.length} after the swap; ` +
          `swap visible on /ready ${Math.round(swappedAt - signalledAt)} ms after SIGHUP`,
      );
    } finally {
      if (!outcomes) await load.stop();
    }
  }, 240_000);

  it('answers with hm after the swap: its applications counted, its region listed', async () => {
    const check = await graphql<{ person: { records: Array<{ region: string; found: boolean }>; annualReview: { verdict: string; complete: boolean; counted: Array<{ region: string }> } } }>(
      gateway.url,
      portalToken,
      `query ($id: String!) { person(idNumber: $id) { records { region found } annualReview(year: 2024) { verdict complete counted { region } } } }`,
      { id: DEMO_PERSON },
    );
    expect(check.errors).toBeUndefined();
    expect(check.data!.person.records).toContainEqual({ region: 'hm', found: true });
    expect(check.data!.person.annualReview).toEqual({ verdict: 'ALREADY_APPLIED', complete: true, counted: [{ region: 'hm' }] });
    const regions = await graphql<{ regions: Array<{ code: string }> }>(gateway.url, analystToken, '{ regions { code } }');
    expect(regions.errors).toBeUndefined();
    expect(regions.data!.regions.map((region) => region.code)).toEqual(['bz', 'aks', 'wlmq', 'hm']);
  });

  it('states the loaded supergraph and the refused ones in its metrics and logs', async () => {
    const metrics = await scrape(metricsUrl);
    const loaded = (await readyOf(gateway.url)).supergraph!.hash;
    expect(metrics.samples('xjzc_supergraph_info').map((sample) => [sample.labels.hash, sample.value])).toEqual([[loaded, 1]]);
    expect(metrics.sum('xjzc_supergraph_reloads_total', { outcome: 'rejected' })).toBe(2);
    expect(metrics.sum('xjzc_supergraph_reloads_total', { outcome: 'loaded' })).toBe(1);
    const rejected = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"event":"supergraph_rejected"'))
      .map((line) => JSON.parse(line) as { level: number; reason: string });
    expect(rejected.map((entry) => entry.level)).toEqual([50, 50]);
    expect(rejected[0]!.reason).toMatch(/^not a valid supergraph: /);
    expect(rejected[1]!.reason).toBe('no URL for subgraph(s) hm: set <NAME>_SUBGRAPH_URL, or compose with --url <name>=<url>');
  });
});

describe('a gateway watching its supergraph file', () => {
  it('reloads when the file is replaced, or its mounted ConfigMap is updated, with no signal', async () => {
    // A Kubernetes ConfigMap volume: the file is a link through `..data`, which an update swaps.
    const mount = path.join(folder, 'configmap');
    mkdirSync(path.join(mount, '..2026_11_30_a'), { recursive: true });
    writeFileSync(path.join(mount, '..2026_11_30_a', 'supergraph.graphql'), threeRegions);
    symlinkSync('..2026_11_30_a', path.join(mount, '..data'));
    symlinkSync(path.join('..data', 'supergraph.graphql'), path.join(mount, 'supergraph.graphql'));
    const file = path.join(mount, 'supergraph.graphql');
    const running = await system.startGateway({
      subgraphUrls: Object.fromEntries(Object.entries(system.subgraphUrls).filter(([name]) => name !== 'hm')),
      supergraphFile: file,
      watchSupergraph: true,
    });
    // Stopped with the subgraphs, in afterAll.
    const first = await readyOf(running.url);
    expect(first.supergraph?.subgraphs).not.toContain('hm');

    mkdirSync(path.join(mount, '..2026_11_30_b'));
    writeFileSync(path.join(mount, '..2026_11_30_b', 'supergraph.graphql'), composeSupergraph(REGISTRY, { hm: system.subgraphUrls.hm! }));
    symlinkSync('..2026_11_30_b', path.join(mount, '..data_tmp'));
    renameSync(path.join(mount, '..data_tmp'), path.join(mount, '..data'));
    const second = await hashChange(running.url, first.supergraph!.hash);
    expect(second.supergraph?.subgraphs).toContain('hm');

    // The file itself replaced by a rename, as an editor saves it.
    replaceFile(file, threeRegions);
    const third = await hashChange(running.url, second.supergraph!.hash);
    expect(third.supergraph?.hash).toBe(first.supergraph!.hash);
  }, 60_000);
});
