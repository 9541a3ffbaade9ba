/**
 * The project's own migration runner. It applies prisma/<region>/migrations in Prisma's layout and
 * records them in Prisma's own `_prisma_migrations` table, so nothing at install, test or start
 * needs Prisma's schema engine, while `prisma migrate deploy` run later still sees every
 * migration as applied.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.js';
import type { SqlClient } from './sql.js';

/** The advisory-lock key Prisma's migrate takes, so that our runner and Prisma's exclude each other. */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

export type MigrationErrorCode =
  | 'MIGRATION_CHECKSUM_MISMATCH'
  | 'MIGRATION_FAILED_EARLIER'
  | 'MIGRATION_FAILED'
  | 'MIGRATIONS_DIR_MISSING';

export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    /** The migration concerned (its folder name), when there is one. */
    readonly migration: string | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

export interface MigrationResult {
  /** Migrations this run applied, in order. */
  applied: string[];
  /** Migrations that were applied before (by an earlier run, a concurrent one, or Prisma). */
  alreadyApplied: string[];
}

interface MigrationFile {
  name: string;
  script: string;
  checksum: string;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of prisma/<region>/migrations, whatever the working directory. */
export function regionMigrationsDir(region: string): string {
  return path.join(REPO_ROOT, 'prisma', region, 'migrations');
}

// Exactly Prisma's DDL (schema-engine, PostgreSQL flavour), so Prisma reads our records as its own.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Folders holding a migration.sql, in name order (Prisma's order: the timestamp prefix). */
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  if (!existsSync(migrationsDir)) {
    throw new MigrationError('MIGRATIONS_DIR_MISSING', null, `No migrations folder at ${migrationsDir}.`);
  }
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    if (!existsSync(file)) continue;
    const bytes = await readFile(file);
    migrations.push({
      name,
      script: bytes.toString('utf8'),
      checksum: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  return migrations;
}

/**
 * Migrations whose comments were re-worded after they were applied, no statement changed: the
 * checksum a database recorded for the earlier wording, and the checksum of the statements (the
 * file without its comment lines) that the file must still have. Such a row is accepted; any other
 * change is still MIGRATION_CHECKSUM_MISMATCH. (2026-11-30: six migrations' comments pointed at
 * documents outside the repository.)
 */
const REWORDED: Readonly<Record<string, string>> = {
  '2789ab371423a2165358deb5152f487ecef217b6cf0a8ed691194a03e1bca12c': 'ad3bb651d06b433769eff7d1e50a8eb5a4c50b804db3e3fd78810bd244828eeb', // aks portal_baseline
  '07f40675a98bbbc7c39d55d287155c24edcdf784616ebfbd89f818526097ebfb': '678d4c1ff5b13456decfc4609d72dba94fe70bac1d53283f79a9aa0623627b1c', // aks gateway_lookup
  'c9008158e0792857fd053be169597a3742917a017b5f4826d2d91aa323c9a1e5': '26048d8a0d5eec572775d7b4763176844b2151d2bea8ff82f8036c5f7e290f39', // bz portal_baseline
  'dbf7890611b6a91c4675b4ff624178d4b73ded54fa7089b03f9c1db237750d28': '97490953cb2f09dcc487c42d250b8e76e084eabe7d14df2d8515360e9b3a33f0', // bz gateway_lookup
  '5dadb90aa16feac7042f5041209d3e1daa568525708d88611860d5c257f28b55': 'bd4bf51e5b96b4e21312480295667ca81d096fb2b72088ea9771656633f22e6a', // wlmq portal_baseline
  'f87cd8ddb2f36c0c849edd4bf7b5dae63a9666de558c18cc9bbabe29dbe522ea': 'a8528e4ff186e5b4108b89318855f8de1002e7f584d08797541fe0e8a5830b97', // wlmq gateway_lookup
};

/** SHA-256 of a migration's statements: the file without its comment lines. */
export function statementsChecksum(script: string): string {
  const statements = script.split('\n').filter((line) => !/^\s*--/.test(line));
  return createHash('sha256').update(statements.join('\n')).digest('hex');
}

/** Whether the recorded checksum is the file's, or an earlier wording of the same statements. */
function sameMigration(recorded: string, file: MigrationFile): boolean {
  return recorded === file.checksum || REWORDED[recorded] === statementsChecksum(file.script);
}

const isApplied = (row: MigrationRow): boolean => row.finished_at !== null && row.rolled_back_at === null;
const isFailed = (row: MigrationRow): boolean => row.finished_at === null && row.rolled_back_at === null;

/**
 * Refuses to go on when the recorded history and the files disagree: an applied migration whose
 * file changed, or a migration an earlier Prisma run left half-done (Prisma records the start
 * before running and the finish after; a crash in between leaves the row open).
 */
function checkHistory(rows: readonly MigrationRow[], byName: ReadonlyMap<string, MigrationFile>): void {
  for (const row of rows) {
    if (isFailed(row)) {
      throw new MigrationError(
        'MIGRATION_FAILED_EARLIER',
        row.migration_name,
        `Migration ${row.migration_name} failed in an earlier run and was never resolved. ` +
          'Repair the database, then mark it rolled back or applied (prisma migrate resolve) before migrating again.',
      );
    }
    const file = byName.get(row.migration_name);
    if (file && isApplied(row) && !sameMigration(row.checksum, file)) {
      throw new MigrationError(
        'MIGRATION_CHECKSUM_MISMATCH',
        row.migration_name,
        `Migration ${row.migration_name} was changed after it was applied: its migration.sql no longer matches the recorded checksum. ` +
          'Put the applied file back and add a new migration instead.',
      );
    }
  }
}

async function readHistory(sql: SqlClient): Promise<MigrationRow[]> {
  const { rows } = await sql.query<MigrationRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
  );
  return rows;
}

/** Creates the history table when missing and checks the history, before anything runs. */
async function prepareHistory(sql: SqlClient, byName: ReadonlyMap<string, MigrationFile>): Promise<void> {
  // CREATE TABLE IF NOT EXISTS is not safe against itself: two sessions can both see no table and
  // one then fails on the catalog's unique index. Under the lock the second one sees the table,
  // and a Prisma run in progress (its row open until it finishes) is not mistaken for a failed one.
  await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
    await tx.exec(CREATE_MIGRATIONS_TABLE);
    checkHistory(await readHistory(tx), byName);
  });
}

function databaseMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Applies every migration in `migrationsDir` not yet recorded as applied, each in its own
 * transaction under Prisma's advisory lock. Safe to run concurrently with itself or with
 * `prisma migrate deploy`.
 * @throws MigrationError with a code naming what went wrong.
 */
export async function migrate(
  sql: SqlClient,
  migrationsDir: string,
  options: { log?: Logger } = {},
): Promise<MigrationResult> {
  const { log } = options;
  const migrations = await readMigrations(migrationsDir);
  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  // Checked once before anything runs, so a bad history stops the run before it changes anything.
  await prepareHistory(sql, byName);

  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const migration of migrations) {
    const outcome = await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
      // Another run may have applied it (or failed it) while we waited for the lock.
      const history = await readHistory(tx);
      checkHistory(history, byName);
      if (history.some((row) => row.migration_name === migration.name && isApplied(row))) return 'already' as const;
      try {
        await tx.exec(migration.script);
      } catch (error) {
        throw new MigrationError(
          'MIGRATION_FAILED',
          migration.name,
          `Migration ${migration.name} failed and was rolled back: ${databaseMessage(error)}`,
          { cause: error },
        );
      }
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
         VALUES ($1, $2, now(), $3, NULL, now(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      return 'applied' as const;
    });
    if (outcome === 'applied') {
      result.applied.push(migration.name);
      log?.info({ migration: migration.name }, 'migration applied');
    } else {
      result.alreadyApplied.push(migration.name);
    }
  }
  return result;
}
