/**
 * Hive Gateway lives in the bench-only package bench/package.json (with the npm override
 * `@graphql-tools/delegate@12.2.1` it needs here), so the main install stays lean. Installed on
 * first use; started through its own CLI with default settings over a copy of the supergraph that
 * carries the real subgraph URLs, planning with Hive Router's Rust query planner.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, spawnProcess, type BenchProcess } from './processes.js';

const BENCH_DIR = path.join(REPO_ROOT, 'bench');
const HIVE_CLI = path.join(BENCH_DIR, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');

/** Installs bench/package.json's dependencies when Hive Gateway is missing. */
export function ensureHiveInstalled(log: (line: string) => void): void {
  if (existsSync(HIVE_CLI)) return;
  log('installing the bench-only packages (Hive Gateway) with npm ci --prefix bench …');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const command = existsSync(path.join(BENCH_DIR, 'package-lock.json')) ? 'ci' : 'install';
  execFileSync(npm, [command, '--prefix', BENCH_DIR, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (!existsSync(HIVE_CLI)) throw new Error(`npm ${command} --prefix bench finished but ${HIVE_CLI} is missing`);
}

export function hiveVersion(): string {
  try {
    const pkg = execFileSync(process.execPath, ['-p', 'require("./node_modules/@graphql-hive/gateway/package.json").version'], { cwd: BENCH_DIR });
    return pkg.toString().trim();
  } catch {
    return 'unknown';
  }
}

// Default settings but one: the client's Authorization header goes on to the subgraphs (Hive's
// documented propagateHeaders), because our subgraphs answer only requests carrying the gateway's token.
const CONFIG = (supergraphFile: string) => `export const gatewayConfig = {
  supergraph: ${JSON.stringify(supergraphFile)},
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
  },
};
`;

/** `hive-gateway supergraph -c <config> --port <port>`, default settings otherwise. */
export function spawnHiveGateway(supergraphSdl: string, port: number, env: Readonly<Record<string, string>>): BenchProcess {
  const dir = mkdtempSync(path.join(tmpdir(), 'xjzc-bench-hive-'));
  const file = path.join(dir, 'supergraph.graphql');
  writeFileSync(file, supergraphSdl);
  const config = path.join(dir, 'gateway.config.mjs');
  writeFileSync(config, CONFIG(file));
  return spawnProcess({
    name: 'Hive Gateway',
    port,
    args: [HIVE_CLI, 'supergraph', '-c', config, '--port', String(port), '--host', '127.0.0.1'],
    // Hive reads NODE_ENV; production is what a deployment runs. HIVE_ROUTER_RUNTIME switches its
    // query planning from the stitching runtime (which cannot plan this supergraph) to Hive
    // Router's Rust planner (@graphql-hive/router-runtime, in bench/package.json).
    env: { ...env, NODE_ENV: 'production', HIVE_ROUTER_RUNTIME: 'true' },
  });
}
