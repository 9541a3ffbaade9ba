/**
 * The processes a benchmark runs: each service in its own process (as `npm start` runs them), the
 * stock Apollo gateway and Hive Gateway beside ours. Memory is read from /proc, statement counts
 * from the regional services' Prometheus scrapes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { scrape } from '../test/helpers/prometheus.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));

export interface BenchProcess {
  name: string;
  /** GraphQL endpoint. */
  url: string;
  /** Prometheus endpoint of the project's own services. */
  metricsUrl?: string;
  port: number;
  child: ChildProcess;
  /** Last lines the process wrote to stderr/stdout, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface SpawnOptions {
  name: string;
  port: number;
  /** The command after `node`: a script and its arguments. */
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  /** Path of the GraphQL endpoint. @default '/graphql' */
  path?: string;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: readonly string[];
}

export function spawnProcess(options: SpawnOptions): BenchProcess {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...options.args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString('utf8'));
    if (tail.length > 40) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name: options.name,
    port: options.port,
    url: `http://127.0.0.1:${options.port}${options.path ?? '/graphql'}`,
    child,
    output: () => tail.join('').slice(-4000),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/**
 * One of the project's services (`scripts/serve.ts <name>`), exactly as `npm start` runs it: the
 * tsx CLI, which runs the service in a child process. With node flags (e.g. --cpu-prof), tsx is
 * loaded in-process instead (`node --import tsx`), so that the flags reach the service itself.
 */
export async function spawnService(name: string, port: number, env: Readonly<Record<string, string>>, nodeFlags?: readonly string[]): Promise<BenchProcess> {
  // Its Prometheus listener on a free port too: the defaults (9400…) may be taken by another run.
  const metricsPort = await freePort();
  const withMetrics = { ...env, [name === 'gateway' ? 'METRICS_PORT' : `${name.toUpperCase()}_METRICS_PORT`]: String(metricsPort) };
  const args = nodeFlags ? ['--import', 'tsx', 'scripts/serve.ts', name] : [TSX, 'scripts/serve.ts', name];
  return {
    ...spawnProcess({ name, port, args, env: withMetrics, ...(nodeFlags ? { nodeFlags } : {}) }),
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
  };
}

/** A TypeScript file of the bench run through tsx, e.g. the stock gateway. */
export function spawnTsx(name: string, port: number, script: string, scriptArgs: readonly string[], env: Readonly<Record<string, string>>): BenchProcess {
  return spawnProcess({ name, port, args: [TSX, script, ...scriptArgs], env });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the endpoint answers `{ __typename }` with 200 (or 401: it is up, and wants a
 * token), or fails with the process's output.
 */
export async function waitForGraphQL(proc: BenchProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited with code ${proc.child.exitCode}:\n${proc.output()}`);
    try {
      const response = await fetch(proc.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(2_000),
      });
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${proc.name} did not answer within ${timeoutMs} ms:\n${proc.output()}`);
}

/**
 * A service on a port of its own, answering GraphQL: `start` is given a free port and spawns the
 * service on it. A port found free can be taken by another process before the service binds it
 * (test files run in parallel); then the service exits with EADDRINUSE, and it is started again on
 * another port, up to `tries` times.
 */
export async function spawnListening(start: (port: number) => Promise<BenchProcess>, timeoutMs = 180_000, tries = 3): Promise<BenchProcess> {
  for (let attempt = 1; ; attempt++) {
    const proc = await start(await freePort());
    try {
      await waitForGraphQL(proc, timeoutMs);
      return proc;
    } catch (error) {
      await proc.stop();
      if (attempt >= tries || !proc.output().includes('EADDRINUSE')) throw error;
    }
  }
}

/**
 * Waits until one of the project's services says it is ready (GET /ready 200: database answered,
 * first query paths warm; the gateway: every subgraph reached), or fails with its output.
 */
export async function waitForReady(proc: BenchProcess, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const readyUrl = proc.url.replace(/\/graphql$/, '/ready');
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited with code ${proc.child.exitCode}:\n${proc.output()}`);
    try {
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${proc.name} was not ready within ${timeoutMs} ms:\n${proc.output()}`);
}

function childrenOf(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return tasks === '' ? [] : tasks.split(/\s+/).map(Number);
  } catch {
    return [];
  }
}

function rssKiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of a process and all its descendants (Hive Gateway may fork workers), MiB. */
export function rssMiB(proc: BenchProcess): number {
  const pid = proc.child.pid;
  if (pid === undefined) return 0;
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const next = pending.pop()!;
    total += rssKiB(next);
    pending.push(...childrenOf(next));
  }
  return total / 1024;
}

/** SQL statements the regional services sent so far, from their Prometheus scrapes (`xjzc_sql_statements_total`). */
export async function sqlStatements(regional: readonly BenchProcess[]): Promise<number> {
  let total = 0;
  for (const service of regional) {
    if (!service.metricsUrl) throw new Error(`${service.name} was started without a metrics port`);
    const scraped = await scrape(service.metricsUrl);
    total += scraped.sum('xjzc_sql_statements_total');
  }
  return total;
}

const TICKS_PER_SECOND = 100;

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** CPU time (user + system) a process and its descendants used so far, ms. */
export function cpuMs(proc: BenchProcess): number {
  const pid = proc.child.pid;
  if (pid === undefined) return 0;
  let ticks = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const next = pending.pop()!;
    ticks += cpuTicks(next);
    pending.push(...childrenOf(next));
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU time so far of each PostgreSQL backend serving a database whose name starts with `prefix`,
 * ms by pid. Other sessions on the same server (other people's tests) are left out.
 */
export function postgresCpuMs(prefix: string): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(` ${prefix}`)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(Number(entry), ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND);
    } catch {
      // The process ended while we read it.
    }
  }
  return byPid;
}

/**
 * CPU the backends used between two readings, ms. A backend that ended in between (a pool closing
 * an idle connection) takes its time with it: an undercount, never a negative figure.
 */
export function postgresCpuBetween(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
