/**
 * `npm start`: the whole system (gateway, province, bz, aks, wlmq), each service on its own port.
 *
 * - On the embedded default (no *_DATABASE_URL for any region, no OTEL_EXPORTER_OTLP_ENDPOINT) all five run in this one process,
 *   each still its own HTTP server and port, with its portal database embedded (PGlite) and
 *   filled with demo data: V8, graphql, Apollo, Prisma and PGlite's compiled WebAssembly are then
 *   loaded once, not five times (measured: bench/startup.ts, README "Production build").
 * - With PostgreSQL servers, one process per service, so that one failing service leaves the
 *   others running, as in production (Dockerfile, docker-compose.yml).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig, ConfigError, type Config } from '../platform/config.js';
import { reloadOnHangup } from '../platform/http.js';
import { createLogger } from '../platform/logger.js';
import { SERVICE_NAMES, startNamedService, type StartedService } from '../app/services.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exit(1);
}

let stopping = false;
const embedded = Object.values(config.regionDatabases).every((database) => database.kind === 'embedded');
// Traces name the service that made each span (its resource), one per process: with tracing on,
// a process per service, as in production.
const oneProcess = embedded && config.otlpEndpoint === null;

/** Force the exit when stopping takes longer than every service's drain and close. */
const forceExitLater = () =>
  setTimeout(() => {
    console.error('still running after the grace period; exiting.');
    process.exit(1);
  }, config.shutdownGraceMs + 15_000).unref();

/** The embedded default: every service in this process. */
function startInProcess(): void {
  const services = new Map<string, StartedService>();
  const starting = SERVICE_NAMES.map(async (name) => {
    try {
      // Node's own metrics (heap, event loop, CPU) describe the one process: reported by the gateway.
      const service = await startNamedService(name, config, { processMetrics: name === 'gateway' });
      services.set(name, service);
    } catch (error) {
      console.error(`${name} failed to start (${error instanceof Error ? error.message : String(error)}); the other services keep running.`);
    }
  });
  const stopAll = async (): Promise<boolean> => {
    // Those still starting are stopped once they are up.
    await Promise.all(starting);
    const stop = (service: StartedService | undefined) =>
      service?.stop().then(
        () => true,
        (error: unknown) => {
          console.error(`${service.name} did not stop cleanly (${error instanceof Error ? error.message : String(error)}).`);
          return false;
        },
      ) ?? Promise.resolve(true);
    // The gateway first: its in-flight requests still call the subgraphs.
    const gateway = await stop(services.get('gateway'));
    const subgraphs = await Promise.all([...services].filter(([name]) => name !== 'gateway').map(([, service]) => stop(service)));
    return gateway && subgraphs.every(Boolean);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      forceExitLater();
      void stopAll().then((clean) => process.exit(clean ? 0 : 1));
    });
  }
  // `kill -HUP <npm start's pid>` reloads the gateway's supergraph, as it does to a gateway of its own.
  reloadOnHangup(createLogger({ service: 'gateway', level: config.logLevel, file: config.logFile }), () => {
    const gateway = services.get('gateway');
    return gateway?.reload ? gateway.reload() : Promise.reject(new Error('the gateway is not running'));
  });
}

/** With database servers: one child process per service. */
function startProcesses(): void {
  // Built (`npm run build`: dist/scripts/start.js) it runs the built services with plain node;
  // from the sources (tests) through tsx,
  // as a loader in the service's own process, not the tsx CLI: the CLI runs the service in a
  // second process and SIGKILLs it when it does not acknowledge a signal within 60 ms, which a busy
  // service can miss, so its drain would be cut short.
  const built = import.meta.url.endsWith('.js');
  const serve = fileURLToPath(new URL(built ? './serve.js' : './serve.ts', import.meta.url));
  const runner = built ? [] : ['--import', new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href];
  const children = new Map<string, ChildProcess>();
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
}

if (oneProcess) startInProcess();
else startProcesses();

console.error(
  `Starting ${SERVICE_NAMES.join(', ')}${oneProcess ? ' in one process' : ''}${embedded ? ' on embedded databases with demo data' : ''}. ` +
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
