/**
 * `npm start`: the whole system, one process per service (gateway, province, bz, aks, wlmq), so
 * that one failing service leaves the others running. With no *_DATABASE_URL set, each regional
 * service runs its portal database embedded (PGlite), migrated and filled with demo data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig, ConfigError } from '../platform/config.js';
import { SERVICE_NAMES } from '../platform/services.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exit(1);
}

const serve = fileURLToPath(new URL('./serve.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const children = new Map<string, ChildProcess>();
let stopping = false;

for (const name of SERVICE_NAMES) {
  const child = spawn(process.execPath, [tsx, serve, name], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) console.error(`${name} exited (${signal ?? `code ${code}`}); the other services keep running.`);
    if (children.size === 0) process.exit(stopping ? 0 : 1);
  });
}

const embedded = Object.values(config.regionDatabases).every((database) => database.kind === 'embedded');
console.error(
  `Starting ${SERVICE_NAMES.join(', ')}${embedded ? ' on embedded databases with demo data' : ''}. ` +
    `Gateway: http://127.0.0.1:${config.gatewayPort}/graphql (ready at /ready). Ctrl-C stops everything.`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    for (const child of children.values()) child.kill('SIGTERM');
  });
}
