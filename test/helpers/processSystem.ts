/**
 * The whole system as production runs it: each service its own process (`node --import tsx
 * scripts/serve.ts <name>`, NODE_ENV=production with every required secret), on real PostgreSQL
 * test databases. A fault test can signal any one process (SIGTERM, SIGKILL, SIGSTOP), restart it
 * on the same port, and make a database refuse connections. With `replicas`, the province and the
 * gateway run as that many processes each (`province-2`, `gateway-2`, …; gateway i calls province
 * i), over the one province database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnProcess, type BenchProcess } from '../../bench/processes.js';
import { REGIONS } from '../../domain/regions.js';
import { mintDevelopmentToken } from '../../gateway/developmentToken.js';
import type { Role } from '../../platform/auth.js';
import { loadConfig } from '../../platform/config.js';
import { createTestDatabase, setConnectionsAllowed, type TestDatabase } from './database.js';

/** Production refuses to start without these (platform/config.ts); test values, 32+ characters. */
export const PRODUCTION_SECRETS = {
  IDENTITY_SECRET: 'fault-test-identity-secret-0123456789',
  AUTH_JWT_SECRET: 'fault-test-client-token-secret-0123456789',
  AUTH_JWT_ISSUER: 'xjzc-fault-tests',
  INTERNAL_TOKEN_SECRET: 'fault-test-internal-token-secret-0123456789',
} as const;

export const SERVICES = ['province', ...REGIONS.map((region) => region.code), 'gateway'] as const;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessSystem {
  gatewayUrl: string;
  /** Every gateway process's URL, the first being `gatewayUrl`. */
  gatewayUrls: string[];
  /** The environment every service was started with. */
  env: Record<string, string>;
  databases: Record<string, TestDatabase>;
  provinceDatabase: TestDatabase;
  /** Folder of the services' log files. */
  logDir: string;
  /** The running process of a service. */
  process(name: string): BenchProcess;
  /** Starts (or restarts) a service on its port, with extra environment, and waits until its /ready says ready. */
  start(name: string, env?: Record<string, string>): Promise<BenchProcess>;
  /** Sends a signal to a service's process. */
  signal(name: string, signal: NodeJS.Signals): void;
  /** Resolves when the service's process has exited. */
  exited(name: string): Promise<ExitStatus>;
  /** A client token of the test configuration. */
  token(caller: { role: Role; region?: string; subject?: string }): Promise<string>;
  /** The state of a subgraph's circuit in the gateway's /ready (`closed`, `open`, `half-open`). */
  circuit(subgraph: string): Promise<string | undefined>;
  /** Waits until a subgraph's circuit is in `state`, or fails after `timeoutMs`. */
  waitForCircuit(subgraph: string, state: string, timeoutMs?: number): Promise<void>;
  /** Makes a database refuse new connections (and ends its open ones), or accept them again. */
  setConnectionsAllowed(database: TestDatabase, allowed: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** Waits until the service says it is ready (listening, warm, its database answering). */
async function waitForReady(proc: BenchProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ready = proc.url.replace(/\/graphql$/, '/ready');
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`${proc.name} exited (${proc.child.signalCode ?? proc.child.exitCode}):\n${proc.output()}`);
    }
    try {
      const response = await fetch(ready, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${proc.name} was not ready within ${timeoutMs} ms:\n${proc.output()}`);
}

export async function startProcessSystem(options: {
  seed?: (databases: Record<string, TestDatabase>) => Promise<void>;
  env?: Record<string, string>;
  /** Processes of the province and of the gateway each. @default 1 */
  replicas?: number;
} = {}): Promise<ProcessSystem> {
  const replicas = options.replicas ?? 1;
  const copies = (name: string) => Array.from({ length: replicas }, (_, index) => (index === 0 ? name : `${name}-${index + 1}`));
  const subgraphInstances = [...copies('province'), ...REGIONS.map((region) => region.code)];
  const gatewayInstances = copies('gateway');
  /** The service an instance runs: `province-2` runs `province`. */
  const serviceOf = (instance: string) => instance.replace(/-\d+$/, '');
  const databases: Record<string, TestDatabase> = {};
  for (const region of REGIONS) databases[region.code] = await createTestDatabase(region.code);
  const provinceDatabase = await createTestDatabase('province');
  await options.seed?.(databases);
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'xjzc-faults-'));

  const ports: Record<string, number> = {};
  for (const name of [...subgraphInstances, ...gatewayInstances]) ports[name] = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    ...PRODUCTION_SECRETS,
    LOG_LEVEL: 'info',
    PORT: String(ports.gateway),
    // Prometheus listeners on any free port: several systems may run at once.
    METRICS_PORT: '0',
    ...Object.fromEntries(SERVICES.filter((name) => name !== 'gateway').map((name) => [`${name.toUpperCase()}_METRICS_PORT`, '0'])),
    ...Object.fromEntries(SERVICES.filter((name) => name !== 'gateway').map((name) => [`${name.toUpperCase()}_PORT`, String(ports[name])])),
    ...Object.fromEntries(REGIONS.map((region) => [`${region.code.toUpperCase()}_DATABASE_URL`, databases[region.code]!.url])),
    PROVINCE_DATABASE_URL: provinceDatabase.url,
    ...options.env,
  };
  const config = loadConfig(env);
  /** A replica's own port, and a gateway replica's own province. */
  const instanceEnv = (instance: string): Record<string, string> => {
    const replica = /-(\d+)$/.exec(instance)?.[1];
    if (!replica) return {};
    if (serviceOf(instance) === 'province') return { PROVINCE_PORT: String(ports[instance]) };
    return { PORT: String(ports[instance]), PROVINCE_SUBGRAPH_URL: `http://127.0.0.1:${ports[`province-${replica}`]}/graphql` };
  };
  const processes = new Map<string, BenchProcess>();
  const exits = new Map<string, Promise<ExitStatus>>();

  const start = async (name: string, extra: Record<string, string> = {}): Promise<BenchProcess> => {
    const running = processes.get(name);
    if (running && running.child.exitCode === null && running.child.signalCode === null) throw new Error(`${name} is still running`);
    // The service itself, not the tsx CLI (which would run it in a second process): a signal
    // must reach the process that serves.
    const proc = spawnProcess({
      name,
      port: ports[name]!,
      args: ['--import', 'tsx', 'scripts/serve.ts', serviceOf(name)],
      env: { ...env, ...instanceEnv(name), LOG_FILE: path.join(logDir, `${name}.log`), ...extra },
    });
    processes.set(name, proc);
    exits.set(name, new Promise((resolve) => proc.child.once('exit', (code, signal) => resolve({ code, signal }))));
    await waitForReady(proc);
    return proc;
  };

  const system: ProcessSystem = {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}/graphql`,
    gatewayUrls: gatewayInstances.map((name) => `http://127.0.0.1:${ports[name]}/graphql`),
    env,
    databases,
    provinceDatabase,
    logDir,
    process(name) {
      const proc = processes.get(name);
      if (!proc) throw new Error(`${name} was never started`);
      return proc;
    },
    start,
    signal(name, signal) {
      system.process(name).child.kill(signal);
    },
    exited: (name) => exits.get(name) ?? Promise.reject(new Error(`${name} was never started`)),
    token: (caller) => mintDevelopmentToken(config.auth, { ...caller, expiresIn: '1h' }),
    async circuit(subgraph) {
      const response = await fetch(system.gatewayUrl.replace(/\/graphql$/, '/ready'));
      const report = (await response.json()) as { checks?: Record<string, string> };
      return report.checks?.[`circuit:${subgraph}`];
    },
    async waitForCircuit(subgraph, state, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if ((await system.circuit(subgraph)) === state) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`circuit of ${subgraph} not ${state} within ${timeoutMs} ms`);
    },
    setConnectionsAllowed,
    async stop() {
      for (const proc of processes.values()) {
        // A stopped (SIGSTOP) process would ignore SIGTERM until continued.
        proc.child.kill('SIGCONT');
        await proc.stop();
      }
      processes.clear();
      for (const database of [...Object.values(databases), provinceDatabase]) {
        await setConnectionsAllowed(database, true).catch(() => undefined);
        await database.drop();
      }
      rmSync(logDir, { recursive: true, force: true });
    },
  };
  try {
    // The subgraphs first (in parallel), then the gateways.
    await Promise.all(subgraphInstances.map((name) => start(name)));
    await Promise.all(gatewayInstances.map((name) => start(name)));
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}
