import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedClient, openEmbeddedDatabase } from '../../platform/database/embedded.js';
import { migrate, MigrationError, regionMigrationsDir } from '../../platform/database/migrate.js';
import { createPostgresClient } from '../../platform/database/postgres.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { createEmptyTestDatabase, type TestDatabase } from '../helpers/database.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const REGIONS = ['bz', 'aks', 'wlmq'] as const;
const BASE_MIGRATIONS = ['20240101000000_portal_baseline', '20261121000000_gateway_lookup', '20261130000000_id_number_birth_date'];
const BIRTH_DATE_SCAN_INDEX = '20261203000000_birth_date_scan_index';
/** wlmq needs no index of its own for the merged list's order: its key (the primary key) is that order. */
const MIGRATIONS: Record<(typeof REGIONS)[number], string[]> = {
  bz: [...BASE_MIGRATIONS, '20261130120000_submission_order', BIRTH_DATE_SCAN_INDEX],
  aks: [...BASE_MIGRATIONS, '20261130120000_submission_order', BIRTH_DATE_SCAN_INDEX],
  wlmq: [...BASE_MIGRATIONS, BIRTH_DATE_SCAN_INDEX],
};
const PORTAL_TABLES: Record<(typeof REGIONS)[number], string[]> = {
  bz: ['ry_jbxx', 'sb_sqs', 'ry_rzzg', 'ry_ndkh', 'cx_sxjl'],
  aks: ['applicant', 'batch', 'apply_record', 'title_held', 'assessment', 'blacklist'],
  wlmq: ['"Declaration"'],
};
const GATEWAY_FUNCTIONS: Record<(typeof REGIONS)[number], string[]> = {
  bz: ['gateway.normalise_id_number(text)', 'gateway.id_number_birth_date(text)'],
  aks: ['gateway.normalise_id_number(text)', 'gateway.id_number_birth_date(text)'],
  wlmq: ['gateway.normalise_id_number(text)', 'gateway.wlmq_review_year(text)', 'gateway.id_number_birth_date(text)'],
};

interface HistoryRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

async function history(sql: SqlClient): Promise<HistoryRow[]> {
  const { rows } = await sql.query<HistoryRow>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name, started_at');
  return rows;
}

async function missingRelations(sql: SqlClient, names: readonly string[]): Promise<string[]> {
  const { rows } = await sql.query<{ name: string; found: string | null }>(
    'SELECT name, to_regclass(name)::text AS found FROM unnest($1::text[]) AS name',
    [names],
  );
  return rows.filter((row) => row.found === null).map((row) => row.name);
}

async function missingFunctions(sql: SqlClient, signatures: readonly string[]): Promise<string[]> {
  const { rows } = await sql.query<{ signature: string; found: string | null }>(
    'SELECT signature, to_regprocedure(signature)::text AS found FROM unnest($1::text[]) AS signature',
    [signatures],
  );
  return rows.filter((row) => row.found === null).map((row) => row.signature);
}

async function migrationError(work: Promise<unknown>): Promise<MigrationError> {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MigrationError);
  return error as MigrationError;
}

const temporaryDirs: string[] = [];
async function temporaryMigrations(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xjzc-migrations-'));
  temporaryDirs.push(dir);
  for (const [name, script] of Object.entries(files)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), script);
  }
  return dir;
}

const databases: TestDatabase[] = [];
async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createEmptyTestDatabase('migrate');
  databases.push(db);
  return db;
}

afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('regionMigrationsDir', () => {
  it('is the absolute prisma/<region>/migrations of the repository, whatever the working directory', () => {
    expect(regionMigrationsDir('aks')).toBe(path.join(REPO_ROOT, 'prisma', 'aks', 'migrations'));
  });
});

describe.each(REGIONS)('migrating a fresh %s database on PostgreSQL', (region) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await emptyDatabase();
  });

  it('applies every migration, creating the portal tables and the gateway functions', async () => {
    const result = await migrate(db.sql, regionMigrationsDir(region));
    expect(result).toEqual({ applied: MIGRATIONS[region], alreadyApplied: [] });
    expect(await missingRelations(db.sql, PORTAL_TABLES[region])).toEqual([]);
    expect(await missingFunctions(db.sql, GATEWAY_FUNCTIONS[region])).toEqual([]);
  });

  it("records each migration as Prisma does, with the sha256 of its file's bytes", async () => {
    const rows = await history(db.sql);
    const expected = await Promise.all(
      MIGRATIONS[region].map(async (name) => ({
        migration_name: name,
        checksum: createHash('sha256')
          .update(await readFile(path.join(regionMigrationsDir(region), name, 'migration.sql')))
          .digest('hex'),
        applied_steps_count: 1,
        rolled_back_at: null,
        logs: null,
      })),
    );
    expect(rows).toMatchObject(expected);
    for (const row of rows) {
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
    }
  });

  it('applies nothing the second time and leaves the history unchanged', async () => {
    const before = await history(db.sql);
    const result = await migrate(db.sql, regionMigrationsDir(region));
    expect(result).toEqual({ applied: [], alreadyApplied: MIGRATIONS[region] });
    expect(await history(db.sql)).toEqual(before);
  });
});

describe('the _prisma_migrations table', () => {
  it("has exactly Prisma's columns, so `prisma migrate deploy` reads our records", async () => {
    const db = await emptyDatabase();
    await migrate(db.sql, regionMigrationsDir('aks'));
    const { rows } = await db.sql.query(
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(rows).toEqual([
      { column_name: 'id', data_type: 'character varying', length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', length: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', length: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', length: null, is_nullable: 'NO', column_default: '0' },
    ]);
    const { rows: keys } = await db.sql.query(
      `SELECT a.attname AS column_name FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = '"_prisma_migrations"'::regclass AND i.indisprimary`,
    );
    expect(keys).toEqual([{ column_name: 'id' }]);
  });
});

describe('runs at the same time', () => {
  it('all succeed on one empty database, and each migration is recorded exactly once', async () => {
    const db = await emptyDatabase();
    const clients = Array.from({ length: 4 }, () => createPostgresClient(db.url, { max: 2 }));
    try {
      const results = await Promise.all(clients.map((sql) => migrate(sql, regionMigrationsDir('bz'))));
      for (const result of results) {
        expect([...result.applied, ...result.alreadyApplied].sort()).toEqual(MIGRATIONS.bz);
      }
      expect(results.flatMap((result) => result.applied).sort()).toEqual(MIGRATIONS.bz);
      const { rows } = await db.sql.query<{ migration_name: string; times: number }>(
        'SELECT migration_name, count(*)::int AS times FROM "_prisma_migrations" GROUP BY 1 ORDER BY 1',
      );
      expect(rows).toEqual(MIGRATIONS.bz.map((name) => ({ migration_name: name, times: 1 })));
    } finally {
      await Promise.all(clients.map((sql) => sql.close()));
    }
  });
});

describe('a history that disagrees with the files', () => {
  it('refuses an applied migration whose file changed, naming it, before applying anything new', async () => {
    const db = await emptyDatabase();
    const dir = await temporaryMigrations({
      '001_first': 'CREATE TABLE first_table (id int);',
      '002_second': 'CREATE TABLE second_table (id int);',
    });
    await migrate(db.sql, dir);
    await writeFile(path.join(dir, '001_first', 'migration.sql'), 'CREATE TABLE first_table (id bigint);');
    await mkdir(path.join(dir, '003_third'));
    await writeFile(path.join(dir, '003_third', 'migration.sql'), 'CREATE TABLE third_table (id int);');

    const error = await migrationError(migrate(db.sql, dir));
    expect(error.code).toBe('MIGRATION_CHECKSUM_MISMATCH');
    expect(error.migration).toBe('001_first');
    expect(error.message).toContain('001_first');
    expect(await missingRelations(db.sql, ['third_table'])).toEqual(['third_table']);
  });

  it('accepts a migration applied under its earlier comments, and still refuses one whose statements changed', async () => {
    // bz's baseline as applied before its comments stopped pointing outside the repository.
    const earlierChecksum = 'c9008158e0792857fd053be169597a3742917a017b5f4826d2d91aa323c9a1e5';
    const db = await emptyDatabase();
    const dir = await temporaryMigrations({});
    await cp(regionMigrationsDir('bz'), dir, { recursive: true });
    await migrate(db.sql, dir);
    await db.sql.query('UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2', [earlierChecksum, BASE_MIGRATIONS[0]]);

    await expect(migrate(db.sql, dir)).resolves.toMatchObject({ applied: [] });

    const baseline = path.join(dir, BASE_MIGRATIONS[0]!, 'migration.sql');
    await writeFile(baseline, `${await readFile(baseline, 'utf8')}\nCREATE TABLE smuggled (id int);\n`);
    const error = await migrationError(migrate(db.sql, dir));
    expect(error.code).toBe('MIGRATION_CHECKSUM_MISMATCH');
    expect(error.migration).toBe(BASE_MIGRATIONS[0]);
  });

  it('refuses to go on past a migration an earlier Prisma run left failed', async () => {
    const db = await emptyDatabase();
    const dir = await temporaryMigrations({
      '001_first': 'CREATE TABLE first_table (id int);',
      '002_second': 'CREATE TABLE second_table (id int);',
    });
    await migrate(db.sql, dir);
    // What Prisma leaves when a migration fails: the row of its start, never finished.
    await db.sql.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, applied_steps_count)
       VALUES ('00000000-0000-4000-8000-000000000003', repeat('0', 64), '003_third', 'ERROR: boom', now(), 0)`,
    );
    await mkdir(path.join(dir, '003_third'));
    await writeFile(path.join(dir, '003_third', 'migration.sql'), 'CREATE TABLE third_table (id int);');

    const error = await migrationError(migrate(db.sql, dir));
    expect(error.code).toBe('MIGRATION_FAILED_EARLIER');
    expect(error.migration).toBe('003_third');
    expect(await missingRelations(db.sql, ['third_table'])).toEqual(['third_table']);
  });

  it('applies again a migration that Prisma recorded as rolled back', async () => {
    const db = await emptyDatabase();
    const dir = await temporaryMigrations({ '001_first': 'CREATE TABLE first_table (id int);' });
    await db.sql.exec(`
      CREATE TABLE "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0);
      INSERT INTO "_prisma_migrations" (id, checksum, migration_name, rolled_back_at)
      VALUES ('00000000-0000-4000-8000-000000000001', repeat('0', 64), '001_first', now());`);

    expect(await migrate(db.sql, dir)).toEqual({ applied: ['001_first'], alreadyApplied: [] });
    expect(await missingRelations(db.sql, ['first_table'])).toEqual([]);
  });
});

describe('a migration whose SQL fails', () => {
  const files = {
    '001_fine': 'CREATE TABLE fine_table (id int);',
    '002_broken': 'CREATE TABLE half_written (id int);\nINSERT INTO half_written SELECT id FROM no_such_table;',
  };

  async function expectRolledBack(sql: SqlClient, dir: string): Promise<void> {
    const error = await migrationError(migrate(sql, dir));
    expect(error.code).toBe('MIGRATION_FAILED');
    expect(error.migration).toBe('002_broken');
    expect(error.message).toContain('002_broken');
    expect(error.message).toContain('no_such_table');
    expect(await missingRelations(sql, ['fine_table', 'half_written'])).toEqual(['half_written']);
    expect((await history(sql)).map((row) => row.migration_name)).toEqual(['001_fine']);
  }

  it('rolls back on PostgreSQL: no table of it, no record, and it applies once fixed', async () => {
    const db = await emptyDatabase();
    const dir = await temporaryMigrations(files);
    await expectRolledBack(db.sql, dir);

    await writeFile(path.join(dir, '002_broken', 'migration.sql'), 'CREATE TABLE half_written (id int);');
    expect(await migrate(db.sql, dir)).toEqual({ applied: ['002_broken'], alreadyApplied: ['001_fine'] });
  });

  it('rolls back on PGlite too', async () => {
    const pglite = await openEmbeddedDatabase();
    try {
      await expectRolledBack(createEmbeddedClient(pglite), await temporaryMigrations(files));
    } finally {
      await pglite.close();
    }
  });
});

describe('a migrations folder that is missing', () => {
  it('is refused with its own code', async () => {
    const db = await emptyDatabase();
    const error = await migrationError(migrate(db.sql, path.join(os.tmpdir(), 'xjzc-no-such-migrations')));
    expect(error.code).toBe('MIGRATIONS_DIR_MISSING');
  });
});

describe('migrating on embedded PGlite', () => {
  const opened: Awaited<ReturnType<typeof openEmbeddedDatabase>>[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((pglite) => pglite.close()));
  });

  it.each(REGIONS)('applies all of %s, then nothing the second time', async (region) => {
    const pglite = await openEmbeddedDatabase();
    opened.push(pglite);
    const sql = createEmbeddedClient(pglite);
    expect(await migrate(sql, regionMigrationsDir(region))).toEqual({ applied: MIGRATIONS[region], alreadyApplied: [] });
    expect(await missingRelations(sql, PORTAL_TABLES[region])).toEqual([]);
    expect(await missingFunctions(sql, GATEWAY_FUNCTIONS[region])).toEqual([]);
    expect(await migrate(sql, regionMigrationsDir(region))).toEqual({ applied: [], alreadyApplied: MIGRATIONS[region] });
  });

  it('keeps a copied migrations folder working (the runner needs nothing but the files)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'xjzc-copy-'));
    temporaryDirs.push(dir);
    await cp(regionMigrationsDir('aks'), dir, { recursive: true });
    const pglite = await openEmbeddedDatabase();
    opened.push(pglite);
    expect((await migrate(createEmbeddedClient(pglite), dir)).applied).toEqual(MIGRATIONS.aks);
  });
});
