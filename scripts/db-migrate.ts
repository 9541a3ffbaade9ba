/**
 * `npm run db:migrate`: applies the project's migrations to every configured PostgreSQL database
 * (each region's portal database, and the province's), with our own runner, so no Prisma engine
 * is needed. The embedded default migrates itself at start and needs nothing from here.
 */
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../platform/config.js';
import { migrate, MigrationError, regionMigrationsDir } from '../platform/database/migrate.js';
import { createPostgresClient, maskDatabaseUrl } from '../platform/database/postgres.js';

interface Target {
  label: string;
  url: string;
  migrationsDir: string;
}

function targets(config: Config): { targets: Target[]; skipped: string[] } {
  const found: Target[] = [];
  const skipped: string[] = [];
  for (const [region, database] of Object.entries(config.regionDatabases)) {
    if (database.kind === 'postgres') {
      found.push({ label: region, url: database.url, migrationsDir: regionMigrationsDir(region) });
    }
  }
  if (config.provinceDatabaseUrl) {
    // The province's migrations sit beside the regions': prisma/province/migrations.
    const provinceDir = regionMigrationsDir('province');
    if (existsSync(provinceDir)) found.push({ label: 'province', url: config.provinceDatabaseUrl, migrationsDir: provinceDir });
    else skipped.push('province');
  }
  return { targets: found, skipped };
}

/** A code and a message for any failure; never the URL itself, which may hold a password. */
function describeFailure(error: unknown): string {
  if (error instanceof MigrationError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return `${typeof code === 'string' ? code : 'DATABASE_ERROR'}: ${error.message}`;
  }
  return `DATABASE_ERROR: ${String(error)}`;
}

async function migrateTarget(target: Target): Promise<boolean> {
  const sql = createPostgresClient(target.url, { max: 1 });
  const where = maskDatabaseUrl(target.url);
  try {
    const result = await migrate(sql, target.migrationsDir);
    console.log(
      `${target.label}: applied ${result.applied.length}, already applied ${result.alreadyApplied.length} (${where})`,
    );
    return true;
  } catch (error) {
    console.error(`${target.label}: migration failed (${where}): ${describeFailure(error)}`);
    return false;
  } finally {
    await sql.close();
  }
}

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }

  const { targets: found, skipped } = targets(config);
  if (found.length === 0 && skipped.length === 0) {
    console.log(
      'No database URL is configured (BZ_DATABASE_URL, AKS_DATABASE_URL, …): the embedded default migrates itself at start. Nothing to do.',
    );
    return 0;
  }
  let ok = true;
  // One at a time: the output stays in order and a two-core machine is not swamped.
  for (const target of found) ok = (await migrateTarget(target)) && ok;
  for (const label of skipped) console.log(`${label}: no migrations folder (prisma/${label}/migrations) yet, skipped`);
  return ok ? 0 : 1;
}

process.exitCode = await main();
