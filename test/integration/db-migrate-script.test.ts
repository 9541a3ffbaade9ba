import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations, regionMigrationsDir } from '../../platform/database/migrate.js';
import { createEmptyTestDatabase, type TestDatabase } from '../helpers/database.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PASSWORD = 'never-print-this-secret';

interface Run {
  status: number | null;
  output: string;
}

/** Runs `npx tsx scripts/db-migrate.ts` with only the given database variables set. */
function runScript(databaseEnv: Record<string, string>): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, NODE_ENV: 'test' };
  for (const name of Object.keys(env)) if (/_DATABASE_URL$/.test(name)) delete env[name];
  Object.assign(env, databaseEnv);
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'scripts/db-migrate.ts'], { cwd: REPO_ROOT, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** The database's URL with a password in it (trust auth ignores it), to prove it is never printed. */
const withPassword = (db: TestDatabase): string => {
  const url = new URL(db.url);
  url.password = PASSWORD;
  return url.toString();
};

describe('npm run db:migrate', () => {
  let bz: TestDatabase;
  let aks: TestDatabase;
  let province: TestDatabase;
  beforeAll(async () => {
    [bz, aks, province] = await Promise.all([
      createEmptyTestDatabase('bz'),
      createEmptyTestDatabase('aks'),
      createEmptyTestDatabase('province'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([bz, aks, province].map((db) => db.drop()));
  });

  it('migrates every configured region, then applies nothing the second time', async () => {
    const env = { BZ_DATABASE_URL: withPassword(bz), AKS_DATABASE_URL: withPassword(aks) };
    // Every migration in the folders, however many there are.
    const bzCount = (await readMigrations(regionMigrationsDir('bz'))).length;
    const aksCount = (await readMigrations(regionMigrationsDir('aks'))).length;
    const first = await runScript(env);
    expect(first.status).toBe(0);
    expect(first.output).toMatch(new RegExp(`^bz: applied ${bzCount}, already applied 0 `, 'm'));
    expect(first.output).toMatch(new RegExp(`^aks: applied ${aksCount}, already applied 0 `, 'm'));
    expect(first.output).not.toMatch(/^wlmq/m);
    expect(first.output).toContain('***');
    expect(first.output).not.toContain(PASSWORD);

    const second = await runScript(env);
    expect(second.status).toBe(0);
    expect(second.output).toMatch(new RegExp(`^bz: applied 0, already applied ${bzCount} `, 'm'));
    expect(second.output).toMatch(new RegExp(`^aks: applied 0, already applied ${aksCount} `, 'm'));
    expect(second.output).not.toContain(PASSWORD);
  });

  it('migrates the province database when it has migrations, and says so when it has none yet', async () => {
    const run = await runScript({ PROVINCE_DATABASE_URL: withPassword(province) });
    expect(run.status).toBe(0);
    if (existsSync(regionMigrationsDir('province'))) expect(run.output).toMatch(/^province: applied \d+, already applied 0 /m);
    else expect(run.output).toMatch(/^province: no migrations folder .* skipped$/m);
    expect(run.output).not.toContain(PASSWORD);
  });

  it('fails with the code and the migration named when an applied migration was changed', async () => {
    const changed = await createEmptyTestDatabase('bz');
    try {
      await migrate(changed.sql, regionMigrationsDir('bz'));
      await changed.sql.query(
        `UPDATE "_prisma_migrations" SET checksum = repeat('0', 64) WHERE migration_name LIKE '%_gateway_lookup'`,
      );
      const run = await runScript({ BZ_DATABASE_URL: withPassword(changed) });
      expect(run.status).toBe(1);
      expect(run.output).toMatch(/^bz: migration failed .*MIGRATION_CHECKSUM_MISMATCH: Migration 20261121000000_gateway_lookup/m);
      expect(run.output).not.toContain(PASSWORD);
    } finally {
      await changed.drop();
    }
  });

  it('fails with the database’s code when the database does not exist', async () => {
    const url = new URL(withPassword(aks));
    url.pathname = '/xjzc_no_such_database';
    const run = await runScript({ AKS_DATABASE_URL: url.toString() });
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/^aks: migration failed .*3D000: database "xjzc_no_such_database" does not exist/m);
    expect(run.output).not.toContain(PASSWORD);
  });

  it('says the embedded default migrates itself when no database URL is configured', async () => {
    const run = await runScript({});
    expect(run.status).toBe(0);
    expect(run.output).toContain('the embedded default migrates itself at start');
  });

  it('stops with the variable named when the configuration is bad', async () => {
    const run = await runScript({ WLMQ_DATABASE_URL: 'mysql://somewhere/db' });
    expect(run.status).toBe(1);
    expect(run.output).toContain('WLMQ_DATABASE_URL');
  });
});
