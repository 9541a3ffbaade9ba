/**
 * Embedded databases opened from prepared data directories instead of being built at every start.
 *
 * Measured on this 2-core machine (PGlite 0.5): `PGlite.create()` in memory runs `initdb` (a
 * second WebAssembly program) and took 4.5–8 s and up to 700 MiB of the process; opening a data
 * directory that already holds a cluster took 0.5–1.5 s, and three such instances on disk held
 * 236 MiB of the process together, against 505 MiB for three loaded into memory
 * (`loadDataDir`), because PGlite's files then live in the page cache, not in the process.
 *
 * So each database is prepared once (a fresh cluster, copied from one `initdb` shared by all,
 * then migrated and filled) into a template folder named by what its content depends on, and
 * every start opens a copy of it of its own: two processes never open the same files, and the
 * template is never written by a running service. A template is written under a temporary name
 * and renamed into place, so a start that is killed while preparing leaves no half-made template.
 */
import { PGlite } from '@electric-sql/pglite';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EMBEDDED_POSTGRES_SETTINGS, openEmbeddedDatabase } from './embedded.js';

export interface PreparedDatabaseOptions {
  /** Folder of the templates and of the copies running services use (e.g. `.data/embedded`). */
  root: string;
  /** The template's name, e.g. the region code. */
  name: string;
  /** What the template's content depends on (migrations, generator, seed); a change prepares it again. */
  version: string;
  /** Fills a fresh database (migrations, demo rows); run once per version. */
  prepare(db: PGlite): Promise<void>;
}

export interface PreparedDatabase {
  db: PGlite;
  /** Whether this start prepared the template (first start, or its version changed). */
  prepared: boolean;
  /** Closes the database and removes this start's copy. */
  close(): Promise<void>;
}

const pgliteVersion = (() => {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
})();

const digest = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);
const uniqueSuffix = (): string => `${process.pid}-${randomBytes(4).toString('hex')}`;

/** Moves `building` to `target`, or discards it when another process got there first. */
function publish(building: string, target: string): void {
  try {
    renameSync(building, target);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(target)) throw error;
  }
}

/**
 * How the fresh cluster is made, part of every template's name: 1 MB WAL segments instead of
 * 16 MB, and no template0 and template1 (PGlite serves the `postgres` database only; nothing here
 * creates databases). That took a copy from 39 MB to about 10 MB, and copying is most of what a
 * start does to open one.
 */
const CLUSTER_LAYOUT = 'wal-segsize=1, postgres only';

/** One `initdb` per process at most, and per PGlite version on this machine once it is kept. */
const clusters = new Map<string, Promise<string>>();

/**
 * A folder holding a fresh PostgreSQL cluster (PGlite's `initdb`), to be copied, never opened:
 * the most expensive step, done once per PGlite version.
 */
export function freshCluster(root: string): Promise<string> {
  const target = path.join(root, `cluster-${digest(`${pgliteVersion}\n${CLUSTER_LAYOUT}`)}`);
  let made = clusters.get(target);
  if (!made) {
    made = (async () => {
      if (existsSync(target)) return target;
      mkdirSync(root, { recursive: true });
      const building = path.join(root, `.building-cluster-${uniqueSuffix()}`);
      const db = await PGlite.create(building, { initDbStartParams: ['--wal-segsize=1'], postgresqlconf: [...EMBEDDED_POSTGRES_SETTINGS] });
      try {
        // One statement each: DROP DATABASE refuses to run inside a (multi-statement) transaction.
        for (const template of ['template1', 'template0']) {
          await db.exec(`ALTER DATABASE ${template} IS_TEMPLATE false`);
          await db.exec(`DROP DATABASE ${template}`);
        }
        await db.exec('CHECKPOINT');
      } finally {
        await db.close();
      }
      publish(building, target);
      removeOtherVersions(root, 'cluster', path.basename(target));
      return target;
    })();
    made.catch(() => clusters.delete(target));
    clusters.set(target, made);
  }
  return made;
}

/** Whether a process with this id still runs (signal 0 checks without signalling). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Copies and half-made templates of processes that are gone (killed before they could remove them). */
function removeAbandoned(root: string): void {
  for (const entry of readdirSync(root)) {
    const owner = /^(?:run|\.building)-.*?-(\d+)-[0-9a-f]{8}$/.exec(entry);
    if (owner && Number(owner[1]) !== process.pid && !running(Number(owner[1]))) rmSync(path.join(root, entry), { recursive: true, force: true });
  }
}

/** Templates of the same name for other versions: nothing opens them again. */
function removeOtherVersions(root: string, name: string, keep: string): void {
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(`${name}-`) && entry !== keep) rmSync(path.join(root, entry), { recursive: true, force: true });
  }
}

/** Opens a copy of the database `options` describes, preparing its template first if there is none. */
export async function openPreparedDatabase(options: PreparedDatabaseOptions): Promise<PreparedDatabase> {
  const { root, name } = options;
  if (!/^[a-z][a-z0-9]*$/.test(name)) throw new TypeError(`Not a template name: ${JSON.stringify(name)}`);
  mkdirSync(root, { recursive: true });
  removeAbandoned(root);
  const templateName = `${name}-${digest(`${pgliteVersion}\n${CLUSTER_LAYOUT}\n${EMBEDDED_POSTGRES_SETTINGS.join('\n')}\n${options.version}`)}`;
  const template = path.join(root, templateName);
  let prepared = false;
  if (!existsSync(template)) {
    const building = path.join(root, `.building-${name}-${uniqueSuffix()}`);
    await cp(await freshCluster(root), building, { recursive: true });
    const db = await openEmbeddedDatabase(building);
    try {
      await options.prepare(db);
    } finally {
      await db.close();
    }
    publish(building, template);
    removeOtherVersions(root, name, templateName);
    prepared = true;
  }
  const copy = path.join(root, `run-${name}-${uniqueSuffix()}`);
  // Asynchronous: the copy runs on libuv's threads while the other services of the process start.
  await cp(template, copy, { recursive: true });
  const db = await openEmbeddedDatabase(copy);
  return {
    db,
    prepared,
    close: async () => {
      await db.close();
      await rm(copy, { recursive: true, force: true });
    },
  };
}

/** A version string from the contents of files (e.g. the demo generator's sources), in name order. */
export function versionOfFiles(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}
