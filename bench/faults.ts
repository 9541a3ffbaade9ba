/**
 * `npm run faults`: the long runs of issue 17's faults, measured against its targets. The system
 * runs as production runs it (test/helpers/processSystem.ts: each service its own process,
 * NODE_ENV=production, the production defaults for deadlines and the circuit breaker, real
 * PostgreSQL), under the fault tests' load (test/helpers/checkLoad.ts: 16 portal checks in flight,
 * each answer judged, each answered lookup matched to its access-log row). Each fault is measured
 * beside a healthy window of the same run just before it, so the ratios hold on a shared machine
 * even where the absolute latencies do not.
 *
 * The portal rate limit is off (RATE_LIMIT_PORTAL=0), as in the fault tests: the load sends far
 * more than one portal's budget once a fault makes answers come back in milliseconds, and 429s
 * would be measured instead of the fault.
 *
 * Prints a markdown table of the figures against the targets and writes it to
 * bench/results/faults.md. Options: `--seconds N` (each window, default 10), `--out PATH`.
 * Deadlines and breaker settings can be changed as for the services, e.g.
 * `PORTAL_SUBGRAPH_TIMEOUT_MS=1000 npm run faults`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../platform/config.js';
import { CHECK_CASES, seedCheckCases } from '../test/fixtures/checkCases.js';
import {
  completeAgain,
  missingAccessLogEntries,
  percentile,
  startCheckLoad,
  summarize,
  type CheckLoad,
  type CheckOutcome,
  type LoadSummary,
} from '../test/helpers/checkLoad.js';
import { startProcessSystem, type ProcessSystem } from '../test/helpers/processSystem.js';
import { scrape, type Sample } from '../test/helpers/prometheus.js';
import { cpuMs, freePort, postgresCpuBetween, postgresCpuMs, REPO_ROOT } from './processes.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    out: { type: 'string', default: path.join(REPO_ROOT, 'bench/results/faults.md') },
    /** Some of access-log, hung, refusing, kill, restart (comma-separated); all by default. */
    only: { type: 'string' },
    /** The services restarted (SIGTERM) under load, in order. */
    restarts: { type: 'string' },
  },
});
const WINDOW_MS = Number(args.seconds) * 1000;
if (!Number.isFinite(WINDOW_MS) || WINDOW_MS < 1000) throw new TypeError(`--seconds must be a number of at least 1 (got ${args.seconds})`);
const CONCURRENCY = 16;
const KILLS = 3;
const RESTARTS: readonly string[] = (args.restarts ?? 'gateway,gateway,gateway,province,province,aks,bz').split(',');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const loadAverage = () => os.loadavg().map((value) => value.toFixed(2)).join(', ');
const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');
const percent = (value: number) => `${(value * 100).toFixed(value < 0.1 ? 2 : 1)}%`;
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

interface TargetRow {
  target: string;
  figure: string;
  bound: string;
  met: boolean;
  /** How far inside (met) or outside (missed) the bound, in words. */
  margin: string;
}

interface WindowRow {
  window: string;
  summary: LoadSummary;
  /** CPU per answered check, ms, by process (PostgreSQL: the backends of the system's databases). */
  cpu?: Record<string, number>;
  note?: string;
}

/** A target "at most `bound`": met or missed, and by how much. */
function atMost(target: string, value: number, bound: number, format: (value: number) => string, figure = format(value)): TargetRow {
  const met = value <= bound;
  return { target, figure, bound: `≤ ${format(bound)}`, met, margin: met ? `${format(bound - value)} to spare` : `over by ${format(value - bound)}` };
}

/** A target "at least `bound`". */
function atLeast(target: string, value: number, bound: number, format: (value: number) => string, figure = format(value)): TargetRow {
  const met = value >= bound;
  return { target, figure, bound: `≥ ${format(bound)}`, met, margin: met ? `${format(value - bound)} to spare` : `short by ${format(bound - value)}` };
}

/** The delta of a Prometheus histogram between two scrapes: cumulative counts per upper bound (seconds). */
function histogramDelta(before: Sample | undefined, after: Sample | undefined): { bounds: Array<[number, number]>; count: number; sum: number } {
  const buckets = (sample: Sample | undefined) => new Map(Object.entries(sample?.buckets ?? {}).map(([le, count]) => [Number(le), count]));
  const was = buckets(before);
  const bounds = [...buckets(after)]
    .map(([le, count]): [number, number] => [le, count - (was.get(le) ?? 0)])
    .filter(([le]) => Number.isFinite(le))
    .sort((a, b) => a[0] - b[0]);
  return { bounds, count: (after?.count ?? 0) - (before?.count ?? 0), sum: (after?.sum ?? 0) - (before?.sum ?? 0) };
}

/** A quantile of a histogram, interpolated within its bucket as Prometheus' histogram_quantile does. */
function histogramQuantile(histogram: ReturnType<typeof histogramDelta>, q: number): number {
  const rank = q * histogram.count;
  let lower = 0;
  let below = 0;
  for (const [le, cumulative] of histogram.bounds) {
    if (cumulative >= rank) return lower + ((le - lower) * (rank - below)) / Math.max(1, cumulative - below);
    lower = le;
    below = cumulative;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * Sets (or, with null, resets) synchronous_commit for the province's database and restarts the
 * province, so that every connection of its pool has the setting.
 */
async function setProvinceSynchronousCommit(system: ProcessSystem, value: 'off' | null): Promise<void> {
  const name = system.provinceDatabase.name;
  await system.provinceDatabase.sql.query(value ? `ALTER DATABASE "${name}" SET synchronous_commit = ${value}` : `ALTER DATABASE "${name}" RESET synchronous_commit`);
  system.signal('province', 'SIGTERM');
  await system.exited('province');
  await system.start('province');
}

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  log(`load average ${loadAtStart}; starting the system (each service its own process, NODE_ENV=production)`);
  const provinceMetricsPort = await freePort();
  const system = await startProcessSystem({
    env: { RATE_LIMIT_PORTAL: '0', PROVINCE_METRICS_PORT: String(provinceMetricsPort) },
    seed: seedCheckCases,
  });
  const provinceMetrics = `http://127.0.0.1:${provinceMetricsPort}/metrics`;
  // What every service was started with: the runner's environment, then the system's.
  const config = loadConfig({ ...process.env, ...system.env } as Record<string, string>);
  const portalDeadlineMs = config.portalSubgraphTimeoutMs;
  const token = await system.token({ role: 'portal', region: 'bz', subject: 'bz-clerk' });
  const load = (concurrency = CONCURRENCY) => startCheckLoad({ gatewayUrl: system.gatewayUrl, token, cases: CHECK_CASES, concurrency });

  const services = ['gateway', 'province', 'bz', 'aks', 'wlmq'];
  const databaseNames = [...Object.values(system.databases), system.provinceDatabase].map((database) => database.name);
  /** CPU used so far by each service and by the backends of the system's databases. */
  const cpuReading = () => ({
    at: new Map(services.map((name) => [name, cpuMs(system.process(name))])),
    postgres: new Map(databaseNames.flatMap((name) => [...postgresCpuMs(name)])),
  });
  /** CPU per answered check between two readings, ms, by process. */
  const cpuPerCheck = (from: ReturnType<typeof cpuReading>, to: ReturnType<typeof cpuReading>, answered: number): Record<string, number> => ({
    ...Object.fromEntries(services.map((name) => [name, (to.at.get(name)! - from.at.get(name)!) / Math.max(1, answered)])),
    postgres: postgresCpuBetween(from.postgres, to.postgres) / Math.max(1, answered),
  });

  const targets: TargetRow[] = [];
  const windows: WindowRow[] = [];
  const events: string[] = [];
  const everyOutcome: CheckOutcome[] = [];

  /** Stops a load and keeps its outcomes for the totals (fail-open, wrong). */
  const finish = async (running: ReturnType<typeof load>) => {
    const outcomes = await running.stop();
    everyOutcome.push(...outcomes);
    return outcomes;
  };

  const scenarios = new Set((args.only ?? 'access-log,hung,refusing,kill,restart').split(','));
  /** Runs a healthy window of the running load, returning its figures and CPU. */
  const healthyWindow = async (running: CheckLoad, name: string) => {
    const from = running.elapsed();
    const cpuFrom = cpuReading();
    await sleep(WINDOW_MS);
    const to = running.elapsed();
    return { from, to, cpuFrom, cpuTo: cpuReading(), name };
  };

  /**
   * Under load, signals a service, starts it again `awayMs` after it exited, and waits for a
   * complete answer; returns the outcomes and the answered lookups missing from the access log.
   */
  const signalUnderLoad = async (service: string, signal: NodeJS.Signals, awayMs = 0) => {
    const running = load();
    await sleep(2_000);
    const signalledAt = running.elapsed();
    system.signal(service, signal);
    const exit = await system.exited(service);
    const exitedAt = running.elapsed();
    await sleep(awayMs);
    await system.start(service);
    const recoveryMs = await completeAgain(running, running.elapsed(), 60_000);
    await sleep(500);
    const outcomes = await finish(running);
    const missing = await missingAccessLogEntries(outcomes, system.provinceDatabase.sql);
    const answered = outcomes.filter((outcome) => outcome.kind === 'answered').length;
    return { outcomes, signalledAt, exitedAt, exit, recoveryMs, missing, answered };
  };

  try {
    // The first seconds pay for query planning, JIT and the pools' first connections.
    log(`warming up for ${WINDOW_MS / 1000} s`);
    const warm = load();
    await sleep(WINDOW_MS);
    await finish(warm);

    if (scenarios.has('access-log')) {
      // The access log's cost at one check in flight: how long each lookup waited for its entry
      // to commit, read from the province's histogram; then the same with PostgreSQL not waiting
      // for the WAL flush (synchronous_commit off for the province's database only, for this
      // window), which separates the flush from the rest of the wait.
      for (const durable of [true, false]) {
        if (!durable) await setProvinceSynchronousCommit(system, 'off');
        log(`access-log cost: ${WINDOW_MS / 1000} s at 1 check in flight, synchronous_commit ${durable ? 'on' : 'off'}`);
        const before = await scrape(provinceMetrics);
        const cpuFrom = cpuReading();
        const single = load(1);
        await sleep(WINDOW_MS);
        const singleOutcomes = await finish(single);
        const cpuTo = cpuReading();
        const after = await scrape(provinceMetrics);
        if (!durable) await setProvinceSynchronousCommit(system, null);
        const wait = histogramDelta(before.samples('xjzc_access_log_wait_seconds')[0], after.samples('xjzc_access_log_wait_seconds')[0]);
        const withinOneMs = (wait.bounds.find(([le]) => le === 0.001)?.[1] ?? 0) / Math.max(1, wait.count);
        const waitP50 = histogramQuantile(wait, 0.5) * 1000;
        const single1 = summarize(singleOutcomes);
        const waitFigure = `${waitP50.toFixed(2)} ms (${percent(withinOneMs)} of ${wait.count} waits ≤ 1 ms; mean ${((wait.sum / Math.max(1, wait.count)) * 1000).toFixed(2)} ms)`;
        // Since access-log receipts the commit runs beside the region calls; what a check still
        // waits for is the confirmation in the province's last hop.
        const confirm = histogramDelta(before.samples('xjzc_access_log_confirm_wait_seconds')[0], after.samples('xjzc_access_log_confirm_wait_seconds')[0]);
        // No confirmation means no check deferred its entry: each then waited for the commit itself.
        const confirmP50 = confirm.count > 0 ? histogramQuantile(confirm, 0.5) * 1000 : waitP50;
        const confirmFigure =
          confirm.count > 0
            ? `${confirmP50.toFixed(2)} ms (mean ${((confirm.sum / confirm.count) * 1000).toFixed(2)} ms over ${confirm.count} checks; the commit itself, beside the region calls, took ${waitFigure})`
            : `${waitFigure}, in line: no check deferred its entry`;
        windows.push({
          window: `healthy, 1 check in flight, synchronous_commit ${durable ? 'on (durable, as shipped)' : 'off (baseline: no WAL flush)'}`,
          summary: single1,
          cpu: cpuPerCheck(cpuFrom, cpuTo, single1.answered),
          note: `access-log wait p50 ${waitFigure}; the check's wait for it after its own work p50 ${confirmP50.toFixed(2)} ms`,
        });
        if (durable) targets.push(atMost('Access-log: what a check waits for its entry, p50, 1 check in flight', confirmP50, 1, (value) => `${value.toFixed(2)} ms`, confirmFigure));
      }
    }

    if (scenarios.has('hung')) {
      // A hung region (SIGSTOP): healthy, then hung, measured once its circuit is open.
      log(`hung region: ${WINDOW_MS / 1000} s healthy, then aks stopped (SIGSTOP) for ${WINDOW_MS / 1000} s once its circuit is open`);
      const running = load();
      await sleep(2_000);
      const healthyRun = await healthyWindow(running, 'healthy, before aks hung');
      const stoppedAt = running.elapsed();
      system.signal('aks', 'SIGSTOP');
      await system.waitForCircuit('aks', 'open', 60_000);
      const openFrom = running.elapsed();
      const cpuFrom = cpuReading();
      await sleep(WINDOW_MS);
      const openUntil = running.elapsed();
      const cpuTo = cpuReading();
      system.signal('aks', 'SIGCONT');
      const recoveryMs = await completeAgain(running, running.elapsed(), 60_000);
      const outcomes = await finish(running);
      const healthy = summarize(outcomes, healthyRun.from, healthyRun.to, portalDeadlineMs);
      const opening = summarize(outcomes, stoppedAt, openFrom, portalDeadlineMs);
      const open = summarize(outcomes, openFrom, openUntil, portalDeadlineMs);
      const paid = Math.round(open.slowShare * open.total);
      windows.push(
        { window: healthyRun.name, summary: healthy, cpu: cpuPerCheck(healthyRun.cpuFrom, healthyRun.cpuTo, healthy.answered) },
        { window: 'aks hung, until its circuit opened', summary: opening, note: `${ms(openFrom - stoppedAt)} from SIGSTOP to open` },
        { window: 'aks hung, circuit open', summary: open, cpu: cpuPerCheck(cpuFrom, cpuTo, open.answered), note: `complete answers again ${ms(recoveryMs)} after SIGCONT` },
      );
      targets.push(
        atMost('Hung region, circuit open: portal checks p99', open.p99, 500, ms),
        atLeast('Hung region, circuit open: throughput vs healthy', open.throughput / healthy.throughput, 0.5, percent,
          `${percent(open.throughput / healthy.throughput)} (${open.throughput.toFixed(0)}/s vs ${healthy.throughput.toFixed(0)}/s)`),
        atMost(`Hung region, circuit open: checks that waited the full deadline (${portalDeadlineMs} ms)`, open.slowShare, 0.01, percent,
          `${percent(open.slowShare)} (${paid} of ${open.total})`),
      );
      events.push(`aks hung: circuit open ${ms(openFrom - stoppedAt)} after SIGSTOP; while it opened, ${Math.round(opening.slowShare * opening.total)} of ${opening.total} checks waited the full deadline; complete answers ${ms(recoveryMs)} after SIGCONT`);
    }

    if (scenarios.has('refusing')) {
      // A refusing database: healthy, then aks's database refusing connections (its open ones ended).
      log(`refusing database: ${WINDOW_MS / 1000} s healthy, then aks's database refusing for ${WINDOW_MS / 1000} s`);
      const running = load();
      await sleep(2_000);
      const healthyRun = await healthyWindow(running, 'healthy, before aks database refused');
      const refusingFrom = running.elapsed();
      const cpuFrom = cpuReading();
      await system.setConnectionsAllowed(system.databases.aks!, false);
      await sleep(WINDOW_MS);
      const refusingUntil = running.elapsed();
      const cpuTo = cpuReading();
      await system.setConnectionsAllowed(system.databases.aks!, true);
      const recoveryMs = await completeAgain(running, running.elapsed(), 60_000);
      const outcomes = await finish(running);
      const healthy = summarize(outcomes, healthyRun.from, healthyRun.to, portalDeadlineMs);
      const refusing = summarize(outcomes, refusingFrom, refusingUntil, portalDeadlineMs);
      windows.push(
        { window: healthyRun.name, summary: healthy, cpu: cpuPerCheck(healthyRun.cpuFrom, healthyRun.cpuTo, healthy.answered) },
        { window: 'aks database refusing', summary: refusing, cpu: cpuPerCheck(cpuFrom, cpuTo, refusing.answered), note: `complete answers again ${ms(recoveryMs)} after it accepted` },
      );
      targets.push(
        atLeast('Refusing database: throughput vs healthy', refusing.throughput / healthy.throughput, 0.7, percent,
          `${percent(refusing.throughput / healthy.throughput)} (${refusing.throughput.toFixed(0)}/s vs ${healthy.throughput.toFixed(0)}/s)`),
      );
    }

    if (scenarios.has('kill')) {
      // The province killed (kill -9) under load, and restarted.
      let missingUnderKill = 0;
      let answeredUnderKill = 0;
      for (let kill = 1; kill <= KILLS; kill++) {
        log(`province kill -9, ${kill} of ${KILLS}`);
        const { recoveryMs, missing, answered } = await signalUnderLoad('province', 'SIGKILL', 1_000);
        missingUnderKill += missing.length;
        answeredUnderKill += answered;
        events.push(`province kill -9 #${kill}: ${missing.length} of ${answered} answered lookups missing from the access log; complete answers ${ms(recoveryMs)} after its restart`);
      }
      targets.push(atMost(`Access-log entries missing, province kill -9 under load (${KILLS}×)`, missingUnderKill, 0, String, `${missingUnderKill} of ${answeredUnderKill} answered`));
    }

    if (scenarios.has('restart')) {
      // Restarts (SIGTERM, then start again) under load; for the gateway, the checks in flight.
      let missingUnderRestart = 0;
      let answeredUnderRestart = 0;
      let inFlightAtSigterm = 0;
      let inFlightLost = 0;
      let resetsUnderRestart = 0;
      for (const [index, service] of RESTARTS.entries()) {
        log(`restart (SIGTERM) of ${service}, ${index + 1} of ${RESTARTS.length}`);
        const { outcomes, signalledAt, exitedAt, exit, recoveryMs, missing, answered } = await signalUnderLoad(service, 'SIGTERM');
        missingUnderRestart += missing.length;
        answeredUnderRestart += answered;
        const resetOutcomes = outcomes.filter((outcome) => outcome.kind === 'reset');
        const resets = resetOutcomes.length;
        resetsUnderRestart += resets;
        // When the resets were sent, relative to the signal and the exit, and what the client saw.
        const resetDetail = resets === 0 ? '' :
          ` (${[...new Set(resetOutcomes.map((outcome) => outcome.error))].join(', ')}; sent ${ms(Math.min(...resetOutcomes.map((outcome) => outcome.sentAt)) - signalledAt)} to ` +
          `${ms(Math.max(...resetOutcomes.map((outcome) => outcome.sentAt)) - signalledAt)} after the signal, which it exited ${ms(exitedAt - signalledAt)} after)`;
        let inFlight = '';
        if (service === 'gateway') {
          // Sent before the signal and not yet answered: the requests the drain must finish.
          const sentBefore = outcomes.filter((outcome) => outcome.sentAt < signalledAt && outcome.sentAt + outcome.durationMs >= signalledAt);
          const lost = sentBefore.filter((outcome) => outcome.kind === 'refused' || outcome.kind === 'reset');
          inFlightAtSigterm += sentBefore.length;
          inFlightLost += lost.length;
          inFlight = `, ${lost.length} of ${sentBefore.length} checks in flight at the signal reset or refused`;
        }
        events.push(
          `${service} SIGTERM: exit ${exit.code ?? exit.signal} after ${ms(exitedAt - signalledAt)}${inFlight}, ${resets} connections reset${resetDetail}, ` +
            `${missing.length} of ${answered} answered lookups missing from the access log; complete answers ${ms(recoveryMs)} after its restart`,
        );
      }
      targets.push(
        atMost(`Access-log entries missing, SIGTERM restarts under load (${RESTARTS.length}×: ${RESTARTS.join(', ')})`, missingUnderRestart, 0, String, `${missingUnderRestart} of ${answeredUnderRestart} answered`),
        atMost(`Checks in flight at the gateway's SIGTERM reset or refused (${RESTARTS.filter((name) => name === 'gateway').length}×)`, inFlightLost, 0, String, `${inFlightLost} of ${inFlightAtSigterm}`),
        atMost('Connections reset during the SIGTERM restarts (client side)', resetsUnderRestart, 0, String),
      );
    }
    const failOpen = everyOutcome.filter((outcome) => outcome.failOpen).length;
    targets.push(
      atMost('Fail-open answers (CLEAR where it is not) over the whole run', failOpen, 0, String, `${failOpen} of ${everyOutcome.length} checks`),
      atMost('Wrong answers over the whole run', everyOutcome.filter((outcome) => outcome.wrong !== null).length, 0, String),
    );
  } finally {
    await system.stop();
  }

  const report = [
    `# Faults under load (\`npm run faults\`)`,
    '',
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} cores, load average ${loadAtStart} at the start and ${loadAverage()} at the end ` +
      `(1, 5, 15 min; other work shares the machine, so compare each fault with the healthy window of the same run).`,
    `Each service its own process, NODE_ENV=production; ${CONCURRENCY} portal checks in flight (1 for the access-log cost); windows of ${WINDOW_MS / 1000} s; ` +
      `RATE_LIMIT_PORTAL=0 (the load is far over one portal's budget). PORTAL_SUBGRAPH_TIMEOUT_MS=${portalDeadlineMs}, SUBGRAPH_TIMEOUT_MS=${config.subgraphTimeoutMs}, ` +
      `CIRCUIT_FAILURE_THRESHOLD=${config.circuitBreaker.failureThreshold}, CIRCUIT_WINDOW_MS=${config.circuitBreaker.windowMs}, CIRCUIT_OPEN_MS=${config.circuitBreaker.openMs}, ` +
      `DATABASE_POOL_MAX=${config.databasePool.max}, DATABASE_CONNECT_TIMEOUT_MS=${config.databasePool.connectionTimeoutMs}.`,
    '',
    '| Target | Measured | Bound | Met | Margin |',
    '|---|---|---|---|---|',
    ...targets.map((row) => `| ${row.target} | ${row.figure} | ${row.bound} | ${row.met ? 'met' : '**missed**'} | ${row.margin} |`),
    '',
    `| Window | Checks | Answered | Throughput | p50 | p99 | Waited the full deadline | Fail-open | Wrong | CPU ms per check (${[...services, 'postgres'].join(' / ')}) | Note |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...windows.map(
      ({ window, summary, cpu, note }) =>
        `| ${window} | ${summary.total} | ${summary.answered} | ${summary.throughput.toFixed(0)}/s | ${ms(summary.p50)} | ${ms(summary.p99)} | ` +
        `${Number.isFinite(summary.slowShare) ? percent(summary.slowShare) : 'n/a'} | ${summary.failOpen} | ${summary.wrong} | ` +
        `${cpu ? [...services, 'postgres'].map((name) => cpu[name]!.toFixed(2)).join(' / ') : ''} | ${note ?? ''} |`,
    ),
    '',
    ...events.map((event) => `- ${event}`),
    '',
    `Every check of the run: ${everyOutcome.length}, p50 ${ms(percentile(everyOutcome.map((outcome) => outcome.durationMs), 50))}.`,
    '',
  ].join('\n');
  mkdirSync(path.dirname(args.out!), { recursive: true });
  writeFileSync(args.out!, report);
  process.stdout.write(report);
  log(`written to ${path.relative(process.cwd(), args.out!)}`);
}

await main();
