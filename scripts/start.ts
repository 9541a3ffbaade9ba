/**
 * `npm start`: the whole system, one process per service (gateway, province, bz, aks, wlmq), so
 * that one failing service leaves the others running. With no *_DATABASE_URL set, each regional
 * service runs its portal database embedded (PGlite), migrated and filled with demo data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig, ConfigError, type Config } from '../platform/config.js';
import { SERVICE_NAMES } from '../app/services.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exit(1);
}

// Built (`npm run build`: dist/scripts/start.js) it runs the built services with plain node;
// from the sources (tests) through tsx,
// as a loader in the service's own process, not the tsx CLI: the CLI runs the service in a
// second process and SIGKILLs it when it does not acknowledge a signal within 60 ms, which a busy
// service can miss, so its drain would be cut short.
const built = import.meta.url.endsWith('.js');
const serve = fileURLToPath(new URL(built ? './serve.js' : './serve.ts', import.meta.url));
const runner = built ? [] : ['--import', new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href];
const children = new Map<string, ChildProcess>();
let stopping = false;
let failed = false;

for (const name of SERVICE_NAMES) {
  const child = spawn(process.execPath, [...runner, serve, name], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) console.error(`${name} exited (${signal ?? `code ${code}`}); the other services keep running.`);
    else if (code !== 0) {
      failed = true;
      console.error(`${name} did not stop cleanly (${signal ?? `code ${code}`}).`);
    }
    if (children.size === 0) process.exit(stopping && !failed ? 0 : 1);
  });
}

const embedded = Object.values(config.regionDatabases).every((database) => database.kind === 'embedded');
console.error(
  `Starting ${SERVICE_NAMES.join(', ')}${embedded ? ' on embedded databases with demo data' : ''}. ` +
    `Gateway: http://127.0.0.1:${config.gatewayPort}/graphql (ready at /ready). Ctrl-C stops everything.`,
);

/**
 * Prints "ready" once the gateway's /ready says it is ready and every subgraph answers (each warm:
 * its database answered and its first query paths ran), so that the first check after it is
 * answered by every region. Until then, which services are still starting.
 */
async function announceReady(): Promise<void> {
  const started = performance.now();
  const readyUrl = `http://${config.listenHost === '0.0.0.0' ? '127.0.0.1' : config.listenHost}:${config.gatewayPort}/ready`;
  let lastWaiting = '';
  while (!stopping) {
    try {
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) });
      const report = (await response.json()) as { ready?: boolean; subgraphs?: Record<string, string> };
      const waiting = Object.entries(report.subgraphs ?? {}).filter(([, state]) => state !== 'ok').map(([name]) => name);
      if (report.ready && report.subgraphs && waiting.length === 0) {
        console.error(`ready: the gateway and every region answer (${((performance.now() - started) / 1000).toFixed(1)} s after start)`);
        return;
      }
      const now = waiting.join(', ');
      if (now !== lastWaiting && now !== '') console.error(`waiting for: ${now}`);
      lastWaiting = now;
    } catch {
      // The gateway is not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
void announceReady();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    // Each service drains its in-flight requests (SHUTDOWN_GRACE_MS) and exits 0 by itself. The
    // gateway first: its in-flight requests still call the subgraphs.
    const gateway = children.get('gateway');
    const stopSubgraphs = () => {
      for (const [name, child] of children) if (name !== 'gateway') child.kill('SIGTERM');
    };
    if (gateway) {
      gateway.once('exit', stopSubgraphs);
      gateway.kill('SIGTERM');
    } else stopSubgraphs();
    setTimeout(() => {
      for (const [name, child] of children) {
        console.error(`${name} still running after the grace period; killing it.`);
        child.kill('SIGKILL');
      }
    }, config.shutdownGraceMs + 15_000).unref();
  });
}

// `kill -HUP <npm start's pid>` reloads the gateway's supergraph, as SIGHUP to the gateway itself does.
process.on('SIGHUP', () => children.get('gateway')?.kill('SIGHUP'));
