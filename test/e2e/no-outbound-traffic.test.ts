/**
 * The system contacts no host outside its configuration (issue 11, item 2). The whole system is
 * started the way production starts it (`scripts/start.ts`, NODE_ENV=production, one process per
 * service) under `strace -f`, which records every connect/sendto/sendmsg of every process and
 * thread. After a few real queries, every address a socket was pointed at must be a loopback port
 * of a configured service or of the configured PostgreSQL server, or a unix socket. A DNS lookup
 * (port 53) or a cloud-metadata probe (169.254.169.254, 100.100.100.200) fails it.
 *
 * The environment also carries what would switch Apollo's reporting on (APOLLO_KEY, a graph ref,
 * APOLLO_SCHEMA_REPORTING=true, APOLLO_TELEMETRY_DISABLED=false): the code must keep it off anyway.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGIONS } from '../../domain/regions.js';
import { mintDevelopmentToken } from '../../gateway/developmentToken.js';
import type { Role } from '../../platform/auth.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVICES = ['gateway', 'province', ...REGIONS.map((region) => region.code)];
const SECRETS = {
  AUTH_JWT_SECRET: 'outbound-test-client-token-secret-0123456789',
  AUTH_JWT_ISSUER: 'outbound-test-issuer',
  INTERNAL_TOKEN_SECRET: 'outbound-test-internal-token-secret-0123456789',
  IDENTITY_SECRET: 'outbound-test-identity-secret-0123456789abcdef',
};

/** One line of strace's output that points a socket at an address. */
interface Attempt {
  line: string;
  family: string;
  address?: string;
  port?: number;
}

/** Addresses in connect/sendto/sendmsg/sendmmsg lines of an strace -f log. */
export function socketAttempts(log: string): Attempt[] {
  const attempts: Attempt[] = [];
  for (const line of log.split('\n')) {
    if (!/\b(connect|sendto|sendmsg|sendmmsg)\(/.test(line)) continue;
    for (const match of line.matchAll(/sa_family=(AF_[A-Z0-9]+)([^}]*)\}/g)) {
      const [, family, rest] = match as unknown as [string, string, string];
      const port = /sin6?_port=htons\((\d+)\)/.exec(rest)?.[1];
      const address = /inet_addr\("([^"]+)"\)/.exec(rest)?.[1] ?? /inet_pton\(AF_INET6, "([^"]+)"/.exec(rest)?.[1] ?? /sun_path=(@?"[^"]*")/.exec(rest)?.[1];
      attempts.push({ line: line.trim(), family, ...(address ? { address } : {}), ...(port ? { port: Number(port) } : {}) });
    }
  }
  return attempts;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Why an attempt is outside the configuration, or null when it is allowed. */
export function violation(attempt: Attempt, allowed: { loopbackPorts: Set<number>; hosts: Map<string, Set<number>> }): string | null {
  switch (attempt.family) {
    case 'AF_UNSPEC': // disconnects a datagram socket
    case 'AF_NETLINK': // the kernel itself (interface lists)
      return null;
    case 'AF_UNIX':
      // glibc asks nscd before a DNS lookup: that is a lookup attempt too.
      return attempt.address?.includes('nscd') ? `a name-service lookup through ${attempt.address}` : null;
    case 'AF_INET':
    case 'AF_INET6': {
      const { address = '?', port = -1 } = attempt;
      if (port === 53) return `a DNS query to ${address}:53`;
      if (LOOPBACK.has(address) && allowed.loopbackPorts.has(port)) return null;
      if (allowed.hosts.get(address)?.has(port)) return null;
      return `a connection to ${address}:${port}, which is not configured`;
    }
    default:
      return `a socket of family ${attempt.family}`;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, deadlineMs: number, failed: () => boolean): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (failed()) throw new Error('a service exited while starting');
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} was not ready in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The process strace started (scripts/start.ts), from strace's /proc children. */
function tracedChild(stracePid: number): number | undefined {
  try {
    for (const task of readdirSync(`/proc/${stracePid}/task`)) {
      const children = readFileSync(`/proc/${stracePid}/task/${task}/children`, 'utf8').trim();
      if (children) return Number(children.split(' ')[0]);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

const straceAvailable = spawnSync('strace', ['-V']).status === 0;

describe('no outbound traffic from the running system', () => {
  let databases: TestDatabase[] = [];
  let strace: ChildProcess | undefined;
  let straceExit: Promise<void> = Promise.resolve();
  let workDir = '';
  let traceFile = '';
  let stderr = '';
  const ports: Record<string, number> = {};
  const allowedHosts = new Map<string, Set<number>>();

  beforeAll(async () => {
    // A missing strace is a broken test machine, not a pass: .ci/run installs it.
    if (!straceAvailable) throw new Error('strace is needed for this test (apt-get install strace); .ci/run installs it');
    for (const name of SERVICES) ports[name] = await freePort();
    const env: Record<string, string> = {};
    for (const region of REGIONS) {
      const database = await createTestDatabase(region.code);
      databases.push(database);
      env[`${region.code.toUpperCase()}_DATABASE_URL`] = database.url;
    }
    const province = await createTestDatabase('province');
    databases.push(province);
    env.PROVINCE_DATABASE_URL = province.url;
    // The configured PostgreSQL server, by every address its host name stands for.
    const databaseUrl = new URL(province.url);
    for (const { address } of await lookup(databaseUrl.hostname, { all: true })) {
      allowedHosts.set(address, new Set([Number(databaseUrl.port || 5432)]));
    }

    workDir = mkdtempSync(path.join(tmpdir(), 'xjzc-outbound-'));
    traceFile = path.join(workDir, 'trace.log');
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(APOLLO_|NODE_OPTIONS$|VITEST)/.test(name)));
    strace = spawn(
      'strace',
      ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=connect,sendto,sendmsg,sendmmsg', '-e', 'signal=none', '-o', traceFile,
        process.execPath, path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'scripts/start.ts')],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...inherited,
          ...env,
          ...SECRETS,
          NODE_ENV: 'production',
          LOG_LEVEL: 'warn',
          PORT: String(ports.gateway),
          // Prometheus listeners on ports of their own, chosen by the system: nothing connects to them here.
          ...Object.fromEntries(SERVICES.map((name) => [name === 'gateway' ? 'METRICS_PORT' : `${name.toUpperCase()}_METRICS_PORT`, '0'])),
          ...Object.fromEntries(SERVICES.filter((name) => name !== 'gateway').map((name) => [`${name.toUpperCase()}_PORT`, String(ports[name])])),
          // What would switch Apollo's reporting on, were it left to the environment.
          APOLLO_KEY: 'service:xjzc-outbound-test:0123456789abcdef',
          APOLLO_GRAPH_REF: 'xjzc-outbound-test@current',
          APOLLO_SCHEMA_REPORTING: 'true',
          APOLLO_TELEMETRY_DISABLED: 'false',
        },
      },
    );
    strace.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    straceExit = new Promise((resolve) => strace!.once('exit', () => resolve()));
    try {
      for (const name of SERVICES) await waitUntilReady(`http://127.0.0.1:${ports[name]}/ready`, 120_000, () => /exited \(/.test(stderr));
    } catch (error) {
      throw new Error(`${(error as Error).message}; outside the configuration: ${JSON.stringify(violations(), null, 1)}; the services said: ${stderr}`);
    }
  }, 180_000);

  afterAll(async () => {
    const pid = strace?.pid !== undefined ? tracedChild(strace.pid) : undefined;
    if (pid) process.kill(pid, 'SIGTERM');
    await Promise.race([straceExit, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (strace && strace.exitCode === null) strace.kill('SIGKILL');
    for (const database of databases) await database.drop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  /** Every traced attempt outside the configuration, with strace's line. */
  function violations(): string[] {
    const allowed = { loopbackPorts: new Set([...Object.values(ports), ...[...allowedHosts.values()].flatMap((set) => [...set])]), hosts: allowedHosts };
    return socketAttempts(readFileSync(traceFile, 'utf8')).flatMap((attempt) => {
      const why = violation(attempt, allowed);
      return why ? [`${why}: ${attempt.line}`] : [];
    });
  }

  const token = (role: Role, region?: string) =>
    mintDevelopmentToken(
      { verification: { kind: 'secret', secret: SECRETS.AUTH_JWT_SECRET }, issuer: SECRETS.AUTH_JWT_ISSUER, audience: 'xjzc-gateway' },
      { role, ...(region ? { region } : {}), subject: `outbound-${role}`, expiresIn: '10m' },
    );

  async function query(role: Role, body: string, region?: string): Promise<unknown> {
    const response = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(role, region)}` },
      body,
    });
    expect(response.status).toBe(200);
    return response.json();
  }

  it('serves queries, has no landing page, and never points a socket outside its configuration', async () => {
    const lookupAnswer = await query(
      'portal',
      JSON.stringify({ query: '{ person(idNumber: "11010519491231002X") { idNumberMasked records { region found } annualReview(year: 2024) { verdict complete } } }' }),
      'bz',
    );
    expect(JSON.stringify(lookupAnswer)).toContain('"verdict":"CLEAR"');
    await query('analyst', JSON.stringify({ query: '{ regions { code applications(first: 5) { edges { node { id } } } } }' }));
    await query('dashboard', JSON.stringify({ query: '{ regions { code statistics(year: 2024, groupBy: [LEVEL]) { level count } } }' }));

    // GET /graphql in a browser: sent to our own workbench, not to a page that pulls scripts or
    // fonts from Apollo's CDN or Google; every script and style of it comes from our origin.
    const opened = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(opened.status).toBe(302);
    expect(opened.headers.get('location')).toBe('/workbench');
    const pageText = await (await fetch(`http://127.0.0.1:${ports.gateway}/workbench`)).text();
    expect(pageText).not.toMatch(/apollographql\.com|googleapis|gstatic/i);
    expect([...pageText.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]).filter((url) => !url!.startsWith('/') && !url!.startsWith('data:'))).toEqual([]);

    // Detectors and exporters start asynchronously: give them time to try.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    // The trace saw the system's own traffic: the gateway calling its subgraphs.
    const attempts = socketAttempts(readFileSync(traceFile, 'utf8'));
    expect(attempts.some((attempt) => attempt.port === ports.bz), `no connection to bz was traced; strace said: ${stderr}`).toBe(true);
    expect(violations()).toEqual([]);
  }, 60_000);
});

describe('the strace reader', () => {
  const allowed = { loopbackPorts: new Set([4000, 5432]), hosts: new Map<string, Set<number>>() };
  it.each([
    ['a cloud-metadata probe', '123 connect(27, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("169.254.169.254")}, 16) = -1 EINPROGRESS', /169\.254\.169\.254:80/],
    ['a DNS query', '123 connect(27, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0', /DNS/],
    ['an unconfigured loopback port', '123 connect(27, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0', /127\.0\.0\.1:8080/],
    ['an IPv6 host', '123 sendto(27, "x", 1, 0, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2606:4700::1", &sin6_addr), sin6_scope_id=0}, 28) = 1', /2606:4700::1:443/],
    ['nscd', '123 connect(27, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT', /name-service/],
  ])('flags %s', (_label, line, why) => {
    const [attempt] = socketAttempts(line);
    expect(attempt).toBeDefined();
    expect(violation(attempt!, allowed)).toMatch(why);
  });

  it('allows configured loopback ports and unix sockets', () => {
    const lines = [
      '1 connect(27, {sa_family=AF_INET, sin_port=htons(5432), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
      '1 connect(27, {sa_family=AF_INET6, sin6_port=htons(4000), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
      '1 connect(27, {sa_family=AF_UNIX, sun_path="/var/run/postgresql/.s.PGSQL.5432"}, 110) = 0',
    ];
    expect(socketAttempts(lines.join('\n')).map((attempt) => violation(attempt, allowed))).toEqual([null, null, null]);
  });
});
