/**
 * Real PostgreSQL databases for integration tests: every test file creates its own, uniquely
 * named, and drops it when done. Never a mock of the database.
 *
 * ```ts
 * let db: TestDatabase;
 * beforeAll(async () => { db = await createTestDatabase('aks'); });
 * afterAll(async () => { await db.drop(); });
 * // db.sql is a SqlClient; db.url goes to Prisma (prismaAdapterFor) or to a spawned process.
 * ```
 *
 * Migrated databases are copies of one template per region and migration content
 * (`xjzc_tpl_<region>_<hash8>`), built once by whichever worker gets there first, so a test pays
 * for `CREATE DATABASE … TEMPLATE`, not for the migrations.
 */
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, readMigrations, regionMigrationsDir } from '../../platform/database/migrate.js';
import { createPostgresClient } from '../../platform/database/postgres.js';
import { postgresServer, quoteIdent } from '../../platform/database/server.js';
import type { SqlClient } from '../../platform/database/sql.js';

/** The maintenance database tests create their databases from: env TEST_DATABASE_URL. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** The database's name, unique to this test run. */
  name: string;
  /** Connection URL of the database (ADMIN_URL with the name swapped in). */
  url: string;
  /** A client on it; closed by drop(). */
  sql: SqlClient;
  /** Closes `sql` and drops the database, even with other connections still open. */
  drop(): Promise<void>;
}

// Serialises template building across vitest workers (advisory locks span sessions of one server).
const TEMPLATE_LOCK_KEY = 0x78_6a_7a_63; // "xjzc"
// Changing how templates are built must not reuse templates built the old way.
const TEMPLATE_FORMAT = 'v1';

const server = postgresServer(ADMIN_URL);
const { withAdmin } = server;

/** URL of database `name` on the admin server. */
export const databaseUrl = (name: string): string => server.databaseUrl(name);

function uniqueName(label: string): string {
  return `xjzc_t_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

async function migrationsHash(region: string): Promise<string> {
  const hash = createHash('sha256').update(TEMPLATE_FORMAT);
  for (const migration of await readMigrations(regionMigrationsDir(region))) {
    hash.update(`\0${migration.name}\0${migration.checksum}`);
  }
  return hash.digest('hex').slice(0, 8);
}

/** The template for `region` at its current migrations, built if missing. Returns its name. */
async function ensureTemplate(region: string): Promise<string> {
  if (!/^[a-z][a-z0-9_]*$/.test(region)) throw new TypeError(`Region code must be lower-case letters, got "${region}"`);
  const template = `xjzc_tpl_${region}_${await migrationsHash(region)}`;
  return withAdmin(async (admin) => {
    if (await server.databaseExists(template, admin)) return template;
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      if (await server.databaseExists(template, admin)) return template;
      // Built under a temporary name and renamed when complete, so a worker that dies half-way
      // never leaves a half-migrated template behind under the real name.
      const building = `${template}_build_${process.pid}`;
      await server.dropDatabase(building, admin);
      await server.createDatabase(building, { admin });
      const sql = createPostgresClient(databaseUrl(building), { max: 1 });
      try {
        await migrate(sql, regionMigrationsDir(region));
      } finally {
        await sql.close();
      }
      await admin.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(template)}`);
      await dropStaleTemplates(admin, region, template);
      return template;
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });
}

/**
 * Templates of older migration contents are never used again by this checkout, but another
 * checkout on the same server (a git worktree on another branch) may be using one: keep the newest
 * few per region, so that checkouts side by side do not drop each other's templates.
 */
const TEMPLATES_KEPT = 4;

async function dropStaleTemplates(admin: pg.Client, region: string, current: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname <> $2 AND datname NOT LIKE '%\\_build\\_%' ORDER BY oid DESC OFFSET $3",
    [`xjzc\\_tpl\\_${region}\\_%`, current, TEMPLATES_KEPT - 1],
  );
  for (const { datname } of rows) {
    // A copy from it may be running in another worker still on the old files: leave it then.
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)}`).catch(() => undefined);
  }
}

async function openTestDatabase(name: string): Promise<TestDatabase> {
  const url = databaseUrl(name);
  const sql = createPostgresClient(url, { max: 4 });
  let dropped = false;
  return {
    name,
    url,
    sql,
    async drop() {
      if (dropped) return;
      dropped = true;
      await sql.close();
      await server.dropDatabase(name);
    },
  };
}

/**
 * A new database for `region` (bz, aks, wlmq, …), with all of prisma/<region>/migrations applied
 * unless `migrated: false` (then it is empty, as createEmptyTestDatabase).
 */
export async function createTestDatabase(
  region: string,
  options: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  if (options.migrated === false) return createEmptyTestDatabase(region);
  const name = uniqueName(region);
  for (let attempt = 1; ; attempt++) {
    const template = await ensureTemplate(region);
    try {
      await server.createDatabase(name, { template });
      return openTestDatabase(name);
    } catch (error) {
      // Another checkout dropped the template between the two steps: build it again.
      if ((error as { code?: string }).code !== '3D000' || attempt === 3) throw error;
    }
  }
}

/** A new empty database (no migrations, no `_prisma_migrations`), e.g. for the migration runner's tests. */
export async function createEmptyTestDatabase(label = 'empty'): Promise<TestDatabase> {
  const name = uniqueName(label);
  await server.createDatabase(name);
  return openTestDatabase(name);
}

/** Makes a database refuse new connections (and ends its open ones), or accept them again. */
export async function setConnectionsAllowed(database: Pick<TestDatabase, 'name'>, allowed: boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE ${quoteIdent(database.name)} ALLOW_CONNECTIONS ${allowed}`);
    if (!allowed) {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database.name]);
    }
  } finally {
    await admin.end();
  }
}
