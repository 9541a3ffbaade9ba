/**
 * `npm run bench`: the system at provincial scale, side by side with what a user would pick
 * instead, in one run on one machine (issue 6).
 *
 * - Data: 1,000,000 applications over ten years in three portal databases on the real PostgreSQL
 *   (reused between runs while the marker matches), ANALYZEd.
 * - Services: province, bz, aks and wlmq, each in its own process as `npm start` runs them.
 * - Targets: our gateway, stock @apollo/gateway, Hive Gateway (with Hive Router's Rust query
 *   planner), and the bz subgraph called directly (the floor), each measured with autocannon at
 *   concurrency 1 and at a saturating concurrency.
 * - Before measuring, every gateway's answers are compared with ours on a sample of every
 *   workload's requests; differences are reported with the results, not hidden by them.
 *
 * `npm run bench -- --smoke`: a few thousand rows in throwaway databases and a few seconds per
 * workload, so that CI keeps the harness working. Exit 1 when any run fails or answers wrongly.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { scrape } from '../test/helpers/prometheus.js';
import { BENCH_SECRETS, benchCredentials, type Credentials } from './auth.js';
import { ADMIN_URL, applicationsOfPeople, BENCH_REGIONS, peopleByRegion, prepareDataset, type BenchRegion, type Dataset } from './dataset.js';
import { ensureHiveInstalled, hiveVersion, spawnHiveGateway } from './hive.js';
import { hopBreakdown, renderHops, type ServiceScrapes } from './hops.js';
import { runLoad } from './load.js';
import { measureStartup, type StartupFacts } from './startup.js';
import {
  cpuMs,
  freePort,
  postgresCpuBetween,
  postgresCpuMs,
  REPO_ROOT,
  rssMiB,
  spawnService,
  spawnTsx,
  sqlStatements,
  waitForGraphQL,
  waitForReady,
  type BenchProcess,
} from './processes.js';
import { measurePages, renderPages } from './pages.js';
import type { LoadResult } from './load.js';
import { find, measurementTable, mib, ms, ratio, table, type CpuSplit, type Measurement, type TargetCheck } from './report.js';
import { withRealUrls } from './supergraph.js';
import {
  checkResponse,
  CLAIM_WORKLOADS,
  CLAIM_YEAR,
  claimRequests,
  COMPARED_WORKLOADS,
  CONFLICTS_YEAR,
  floorBodies,
  gatewayBodies,
  normalisedData,
  ANALYST_QUERIES,
  DASHBOARD_SCREENS,
  PORTAL_ELIGIBILITY_SHARE,
  PERSON_MIX,
  samplePeople,
  sampleSizes,
  WORKLOADS,
  type ClaimCandidate,
  type PersonSample,
  type Requests,
  type WorkloadName,
} from './workloads.js';

const smoke = process.argv.includes('--smoke');

/** `--memory-cap=<seconds>`: longest the 100,000-request memory run may take. @default 600 */
function memoryCapSeconds(): number {
  const arg = process.argv.find((value) => value.startsWith('--memory-cap='));
  const seconds = arg ? Number(arg.slice('--memory-cap='.length)) : 600;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new TypeError(`--memory-cap must be a number of seconds, got "${arg}"`);
  return seconds;
}
/**
 * `--cpu-prof`: every service (our gateway, province, regions) writes a V8 CPU profile to
 * bench/results/profiles/ when it stops; `npm run bench:profile` summarises them.
 */
const profile = process.argv.includes('--cpu-prof');
const PROFILE_DIR = path.join(REPO_ROOT, 'bench', 'results', 'profiles');
const profileFlags = (name: string): readonly string[] | undefined =>
  // A directory per service and Node's own file names (pid, thread id): with one fixed name, tsx's
  // module-loader thread, which exits last, overwrote the main thread's profile.
  profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE_DIR, name)}`] : undefined;

/**
 * `--only=<text>`: measure only the workloads whose name contains it (e.g. `--only=duplicate`),
 * and skip the memory and data-size checks: for trying a change without the whole run.
 */
const only = process.argv.find((value) => value.startsWith('--only='))?.slice('--only='.length) ?? null;
const SELECTED_WORKLOADS = WORKLOADS.filter((workload) => only === null || workload.includes(only));
if (SELECTED_WORKLOADS.length === 0) throw new TypeError(`--only=${only} matches no workload (${WORKLOADS.join(', ')})`);

/**
 * `--seconds=<n>`: each measured run (1 connection and saturated) lasts n seconds instead of the
 * mode's own: a smoke run long enough for CPU per request to settle on a busy machine.
 */
const secondsArg = process.argv.find((value) => value.startsWith('--seconds='));
const runSeconds = secondsArg ? Number(secondsArg.slice('--seconds='.length)) : null;
if (runSeconds !== null && !(Number.isFinite(runSeconds) && runSeconds > 0)) throw new TypeError(`--seconds must be a number of seconds, got "${secondsArg}"`);

interface Plan {
  mode: 'full' | 'smoke';
  applications: number;
  years: number[];
  seed: number;
  prefix: string;
  keepData: boolean;
  warmSeconds: number;
  c1Seconds: number;
  saturatedSeconds: number;
  saturatingConnections: number;
  sampleSize: number;
  /** Requests per workload whose answers every gateway must give as ours does. */
  compareSample: number;
  memory: { first: number; total: number; capSeconds: number } | null;
  sizeCheck: { applications: number; requests: number } | null;
}

const YEARS = [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024];
const PLAN: Plan = smoke
  ? {
      mode: 'smoke',
      applications: 3_000,
      years: YEARS,
      seed: 20_240_707,
      prefix: `xjzc_bench_smoke_${process.pid}`,
      keepData: false,
      warmSeconds: 0.5,
      c1Seconds: runSeconds ?? 1,
      saturatedSeconds: runSeconds ?? 1.5,
      saturatingConnections: 32,
      sampleSize: 300,
      compareSample: 40,
      memory: null,
      sizeCheck: null,
    }
  : {
      mode: 'full',
      applications: 1_000_000,
      years: YEARS,
      seed: 20_240_707,
      prefix: 'xjzc_bench',
      keepData: true,
      warmSeconds: 2,
      c1Seconds: runSeconds ?? 8,
      saturatedSeconds: runSeconds ?? 12,
      saturatingConnections: 32,
      sampleSize: 3_000,
      compareSample: 300,
      memory: { first: 20_000, total: 100_000, capSeconds: memoryCapSeconds() },
      sizeCheck: { applications: 5_000, requests: 300 },
    };

const REQUEST_POOL = 20_000;

const log = (line: string) => console.error(`[bench] ${line}`);

// ---------------------------------------------------------------------------------------------
// Services

interface System {
  subgraphs: Record<string, BenchProcess>;
  regional: BenchProcess[];
  urls: Record<string, string>;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** province, bz, aks and wlmq, each in its own process, on the given databases. */
async function startSubgraphs(dataset: Pick<Dataset, 'urls' | 'provinceUrl'>): Promise<System> {
  const names = ['province', ...BENCH_REGIONS];
  const ports = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await freePort()] as const)));
  const env: Record<string, string> = {
    ...BENCH_SECRETS,
    LOG_LEVEL: 'warn',
    // The load comes from one token per workload: no per-principal limit (README "Configuration").
    RATE_LIMIT_PORTAL: '0',
    RATE_LIMIT_ANALYST: '0',
    RATE_LIMIT_DASHBOARD: '0',
    ...Object.fromEntries(names.map((name) => [`${name.toUpperCase()}_PORT`, String(ports[name])])),
    ...Object.fromEntries(BENCH_REGIONS.map((region) => [`${region.toUpperCase()}_DATABASE_URL`, dataset.urls[region]])),
    ...(dataset.provinceUrl ? { PROVINCE_DATABASE_URL: dataset.provinceUrl } : {}),
  };
  const subgraphs = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await spawnService(name, ports[name]!, env, profileFlags(name))] as const)));
  try {
    await Promise.all(Object.values(subgraphs).map((service) => waitForReady(service)));
  } catch (error) {
    await Promise.all(Object.values(subgraphs).map((service) => service.stop()));
    throw error;
  }
  return {
    subgraphs,
    regional: BENCH_REGIONS.map((region) => subgraphs[region]!),
    urls: Object.fromEntries(names.map((name) => [name, subgraphs[name]!.url])),
    env,
    stop: async () => {
      await Promise.all(Object.values(subgraphs).map((service) => service.stop()));
    },
  };
}

async function startOurGateway(system: System, nodeFlags?: readonly string[]): Promise<BenchProcess> {
  const port = await freePort();
  const gateway = await spawnService('gateway', port, { ...system.env, PORT: String(port) }, nodeFlags);
  await waitForReady(gateway);
  return gateway;
}

interface CpuReading {
  split: Omit<CpuSplit, 'postgres'>;
  postgres: Map<number, number>;
}

/** CPU time so far, ms, by where it is spent. */
function cpuNow(system: System, gateway: BenchProcess | null): CpuReading {
  const own = process.cpuUsage();
  return {
    split: {
      gateway: gateway ? cpuMs(gateway) : 0,
      province: cpuMs(system.subgraphs.province!),
      regions: system.regional.reduce((sum, service) => sum + cpuMs(service), 0),
      loadGenerator: (own.user + own.system) / 1000,
    },
    postgres: postgresCpuMs(PLAN.prefix),
  };
}

function cpuPerRequest(before: CpuReading, after: CpuReading, requests: number): CpuSplit {
  const n = Math.max(1, requests);
  const per = (key: keyof CpuReading['split']) => (after.split[key] - before.split[key]) / n;
  return {
    gateway: per('gateway'),
    province: per('province'),
    regions: per('regions'),
    postgres: postgresCpuBetween(before.postgres, after.postgres) / n,
    loadGenerator: per('loadGenerator'),
  };
}

const subgraphsRss = (system: System): number => Object.values(system.subgraphs).reduce((sum, service) => sum + rssMiB(service), 0);

// ---------------------------------------------------------------------------------------------
// Measuring

/** What the claim workloads need beyond the duplicate check's sample. */
interface ClaimContext {
  requests: Requests;
  pairs: number;
  singles: number;
  /** The province database, whose ledger is emptied before each claim run. */
  provinceUrl: string;
  /** Claims written and persons with more than one claim of the year, after each claim run. */
  ledger: Array<{ connections: number; claims: number; doubleGrants: number }>;
}

let claimContext: ClaimContext | null = null;

/** Empties the claim ledger, so that each run starts with no person claimed. */
async function emptyLedger(): Promise<void> {
  if (!claimContext) return;
  const client = new pg.Client({ connectionString: claimContext.provinceUrl });
  await client.connect();
  try {
    await client.query('TRUNCATE annual_review_claim_event, annual_review_claim');
  } finally {
    await client.end();
  }
}

/**
 * After a claim run: claims written, and people holding more than one claim of the year in any
 * state. No claim is released in the run, so any such person is a double grant.
 */
async function ledgerAfterRun(connections: number): Promise<void> {
  if (!claimContext) return;
  const client = new pg.Client({ connectionString: claimContext.provinceUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ claims: number; doubles: number }>(
      `SELECT (SELECT count(*)::int FROM annual_review_claim) AS claims,
              (SELECT count(*)::int FROM (SELECT 1 FROM annual_review_claim WHERE year = $1 GROUP BY person_key HAVING count(*) > 1) AS d) AS doubles`,
      [CLAIM_YEAR],
    );
    claimContext.ledger.push({ connections, claims: rows[0]!.claims, doubleGrants: rows[0]!.doubles });
    log(`claims ledger after c=${connections}: ${rows[0]!.claims} claims written, ${rows[0]!.doubles} double grants`);
  } finally {
    await client.end();
  }
}

/** Claim candidates from the data: people in both bz and aks (the conflicting pairs) and people in one region only. */
async function claimCandidates(dataset: Dataset, people: Record<BenchRegion, Set<string>>, size: number): Promise<{ pairs: ClaimCandidate[]; singles: ClaimCandidate[] }> {
  const both = [...people.bz].filter((id) => people.aks.has(id)).sort().slice(0, size);
  const alone = [
    ...[...people.bz].filter((id) => !people.aks.has(id) && !people.wlmq.has(id)).sort().slice(0, Math.ceil(size / 2)),
    ...[...people.aks].filter((id) => !people.bz.has(id) && !people.wlmq.has(id)).sort().slice(0, Math.floor(size / 2)),
  ];
  const applications = await applicationsOfPeople(dataset.urls, [...both, ...alone]);
  const candidate = (idNumber: string): ClaimCandidate => ({
    idNumber,
    applications: Object.fromEntries((['bz', 'aks'] as const).flatMap((region) => {
      const id = applications[region].get(idNumber);
      return id ? [[region, id]] : [];
    })),
  });
  return {
    pairs: both.map(candidate).filter((c) => c.applications.bz && c.applications.aks),
    singles: alone.map(candidate).filter((c) => Object.keys(c.applications).length === 1),
  };
}

interface Target {
  name: string;
  url: string;
  /** The gateway process, whose memory is reported; none for the floor. */
  process: BenchProcess | null;
  floor: boolean;
  /** `Authorization` per workload: a client token for our gateway, the gateway's token for the others. */
  authorization: Record<WorkloadName, string>;
  /** Why it cannot run at all, e.g. Hive Gateway failed to start. */
  unavailable?: string;
}

async function post(url: string, body: string, authorization: string): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', authorization }, body });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}` }] };
  }
}

/** Sends the first requests of the pool one by one and checks every answer; null when all are right. */
async function validate(target: Target, workload: WorkloadName, requests: Requests): Promise<string | null> {
  for (const [index, body] of requests.bodies.slice(0, 25).entries()) {
    const authorization = requests.headers?.[index]?.authorization ?? target.authorization[workload];
    const problem = checkResponse(workload, await post(target.url, body, authorization), target.floor);
    if (problem) return problem;
  }
  return null;
}

function bodiesFor(target: Target, workload: WorkloadName, sample: PersonSample): Requests {
  if (workload === 'annual-review claim') {
    if (!claimContext) throw new Error('no claim candidates were prepared');
    return claimContext.requests;
  }
  // Built once per workload, so that every gateway gets byte for byte the same requests (cursors are
  // sealed with a random IV: built twice, the same page would be two different bodies).
  const key = `${target.floor ? 'floor' : 'gateway'}:${workload}`;
  let bodies = bodyPools.get(key);
  if (!bodies) {
    bodies = target.floor
      ? floorBodies(workload, sample, REQUEST_POOL, BENCH_SECRETS.IDENTITY_SECRET)
      : gatewayBodies(workload, sample, REQUEST_POOL, BENCH_SECRETS.IDENTITY_SECRET);
    bodyPools.set(key, bodies);
  }
  return { bodies };
}
const bodyPools = new Map<string, string[]>();

/** How a peer's answers compared with ours on one workload's sample. */
interface Comparison {
  workload: WorkloadName;
  target: string;
  compared: number;
  differing: number;
  /** The first difference, as the two answers' data (never the request: it holds an ID number). */
  example: string | null;
}

/**
 * Sends the same sample of requests, spread over the whole pool, to our gateway and to `peer`, one
 * by one, and compares the data of the answers (normalised: key order, order of statistics groups).
 */
async function compareAnswers(ours: Target, peer: Target, workload: WorkloadName, sample: PersonSample): Promise<Comparison> {
  const { bodies } = bodiesFor(ours, workload, sample);
  const step = Math.max(1, Math.floor(bodies.length / PLAN.compareSample));
  const picked = bodies.filter((_, index) => index % step === 0).slice(0, PLAN.compareSample);
  let differing = 0;
  let example: string | null = null;
  for (const body of picked) {
    const [mine, theirs] = await Promise.all([post(ours.url, body, ours.authorization[workload]), post(peer.url, body, peer.authorization[workload])]);
    const a = normalisedData(mine);
    const b = normalisedData(theirs);
    if (a === b) continue;
    differing++;
    if (example === null) {
      const errors = (theirs as { errors?: Array<{ message?: string }> }).errors?.map((error) => error.message).join('; ');
      example = `ours ${a.slice(0, 160)} · theirs ${b.slice(0, 160)}${errors ? ` (errors: ${errors.slice(0, 160)})` : ''}`;
    }
  }
  log(`${workload} · ${peer.name}: ${picked.length - differing} of ${picked.length} answers as ours`);
  return { workload, target: peer.name, compared: picked.length, differing, example };
}

/**
 * Connections per workload: the conflicts report is an analyst's occasional query over a whole
 * year, measured at 1 connection only; everything else at 1 and at the saturating concurrency.
 */
const connectionsOf = (workload: WorkloadName): number[] => (workload === 'annual-review conflicts' ? [1] : [1, PLAN.saturatingConnections]);

/**
 * Statements running now on the benchmark's databases. The services' counters see a statement only
 * when it ends: a regional service's start-up scan ran 25 s on each portal database, inside the
 * first claim run, and its PostgreSQL CPU was counted as the claims'.
 */
async function activeStatements(): Promise<number> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE left(datname, length($1)) = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
      [PLAN.prefix],
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

/**
 * Waits until the regional services have sent no SQL for half a second and no statement runs on the
 * benchmark's databases (at most 30 s).
 */
async function untilQuiet(system: System): Promise<void> {
  let last = await sqlStatements(system.regional);
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await sqlStatements(system.regional);
    if (now === last && (await activeStatements()) === 0) return;
    last = now;
  }
  log('measuring although the databases were still busy after 30 s');
}

/** Our gateway's, the province's and each region's metrics now, for bench/hops.ts. */
async function scrapeServices(system: System, gateway: BenchProcess): Promise<ServiceScrapes> {
  const read = (service: BenchProcess) => {
    if (!service.metricsUrl) throw new Error(`${service.name} was started without a metrics port`);
    return scrape(service.metricsUrl);
  };
  const [ours, province, ...regions] = await Promise.all([gateway, system.subgraphs.province!, ...system.regional].map(read));
  return { gateway: ours!, province: province!, regions: Object.fromEntries(system.regional.map((service, index) => [service.name, regions[index]!])) };
}

async function measureTarget(system: System, target: Target, workload: WorkloadName, sample: PersonSample): Promise<Measurement[]> {
  const connectionsList = connectionsOf(workload);
  const base = { workload, target: target.name, sqlPerRequest: null, gatewayRss: null, cpu: null };
  const skipped = (problem: string): Measurement[] =>
    connectionsList.map((connections) => ({ ...base, connections, load: null, problem, subgraphsRss: { before: subgraphsRss(system), after: subgraphsRss(system) } }));
  if (target.unavailable) return skipped(target.unavailable);
  const requests = bodiesFor(target, workload, sample);
  const problem = await validate(target, workload, requests);
  if (problem) {
    log(`${target.name} / ${workload}: wrong answer: ${problem}`);
    return skipped(`wrong answer: ${problem}`);
  }
  const headers = { authorization: target.authorization[workload] };
  await warmLoad(target, workload, requests);
  const results: Measurement[] = [];
  for (const connections of connectionsList) {
    // Requests still in flight when the previous run stopped (slow statistics: up to 32 of them)
    // would otherwise send their SQL inside this run's count.
    await untilQuiet(system);
    if (workload === 'annual-review claim') await emptyLedger();
    const gatewayBefore = target.process ? rssMiB(target.process) : 0;
    const subgraphsBefore = subgraphsRss(system);
    // Where the duplicate check's time goes (bench/hops.ts): our gateway's run only (the peers have
    // none of its metrics, and call the same subgraphs), at 1 connection, where checks do not overlap.
    const hopsOf = workload === 'duplicate check' && connections === 1 && target.name === 'our gateway' ? target.process : null;
    const hopsBefore = hopsOf ? await scrapeServices(system, hopsOf) : null;
    const statementsBefore = await sqlStatements(system.regional);
    const cpuBefore = cpuNow(system, target.process);
    const load = await runLoad({
      url: target.url,
      bodies: requests.bodies,
      headers,
      ...(requests.headers ? { headersPerBody: requests.headers } : {}),
      connections,
      durationSeconds: connections === 1 ? PLAN.c1Seconds : PLAN.saturatedSeconds,
    });
    if (workload === 'annual-review claim') await ledgerAfterRun(connections);
    const cpu = cpuPerRequest(cpuBefore, cpuNow(system, target.process), load.requests);
    const statements = (await sqlStatements(system.regional)) - statementsBefore;
    const hops = hopsOf && hopsBefore ? hopBreakdown(hopsBefore, await scrapeServices(system, hopsOf), load.mean) : null;
    results.push({
      ...base,
      connections,
      load,
      sqlPerRequest: load.requests > 0 ? statements / load.requests : null,
      gatewayRss: target.process ? { before: gatewayBefore, after: rssMiB(target.process) } : null,
      subgraphsRss: { before: subgraphsBefore, after: subgraphsRss(system) },
      cpu,
      ...(hops ? { hops } : {}),
    });
    log(
      `${workload} · ${target.name} · c=${connections}: ${load.throughput.toFixed(0)} req/s, p50 ${ms(load.p50)} ms, p99 ${ms(load.p99)} ms, ` +
        `${(statements / Math.max(1, load.requests)).toFixed(2)} SQL/req, ${load.failures} failed`,
    );
    if (hops) log(`where a check's time goes (mean ms): ${hops.rows.map((row) => `${row.hop} ${row.ms.toFixed(2)}`).join(' · ')}`);
  }
  return results;
}

/** Load at 8 connections (at most the workload's own) for the warm-up time. */
async function warmLoad(target: Target, workload: WorkloadName, requests: Requests): Promise<void> {
  await runLoad({
    url: target.url,
    bodies: requests.bodies,
    headers: { authorization: target.authorization[workload] },
    ...(requests.headers ? { headersPerBody: requests.headers } : {}),
    // Never more than the workload is measured at: eight conflicts reports at once over 1,000,000
    // applications, on 2 cores, ran the regions out of database connections before the
    // one-connection measurement began, which then found the province's circuit open.
    connections: Math.min(8, Math.max(...connectionsOf(workload))),
    durationSeconds: PLAN.warmSeconds,
  });
}

/** The warm-up alone; a target that cannot run or answers wrongly is left to measureTarget to report. */
async function warmUp(target: Target, workload: WorkloadName, sample: PersonSample): Promise<void> {
  if (target.unavailable) return;
  const requests = bodiesFor(target, workload, sample);
  if (!(await validate(target, workload, requests))) await warmLoad(target, workload, requests);
}

interface MemoryCheck {
  start: number;
  /** RSS at request `first`, or null when the time cap came first. */
  atFirst: number | null;
  atEnd: number;
  first: number;
  total: number;
  /** Requests answered when the run ended: `total`, or fewer when the time cap ended it. */
  reached: number;
  capSeconds: number;
  failures: number;
}

/**
 * A fresh gateway, then up to `total` duplicate checks at the saturating concurrency: RSS at
 * request `first` and at the end. Capped in time, so that a slow machine still finishes.
 */
async function memoryCheck(system: System, sample: PersonSample, plan: NonNullable<Plan['memory']>, credentials: Credentials): Promise<MemoryCheck> {
  const gateway = await startOurGateway(system);
  try {
    const bodies = gatewayBodies('duplicate check', sample, REQUEST_POOL, BENCH_SECRETS.IDENTITY_SECRET);
    const headers = { authorization: credentials.client['duplicate check'] };
    const start = rssMiB(gateway);
    let atFirst: number | null = null;
    const load = await runLoad({
      url: gateway.url,
      bodies,
      headers,
      connections: PLAN.saturatingConnections,
      amount: plan.total,
      stopAfterSeconds: plan.capSeconds,
      onResponse: (count) => {
        if (count === plan.first) {
          atFirst = rssMiB(gateway);
          log(`memory: RSS ${mib(start)} MiB at start, ${mib(atFirst)} MiB after ${plan.first.toLocaleString('en')} requests`);
        }
      },
    });
    const atEnd = rssMiB(gateway);
    const reached = load.requests - load.failures;
    log(`memory: RSS ${mib(atEnd)} MiB after ${reached.toLocaleString('en')} requests (${load.throughput.toFixed(0)} req/s)`);
    return { start, atFirst, atEnd, first: plan.first, total: plan.total, reached, capSeconds: plan.capSeconds, failures: load.failures };
  } finally {
    await gateway.stop();
  }
}

interface SizeCheck {
  applications: number;
  perWorkload: Record<WorkloadName, number | null>;
}

/** SQL statements per request on a small data set, to compare with the full one. */
async function statementsOnSmallData(plan: NonNullable<Plan['sizeCheck']>, credentials: Credentials): Promise<SizeCheck> {
  const small = await prepareDataset(
    { prefix: `xjzc_bench_size_${process.pid}`, seed: PLAN.seed, applications: plan.applications, years: PLAN.years },
    (line) => log(`size check: ${line}`),
  );
  const perWorkload = {} as Record<WorkloadName, number | null>;
  let system: System | null = null;
  let gateway: BenchProcess | null = null;
  try {
    system = await startSubgraphs(small);
    gateway = await startOurGateway(system);
    const smallSample = samplePeople(await peopleByRegion(small.urls), 300, PLAN.seed);
    // The same mix as on the full data, drawn from this data set's own people.
    // Not the statistics: a cached count (STATISTICS_MAX_AGE_SECONDS) makes their SQL per request a
    // matter of how many requests arrive within its age, not of the data's size.
    for (const workload of COMPARED_WORKLOADS.filter((name) => name !== 'dashboard statistics')) {
      const bodies = gatewayBodies(workload, smallSample, plan.requests, BENCH_SECRETS.IDENTITY_SECRET);
      const before = await sqlStatements(system.regional);
      const headers = { authorization: credentials.client[workload] };
      // One connection, as the full data set's figure it is compared with: concurrent checks of one
      // caller share subgraph calls (gateway/coalesce.ts), which lowers SQL/request by load, not size.
      const load = await runLoad({ url: gateway.url, bodies, headers, connections: 1, amount: plan.requests });
      perWorkload[workload] = load.requests > 0 ? ((await sqlStatements(system.regional)) - before) / load.requests : null;
    }
  } finally {
    await gateway?.stop();
    await system?.stop();
    await small.drop();
  }
  return { applications: plan.applications, perWorkload };
}

// ---------------------------------------------------------------------------------------------
// Report

async function postgresVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

interface RunFacts {
  started: Date;
  loadBefore: number;
  totalSeconds: number;
  postgres: string;
  hive: string;
  dataset: Dataset;
  sample: PersonSample;
  measurements: Measurement[];
  startRss: Record<string, number>;
  memory: MemoryCheck | null;
  sizeCheck: SizeCheck | null;
  /** `npm start` built, on the embedded default (bench/startup.ts); null when it failed. */
  startup: StartupFacts | null;
  comparisons: Comparison[];
  checks: TargetCheck[];
}

function targetChecks(facts: Omit<RunFacts, 'checks' | 'totalSeconds'>): TargetCheck[] {
  const { measurements, dataset, memory, sizeCheck } = facts;
  const saturated = PLAN.saturatingConnections;
  const dup1 = find(measurements, 'duplicate check', 'our gateway', 1);
  const statsSaturated = find(measurements, 'dashboard statistics', 'our gateway', saturated);
  const checks: TargetCheck[] = [];
  const within = (value: number | undefined, limit: number): TargetCheck['met'] => (value === undefined ? null : value <= limit);
  const { startup } = facts;
  checks.push({
    target: '`npm start` (embedded): every region ready in ≤ 12 s on a quiet machine',
    met: startup ? startup.readySeconds <= 12 && startup.firstCheckComplete : null,
    detail: startup
      ? `${startup.readySeconds.toFixed(1)} s at load ${startup.load.toFixed(1)}; first check ${startup.firstCheckComplete ? 'answered by every region' : 'incomplete'}`
      : 'not measured',
  });
  checks.push({
    target: '`npm start` (embedded): five services ≤ 1 GiB together',
    met: startup ? startup.totalRssMiB <= 1024 : null,
    detail: startup ? `${startup.totalRssMiB.toFixed(0)} MiB` : 'not measured',
  });
  const by = (value: number, limit: number, unit: string) =>
    value <= limit ? `${ms(value)} ${unit} (${ms(limit - value)} ${unit} to spare)` : `${ms(value)} ${unit}: missed by ${ms(value - limit)} ${unit} (${((value / limit - 1) * 100).toFixed(0)}% over)`;
  const peers = ['stock @apollo/gateway', 'Hive Gateway'];
  /** The peer with the highest throughput (or lowest p50) at this concurrency, among those that ran. */
  const bestPeer = (workload: WorkloadName, connections: number, better: (a: LoadResult, b: LoadResult) => boolean) => {
    let best: { name: string; load: LoadResult } | null = null;
    for (const name of peers) {
      const load = find(measurements, workload, name, connections);
      if (load && (!best || better(load, best.load))) best = { name, load };
    }
    return best;
  };
  const compared = SELECTED_WORKLOADS.filter((workload) => COMPARED_WORKLOADS.includes(workload));
  for (const workload of compared) {
    const ours = find(measurements, workload, 'our gateway', saturated);
    const best = bestPeer(workload, saturated, (a, b) => a.throughput > b.throughput);
    const ratioToBest = ours && best ? ours.throughput / best.load.throughput : undefined;
    checks.push({
      target: `${workload}, ${saturated} connections: ≥ 1.5× the best peer's throughput`,
      met: ratioToBest === undefined ? null : ratioToBest >= 1.5,
      detail:
        ratioToBest === undefined
          ? 'not measured'
          : `${ratioToBest.toFixed(2)}× ${best!.name} (${ours!.throughput.toFixed(0)} vs ${best!.load.throughput.toFixed(0)} req/s)` +
            (ratioToBest >= 1.5 ? '' : `: missed by ${(1.5 * best!.load.throughput - ours!.throughput).toFixed(0)} req/s`),
    });
  }
  for (const workload of compared) {
    const ours = find(measurements, workload, 'our gateway', 1);
    const best = bestPeer(workload, 1, (a, b) => a.p50 < b.p50);
    checks.push({
      target: `${workload}, 1 connection: p50 no higher than the best peer's`,
      met: ours && best ? ours.p50 <= best.load.p50 : null,
      detail: ours && best ? `${ms(ours.p50)} vs ${ms(best.load.p50)} ms (${best.name})${ours.p50 <= best.load.p50 ? '' : `: missed by ${ms(ours.p50 - best.load.p50)} ms`}` : 'not measured',
    });
  }
  checks.push({
    target: 'Duplicate check, concurrency 1: p50 ≤ 6 ms',
    met: within(dup1?.p50, 6),
    detail: dup1 ? by(dup1.p50, 6, 'ms') : 'not measured',
  });
  checks.push({
    target: 'Duplicate check, concurrency 1: p99 ≤ 15 ms',
    met: within(dup1?.p99, 15),
    detail: dup1 ? by(dup1.p99, 15, 'ms') : 'not measured',
  });
  checks.push({
    target: `Dashboard statistics over ${PLAN.applications.toLocaleString('en')} applications, ${saturated} screens: p99 ≤ 300 ms`,
    met: within(statsSaturated?.p99, 300),
    detail: statsSaturated ? by(statsSaturated.p99, 300, 'ms') : 'not measured',
  });
  if (memory) {
    const target = `Gateway RSS grows < 10% between request ${memory.first.toLocaleString('en')} and ${memory.total.toLocaleString('en')}`;
    if (memory.atFirst === null) {
      checks.push({ target, met: null, detail: `not reached: ${memory.reached.toLocaleString('en')} requests in the ${memory.capSeconds} s cap` });
    } else {
      const growth = (memory.atEnd / memory.atFirst - 1) * 100;
      const complete = memory.reached >= memory.total;
      checks.push({
        target,
        met: complete ? growth < 10 : null,
        detail:
          `${mib(memory.atFirst)} → ${mib(memory.atEnd)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%)` +
          (complete ? '' : ` at request ${memory.reached.toLocaleString('en')}: the ${memory.capSeconds} s cap ended the run before ${memory.total.toLocaleString('en')}`),
      });
    }
  } else {
    checks.push({ target: 'Gateway RSS grows < 10% between request 20,000 and 100,000', met: null, detail: 'full mode only' });
  }
  if (sizeCheck) {
    const parts: string[] = [];
    let same = true;
    // Only the workloads the size check measures: not the statistics (see statementsOnSmallData).
    for (const workload of COMPARED_WORKLOADS.filter((name) => name in sizeCheck.perWorkload)) {
      const large = find(measurements, workload, 'our gateway', 1);
      const largeSql = measurements.find((m) => m.workload === workload && m.target === 'our gateway' && m.connections === 1)?.sqlPerRequest ?? null;
      const smallSql = sizeCheck.perWorkload[workload];
      if (large && largeSql !== null && smallSql !== null && smallSql !== undefined) {
        // Fractions come from the mix (who is found where) and from a pool opening a connection now
        // and then; a count that grew with the data would differ by far more than 5%.
        if (Math.abs(largeSql - smallSql) > 0.05 * smallSql) same = false;
        parts.push(`${workload} ${smallSql.toFixed(2)} vs ${largeSql.toFixed(2)}`);
      } else {
        same = false;
        parts.push(`${workload} not measured`);
      }
    }
    checks.push({
      target: 'SQL statements per request do not depend on the data size',
      met: same,
      detail: `${sizeCheck.applications.toLocaleString('en')} vs ${PLAN.applications.toLocaleString('en')} applications (equal within 5%): ${parts.join('; ')}`,
    });
  } else {
    checks.push({ target: 'SQL statements per request do not depend on the data size', met: null, detail: 'full mode only (small vs full data set)' });
  }
  const claim1 = find(measurements, 'annual-review claim', 'our gateway', 1);
  const claimSaturated = find(measurements, 'annual-review claim', 'our gateway', saturated);
  const conflicts = find(measurements, 'annual-review conflicts', 'our gateway', 1);
  if (SELECTED_WORKLOADS.includes('annual-review claim')) {
    checks.push({ target: 'claimAnnualReview, concurrency 1: p50 ≤ 10 ms', met: within(claim1?.p50, 10), detail: claim1 ? by(claim1.p50, 10, 'ms') : 'not measured' });
    checks.push({
      target: `claimAnnualReview, concurrency ${saturated}: ≥ 400 claims/s`,
      met: claimSaturated ? claimSaturated.throughput >= 400 : null,
      detail: claimSaturated ? `${claimSaturated.throughput.toFixed(0)} claims/s` : 'not measured',
    });
    const ledger = claimContext?.ledger ?? [];
    checks.push({
      target: 'Zero double grants in the claim runs',
      met: ledger.length === 0 ? null : ledger.every((run) => run.doubleGrants === 0),
      detail: ledger.length === 0 ? 'not measured' : ledger.map((run) => `c=${run.connections}: ${run.doubleGrants} of ${run.claims.toLocaleString('en')} claims`).join('; '),
    });
  }
  if (SELECTED_WORKLOADS.includes('annual-review conflicts')) {
    checks.push({
      target: `annualReviewConflicts for ${CONFLICTS_YEAR} over ${PLAN.applications.toLocaleString('en')} applications: ≤ 5 s (p99, c=1)`,
      met: within(conflicts?.p99, 5_000),
      detail: conflicts ? `p50 ${ms(conflicts.p50)} ms, p99 ${ms(conflicts.p99)} ms` : 'not measured',
    });
  }
  checks.push({
    target: 'Generating the data set takes < 5 min',
    met: dataset.reused ? null : dataset.generationSeconds < 300,
    detail: dataset.reused ? 'reused from an earlier run (see its figure in bench.dataset)' : `${dataset.generationSeconds.toFixed(0)} s (+ ANALYZE ${dataset.analyzeSeconds.toFixed(0)} s)`,
  });
  return checks;
}

function render(facts: RunFacts): string {
  const { measurements, dataset } = facts;
  const saturated = PLAN.saturatingConnections;
  const sizes = sampleSizes(facts.sample);
  const out: string[] = [];
  out.push(`# Benchmark results (${PLAN.mode} mode)`, '');
  out.push(
    table(
      ['machine', 'value'],
      [
        ['date', facts.started.toISOString()],
        ['CPU', `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown'}`],
        ['memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
        ['Node', process.version],
        ['PostgreSQL', facts.postgres],
        ['@apollo/gateway', packageVersion('@apollo/gateway')],
        ['@graphql-hive/gateway', facts.hive],
        ['autocannon', packageVersion('autocannon')],
        ['command', `npm run bench${smoke ? ' -- --smoke' : ''}`],
        ['load average (1 min) at start / end', `${facts.loadBefore.toFixed(1)} / ${os.loadavg()[0]!.toFixed(1)} (other work on the machine competes for the same 2 cores)`],
        ['whole run', `${facts.totalSeconds.toFixed(0)} s`],
      ],
    ),
    '',
  );
  out.push('## Data set', '');
  out.push(
    `${PLAN.applications.toLocaleString('en')} applications, review years ${PLAN.years[0]}–${PLAN.years.at(-1)}, seed ${PLAN.seed}; ` +
      (dataset.reused
        ? 'reused from an earlier run (marker table bench.dataset matched).'
        : `generated with writeDemoData in ${dataset.generationSeconds.toFixed(1)} s, ANALYZE ${dataset.analyzeSeconds.toFixed(1)} s.`),
    '',
  );
  out.push(
    table(
      ['region', 'rows per portal table (planner estimate)'],
      BENCH_REGIONS.map((region) => [region, Object.entries(dataset.rows[region]).map(([name, count]) => `${name} ${count.toLocaleString('en')}`).join(', ')]),
    ),
    '',
  );
  out.push(
    `Duplicate-check mix: ${Math.round(PERSON_MIX.none * 100)}% people found in no region, ${Math.round(PERSON_MIX.one * 100)}% in one, ${Math.round(PERSON_MIX.two * 100)}% in two ` +
      `(drawn from ${sizes.none.toLocaleString('en')} / ${sizes.one.toLocaleString('en')} / ${sizes.two.toLocaleString('en')} numbers sampled from the databases ` +
      `with gateway.normalise_id_number, plus random valid numbers held nowhere); 70% ask about 2024, the rest about a random year. ` +
      `${REQUEST_POOL.toLocaleString('en')} distinct request bodies, sent in turn. ` +
      `Portal mix: the same checks, ${Math.round(PORTAL_ELIGIBILITY_SHARE * 100)}% of them replaced by an eligibility check of the same person for bz's 2024 private-enterprise batch. ` +
      `Analyst search: ${ANALYST_QUERIES} distinct queries (filters on year, level, status, series and review kind, page sizes 10–100, 30% deep pages of bz from a cursor, 20% with totalCount; ` +
      'the schema lists in key order only, so there is no ordering to vary). ' +
      `Dashboard statistics: the dashboard page's own requests (gateway/web/dashboard.js: ten-year trend, the year's breakdown, the review calendar) for ${DASHBOARD_SCREENS.length} screen states (region, series, year; most the default), every connection a screen, sent in turn.`,
    '',
  );
  if (claimContext) {
    out.push(
      `Annual-review claims (our gateway only): portals claim ${CLAIM_YEAR}, a year with no applications yet, so every claim passes the regions' check and the ledger decides. ` +
        `${claimContext.pairs.toLocaleString('en')} people held by both bz and aks are claimed by both portals one after the other (a conflicting pair: one GRANTED, one REFUSED with CLAIMED; at ${saturated} connections they race), ` +
        `and ${claimContext.singles.toLocaleString('en')} people held by one region are claimed once, in the order pair, single, pair…; bodies sent again later re-claim. ` +
        'The ledger is emptied before each run. The conflicts report asks for the first page (50) of ' +
        `annualReviewConflicts(year: ${CONFLICTS_YEAR}) as an analyst, at 1 connection only.`,
      '',
    );
  }
  out.push(
    `Each workload first warms the subgraphs through every target in turn (${PLAN.warmSeconds} s each at 8 connections, the conflicts report at 1), so that the order of targets favours none. ` +
      `Each run: warm-up ${PLAN.warmSeconds} s at 8 connections, then ${PLAN.c1Seconds} s at 1 connection and ${PLAN.saturatedSeconds} s at ${saturated}. ` +
      'Latency in ms from every response; SQL/req = statements the regional services sent (their Prometheus scrapes) ÷ requests; RSS in MiB before → after the run; ' +
      'CPU ms/req from /proc (user + system) of the gateway, the province, the three regions (each service with its tsx launcher process), the PostgreSQL backends of the bench databases and autocannon itself. ' +
      'The floor is the bz subgraph called directly with the `_entities` query a gateway sends it (one region, no gateway).',
    '',
  );
  for (const workload of SELECTED_WORKLOADS) {
    out.push(`## ${workload[0]!.toUpperCase()}${workload.slice(1)}`, '', measurementTable(measurements, workload), '');
    const hops = measurements.find((m) => m.workload === workload && m.hops)?.hops;
    if (hops) out.push(renderHops(hops), '');
  }
  out.push('## Answers compared with ours', '');
  out.push(
    `Before any load, the same ${PLAN.compareSample} requests of each workload (spread over its pool) went one by one to our gateway and to each peer, ` +
      'and the data of the answers was compared (object keys and the order of statistics groups normalised). A difference is reported here, not fixed up.',
    '',
  );
  out.push(
    table(
      ['workload', 'peer', 'compared', 'the same', 'different', 'first difference'],
      facts.comparisons.map((c) => [c.workload, c.target, String(c.compared), String(c.compared - c.differing), String(c.differing), c.example ? c.example.replaceAll('|', '\\|') : '–']),
    ),
    '',
  );
  out.push('## Ratios', '');
  const rows: string[][] = [];
  for (const workload of SELECTED_WORKLOADS.filter((w) => COMPARED_WORKLOADS.includes(w))) {
    for (const connections of [1, saturated]) {
      const ours = find(measurements, workload, 'our gateway', connections);
      const stock = find(measurements, workload, 'stock @apollo/gateway', connections);
      const hive = find(measurements, workload, 'Hive Gateway', connections);
      const floor = find(measurements, workload, 'floor (bz subgraph)', connections);
      const best = Math.max(stock?.throughput ?? 0, hive?.throughput ?? 0);
      rows.push([
        workload,
        String(connections),
        ratio(ours?.throughput, stock?.throughput),
        ratio(ours?.throughput, hive?.throughput),
        ratio(ours?.throughput, best > 0 ? best : undefined),
        ratio(ours?.p50, Math.min(stock?.p50 ?? Infinity, hive?.p50 ?? Infinity)),
        ratio(ours?.p50, floor?.p50),
      ]);
    }
  }
  out.push(
    table(['workload', 'conns', 'ours ÷ stock (req/s)', 'ours ÷ Hive (req/s)', 'ours ÷ best peer (req/s)', 'ours ÷ best peer (p50; < 1 is faster)', 'ours ÷ floor (p50)'], rows),
    '',
  );
  if (facts.startup) {
    out.push(
      '## `npm start` on the embedded default (built)',
      '',
      table(
        ['ready after', 'five services RSS', 'first check after "ready"', 'load average'],
        [[`${facts.startup.readySeconds.toFixed(1)} s`, `${facts.startup.totalRssMiB.toFixed(0)} MiB`, facts.startup.firstCheckComplete ? 'every region answered' : 'incomplete', facts.startup.load.toFixed(1)]],
      ),
      '',
    );
  }
  out.push('## Memory at start', '');
  out.push(table(['process', 'RSS MiB after start-up'], Object.entries(facts.startRss).map(([name, value]) => [name, mib(value)])), '');
  if (facts.memory) {
    const m = facts.memory;
    out.push(
      `## Gateway memory over ${m.total.toLocaleString('en')} duplicate checks`,
      '',
      `A freshly started gateway, ${saturated} connections, the duplicate-check mix, at most ${m.capSeconds} s (\`--memory-cap=<seconds>\` changes it).`,
      '',
      table(
        ['after start', `after ${m.first.toLocaleString('en')}`, 'at the end', 'requests reached', 'growth', 'failed'],
        [[
          mib(m.start),
          m.atFirst === null ? '–' : mib(m.atFirst),
          mib(m.atEnd),
          m.reached.toLocaleString('en'),
          m.atFirst === null ? '–' : `${((m.atEnd / m.atFirst - 1) * 100).toFixed(1)}%`,
          String(m.failures),
        ]],
      ),
      '',
    );
  }
  out.push('## Targets', '');
  out.push(
    table(
      ['target', 'result', 'figure'],
      facts.checks.map((check) => [check.target, check.met === null ? 'n/a' : check.met ? 'met' : '**missed**', check.detail]),
    ),
    '',
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const started = new Date();
  const loadBefore = os.loadavg()[0]!;
  const clock = performance.now();
  log(`${PLAN.mode} mode: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
  const postgres = await postgresVersion();
  let startup: StartupFacts | null = null;
  if (only === null && !profile) {
    try {
      startup = await measureStartup(log);
    } catch (error) {
      log(`npm start could not be measured: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const credentials = await benchCredentials();

  let hiveProblem: string | null = null;
  try {
    ensureHiveInstalled(log);
  } catch (error) {
    hiveProblem = `installing bench/package.json failed: ${error instanceof Error ? error.message : String(error)}`;
  }

  const dataset = await prepareDataset(
    { prefix: PLAN.prefix, seed: PLAN.seed, applications: PLAN.applications, years: PLAN.years },
    log,
  );
  const running: BenchProcess[] = [];
  let system: System | null = null;
  try {
    const sampleStarted = performance.now();
    const people = await peopleByRegion(dataset.urls);
    const sample = samplePeople(people, PLAN.sampleSize, PLAN.seed);
    log(`sampled people in ${((performance.now() - sampleStarted) / 1000).toFixed(1)} s: ${JSON.stringify(sampleSizes(sample))}`);
    if (SELECTED_WORKLOADS.includes('annual-review claim') && dataset.provinceUrl) {
      const { pairs, singles } = await claimCandidates(dataset, people, PLAN.sampleSize);
      claimContext = { requests: claimRequests(pairs, singles, credentials.portals), pairs: pairs.length, singles: singles.length, provinceUrl: dataset.provinceUrl, ledger: [] };
      log(`claim candidates: ${pairs.length} people in both bz and aks, ${singles.length} in one region`);
    }

    system = await startSubgraphs(dataset);
    const ours = await startOurGateway(system, profileFlags('gateway'));
    running.push(ours);
    const stockPort = await freePort();
    const stock = spawnTsx(
      'stock @apollo/gateway',
      stockPort,
      'bench/stock-gateway.ts',
      [String(stockPort), ...Object.entries(system.urls).map(([name, url]) => `${name}=${url}`)],
      // Off as Apollo documents it: otherwise stock @apollo/gateway probes cloud-metadata addresses and
      // exports telemetry to Apollo, and the benchmark (CI runs its smoke mode) must contact no one.
      { NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: 'true' },
    );
    running.push(stock);
    await waitForGraphQL(stock);

    let hive: BenchProcess | null = null;
    if (!hiveProblem) {
      const supergraph = withRealUrls(readFileSync(path.join(REPO_ROOT, 'schema', 'supergraph.graphql'), 'utf8'), system.urls);
      hive = spawnHiveGateway(supergraph, await freePort(), {});
      running.push(hive);
      try {
        await waitForGraphQL(hive);
      } catch (error) {
        hiveProblem = `Hive Gateway did not start: ${error instanceof Error ? error.message : String(error)}`;
        await hive.stop();
        hive = null;
      }
    }
    if (hiveProblem) log(hiveProblem);

    const targets: Target[] = [
      { name: 'our gateway', url: ours.url, process: ours, floor: false, authorization: credentials.client },
      { name: 'stock @apollo/gateway', url: stock.url, process: stock, floor: false, authorization: credentials.internal },
      hive
        ? { name: 'Hive Gateway', url: hive.url, process: hive, floor: false, authorization: credentials.internal }
        : { name: 'Hive Gateway', url: '', process: null, floor: false, authorization: credentials.internal, unavailable: hiveProblem ?? 'not started' },
      { name: 'floor (bz subgraph)', url: system.urls.bz!, process: null, floor: true, authorization: credentials.internal },
    ];
    const startRss: Record<string, number> = {
      'our gateway': rssMiB(ours),
      'stock @apollo/gateway': rssMiB(stock),
      ...(hive ? { 'Hive Gateway': rssMiB(hive) } : {}),
      ...Object.fromEntries(Object.entries(system.subgraphs).map(([name, service]) => [`${name} subgraph`, rssMiB(service)])),
    };

    // A profile is of our system alone: the peers' calls would be mixed into the subgraphs' profiles.
    if (profile) for (const target of targets.slice(1)) target.unavailable ??= 'not measured: --cpu-prof profiles our gateway alone';
    // Same answers first: a fast peer that answers differently is not a peer.
    const comparisons: Comparison[] = [];
    for (const workload of SELECTED_WORKLOADS.filter((name) => COMPARED_WORKLOADS.includes(name))) {
      for (const peer of targets.slice(1)) {
        if (peer.floor || peer.unavailable) continue;
        comparisons.push(await compareAnswers(targets[0]!, peer, workload, sample));
      }
    }
    const measurements: Measurement[] = [];
    for (const workload of SELECTED_WORKLOADS) {
      // The subgraphs' code is compiled by whichever target calls them first: warm them through
      // every target before measuring any, so that the order of targets favours none of them.
      // The claim and the conflicts report are the province's own: through our gateway only.
      const measured = CLAIM_WORKLOADS.includes(workload) ? targets.slice(0, 1) : targets;
      for (const target of measured) await warmUp(target, workload, sample);
      for (const target of measured) measurements.push(...(await measureTarget(system, target, workload, sample)));
    }
    // Only our gateway is measured from here on: the peers' memory must not weigh on it.
    for (const proc of running.splice(1)) await proc.stop();
    // Issue 15: the merged list's first and deep pages, and the dashboard's first render.
    const pages =
      only === null && !profile
        ? await measurePages({
            gatewayUrl: ours.url,
            analyst: credentials.client['analyst search'],
            dashboardToken: credentials.client['dashboard statistics'].replace(/^Bearer /, ''),
            seconds: PLAN.c1Seconds,
            renders: PLAN.mode === 'smoke' ? 2 : 5,
            log,
          })
        : null;
    if (profile) {
      await ours.stop();
      await system.stop();
      system = null;
      log('CPU profiles of our gateway and every subgraph written to bench/results/profiles/ (npm run bench:profile summarises them)');
    }

    const memory = PLAN.memory && only === null && system ? await memoryCheck(system, sample, PLAN.memory, credentials) : null;
    await system?.stop();
    system = null;
    const sizeCheck = PLAN.sizeCheck && only === null && !profile ? await statementsOnSmallData(PLAN.sizeCheck, credentials) : null;

    const partial = { started, loadBefore, postgres, hive: hive || !hiveProblem ? hiveVersion() : `not run: ${hiveProblem}`, dataset, sample, measurements, startRss, memory, sizeCheck, startup, comparisons };
    const facts: RunFacts = { ...partial, checks: targetChecks(partial), totalSeconds: (performance.now() - clock) / 1000 };
    const markdown = pages ? `${render(facts)}\n\n${renderPages(pages)}` : render(facts);
    console.log(markdown);
    const resultsDir = path.join(REPO_ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, smoke ? 'smoke.md' : only !== null || profile ? 'partial.md' : 'latest.md');
    writeFileSync(file, `${markdown}\n`);
    log(`written to ${path.relative(REPO_ROOT, file)} in ${facts.totalSeconds.toFixed(0)} s`);

    // Hive Gateway's own limits are reported in the tables, not counted as a broken harness.
    // Under --cpu-prof only our gateway is measured.
    const broken = measurements.filter(
      (m) => m.target !== 'Hive Gateway' && !(profile && m.target !== 'our gateway') && (!m.load || m.load.failures > 0),
    );
    for (const m of broken) log(`harness problem: ${m.workload} · ${m.target} · c=${m.connections}: ${m.problem ?? `${m.load?.failures} failed requests`}`);
    for (const problem of pages?.problems ?? []) log(`harness problem: ${problem}`);
    const pagesBroken = pages !== null && (pages.problems.length > 0 || [pages.filteredFirstPage, pages.firstPage, pages.deepPage].some((load) => load.failures > 0));
    return broken.length > 0 || pagesBroken || (memory?.failures ?? 0) > 0 ? 1 : 0;
  } finally {
    for (const proc of running) await proc.stop();
    await system?.stop();
    if (!PLAN.keepData) await dataset.drop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
