/**
 * `npm start` on the embedded default (no database server), built and started as a user starts
 * it (`node dist/scripts/start.js`, here with NODE_ENV=production and its secrets): the five
 * services in one process, each on its own port; the portal databases prepared once into
 * EMBEDDED_DATA_DIR and opened from copies; the README's first example answered exactly as the
 * README shows it; SIGHUP reloads the gateway's supergraph and stops nothing; SIGTERM and SIGINT
 * stop everything with exit code 0, leaving no copy behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/processes.js';
import { REGIONS } from '../../domain/regions.js';
import { mintDevelopmentToken } from '../../gateway/developmentToken.js';
import { loadConfig } from '../../platform/config.js';
import { PRODUCTION_SECRETS, SERVICES } from '../helpers/processSystem.js';
import { scrape } from '../helpers/prometheus.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The README's first example: its query (from the curl line) and the answer it prints. */
function readmeFirstExample(): { query: string; answer: unknown } {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A real query and its real answer'));
  const body = /-d '(\{"query".*\})'/.exec(section)![1]!;
  const answer = /```json\n([\s\S]*?)\n```/.exec(section)![1]!;
  return { query: (JSON.parse(body) as { query: string }).query, answer: JSON.parse(answer) };
}

interface Started {
  child: ChildProcess;
  output(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/scripts/start.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output += chunk.toString('utf8'));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (/^ready\b/m.test(output)) {
        clearInterval(poll);
        resolve({ child, output: () => output, exit });
      }
    }, 50);
    void exit.then(({ code, signal }) => {
      clearInterval(poll);
      reject(new Error(`npm start exited (${signal ?? code}) before ready:\n${output.slice(-3000)}`));
    });
  });
}

/** Child processes of `pid` (every thread's), from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
  );
}

describe('npm start on the embedded default', () => {
  let workDir = '';
  const env: Record<string, string> = {};
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'xjzc-embedded-start-'));
    // No database server: every *_DATABASE_URL unset.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/DATABASE_URL$|^VITEST|^NODE_OPTIONS$/.test(name)));
    Object.assign(env, inherited, PRODUCTION_SECRETS, {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      EMBEDDED_DATA_DIR: path.join(workDir, 'embedded'),
      PROVINCE_DATA_DIR: path.join(workDir, 'province'),
    });
    for (const name of SERVICES) {
      ports[name] = await freePort();
      env[name === 'gateway' ? 'PORT' : `${name.toUpperCase()}_PORT`] = String(ports[name]);
      env[name === 'gateway' ? 'METRICS_PORT' : `${name.toUpperCase()}_METRICS_PORT`] = String(await freePort());
    }
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'ignore' });
  }, 120_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const askReadmeQuestion = async () => {
    const { query } = readmeFirstExample();
    const token = await mintDevelopmentToken(loadConfig(env).auth, { role: 'portal', region: 'bz', subject: 'embedded-start-test', expiresIn: '5m' });
    const response = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return response.json();
  };
  const copiesLeft = () => readdirSync(env.EMBEDDED_DATA_DIR!).filter((entry) => entry.startsWith('run-') || entry.startsWith('.building-'));

  it('prepares the databases on the first start, runs every service in one process, answers the README, and stops on SIGTERM', async () => {
    const system = await start(env);
    try {
      expect(childrenOf(system.child.pid!)).toEqual([]);
      for (const name of SERVICES) {
        const ready = await fetch(`http://127.0.0.1:${ports[name]}/ready`);
        expect({ name, status: ready.status }).toEqual({ name, status: 200 });
      }
      expect(await askReadmeQuestion()).toEqual(readmeFirstExample().answer);
      for (const region of REGIONS) {
        expect(readdirSync(env.EMBEDDED_DATA_DIR!).some((entry) => entry.startsWith(`${region.code}-`))).toBe(true);
      }
      expect(system.output()).toMatch(/embedded database prepared/);
      expect(copiesLeft()).toHaveLength(REGIONS.length);
    } finally {
      system.child.kill('SIGTERM');
    }
    expect(await system.exit).toEqual({ code: 0, signal: null });
    expect(system.output()).toMatch(/gateway stopped/);
    expect(copiesLeft()).toEqual([]);
    expect(existsSync(path.join(env.PROVINCE_DATA_DIR!, 'PG_VERSION'))).toBe(true);
  }, 240_000);

  it('opens copies of the prepared databases on the next start, with the same answer, reloads on SIGHUP and stops on SIGINT', async () => {
    const system = await start(env);
    try {
      const opened = system.output().match(/opened from a copy of its prepared data/g) ?? [];
      expect(opened).toHaveLength(REGIONS.length);
      expect(system.output()).not.toMatch(/embedded database prepared/);
      expect(await askReadmeQuestion()).toEqual(readmeFirstExample().answer);
      // SIGHUP reloads the gateway's supergraph (the same file: unchanged) and stops nothing.
      system.child.kill('SIGHUP');
      const reloads = async () => (await scrape(`http://127.0.0.1:${env.METRICS_PORT}/metrics`)).sum('xjzc_supergraph_reloads_total', { outcome: 'unchanged' });
      await expect.poll(reloads, { timeout: 15_000 }).toBe(1);
      expect(system.child.exitCode).toBeNull();
      expect(await askReadmeQuestion()).toEqual(readmeFirstExample().answer);
    } finally {
      system.child.kill('SIGINT');
    }
    expect(await system.exit).toEqual({ code: 0, signal: null });
    expect(copiesLeft()).toEqual([]);
  }, 240_000);
});
