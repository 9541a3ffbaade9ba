/**
 * The benchmark's portal databases on the real PostgreSQL: one per region, migrated with the
 * project's runner and filled by the demo generator. A full-size data set is kept between runs
 * and reused while a marker row in each database records the same seed, size, years and
 * generator source; anything else regenerates it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeDemoData, type DemoProgress } from '../demo/index.js';
import { migrate, regionMigrationsDir } from '../platform/database/migrate.js';
import { createPostgresClient } from '../platform/database/postgres.js';
import { postgresServer } from '../platform/database/server.js';
import type { SqlClient } from '../platform/database/sql.js';
import { REPO_ROOT } from './processes.js';

export const BENCH_REGIONS = ['bz', 'aks', 'wlmq'] as const;
export type BenchRegion = (typeof BENCH_REGIONS)[number];

export interface DatasetSpec {
  /** Database names are `<prefix>_<region>`. */
  prefix: string;
  seed: number;
  applications: number;
  years: readonly number[];
}

export interface Dataset {
  urls: Record<BenchRegion, string>;
  /** The province's own database (its access log), when the project has province migrations. */
  provinceUrl: string | null;
  /** True when an earlier run's data was reused. */
  reused: boolean;
  /** Seconds spent writing the rows (0 when reused). */
  generationSeconds: number;
  /** Seconds spent in ANALYZE (0 when reused and nothing changed). */
  analyzeSeconds: number;
  /** Migrations this run applied, per region. */
  applied: Record<BenchRegion, string[]>;
  /** Rows per portal table, per region. */
  rows: Record<BenchRegion, Record<string, number>>;
  drop(): Promise<void>;
}

export const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const server = postgresServer(ADMIN_URL);
export const { databaseUrl, dropDatabase } = server;

/** A digest of the generator's source: changing the generator must not reuse old rows. */
function generatorDigest(): string {
  const dir = path.join(REPO_ROOT, 'demo');
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts')).sort()) {
    hash.update(`\0${file}\0`).update(readFileSync(path.join(dir, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

interface Marker {
  seed: number;
  applications: number;
  years: string;
  generator: string;
}

const MARKER_DDL = `
CREATE SCHEMA IF NOT EXISTS bench;
CREATE TABLE IF NOT EXISTS bench.dataset (
  seed bigint NOT NULL,
  applications bigint NOT NULL,
  years text NOT NULL,
  generator text NOT NULL,
  generation_seconds numeric NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
)`;

async function readMarker(url: string): Promise<Marker | null> {
  const sql = createPostgresClient(url, { max: 1 });
  try {
    const { rows } = await sql.query<{ present: boolean }>("SELECT to_regclass('bench.dataset') IS NOT NULL AS present");
    if (!rows[0]?.present) return null;
    const marker = await sql.query<{ seed: string; applications: string; years: string; generator: string }>(
      'SELECT seed, applications, years, generator FROM bench.dataset ORDER BY written_at DESC LIMIT 1',
    );
    const row = marker.rows[0];
    return row ? { seed: Number(row.seed), applications: Number(row.applications), years: row.years, generator: row.generator } : null;
  } catch {
    return null;
  } finally {
    await sql.close();
  }
}

async function recreateDatabase(name: string): Promise<void> {
  await server.withAdmin(async (admin) => {
    await server.dropDatabase(name, admin);
    await server.createDatabase(name, { admin });
  });
}

const PORTAL_TABLES: Record<BenchRegion, readonly string[]> = {
  bz: ['ry_jbxx', 'sb_sqs', 'ry_rzzg', 'ry_ndkh', 'cx_sxjl'],
  aks: ['applicant', 'batch', 'apply_record', 'title_held', 'assessment', 'blacklist'],
  wlmq: ['"Declaration"'],
};

async function countRows(sql: SqlClient, region: BenchRegion): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of PORTAL_TABLES[region]) {
    // Planner estimates after ANALYZE: exact counts of a million rows would cost seconds for nothing.
    const { rows } = await sql.query<{ estimate: string }>('SELECT reltuples::bigint AS estimate FROM pg_class WHERE oid = $1::regclass', [table]);
    counts[table.replace(/"/g, '')] = Math.max(0, Number(rows[0]?.estimate ?? 0));
  }
  return counts;
}

/**
 * The data set of `spec`, reused when every region's marker matches, otherwise (re)generated.
 * `log` receives progress lines (never an ID number).
 */
export async function prepareDataset(spec: DatasetSpec, log: (line: string) => void): Promise<Dataset> {
  const names = Object.fromEntries(BENCH_REGIONS.map((region) => [region, `${spec.prefix}_${region}`])) as Record<BenchRegion, string>;
  const urls = Object.fromEntries(BENCH_REGIONS.map((region) => [region, databaseUrl(names[region])])) as Record<BenchRegion, string>;
  const wanted: Marker = { seed: spec.seed, applications: spec.applications, years: spec.years.join(','), generator: generatorDigest() };

  let reused = true;
  for (const region of BENCH_REGIONS) {
    const marker = (await server.databaseExists(names[region])) ? await readMarker(urls[region]) : null;
    if (!marker || JSON.stringify(marker) !== JSON.stringify(wanted)) reused = false;
  }

  const clients = Object.fromEntries(BENCH_REGIONS.map((region) => [region, createPostgresClient(urls[region], { max: 2 }) as SqlClient])) as Record<BenchRegion, SqlClient>;
  const applied = {} as Record<BenchRegion, string[]>;
  const rows = {} as Record<BenchRegion, Record<string, number>>;
  let generationSeconds = 0;
  let analyzeSeconds = 0;
  try {
    if (!reused) {
      for (const region of BENCH_REGIONS) await recreateDatabase(names[region]);
    }
    for (const region of BENCH_REGIONS) {
      applied[region] = (await migrate(clients[region], regionMigrationsDir(region))).applied;
    }
    if (reused) {
      log(`reusing ${spec.applications.toLocaleString('en')} applications in ${Object.values(names).join(', ')} (seed ${spec.seed})`);
    } else {
      log(`generating ${spec.applications.toLocaleString('en')} applications over ${spec.years.length} years into ${Object.values(names).join(', ')} …`);
      const started = performance.now();
      const lastReported: Partial<Record<string, number>> = {};
      await writeDemoData(clients, {
        seed: spec.seed,
        applications: spec.applications,
        years: spec.years,
        onProgress: (progress: DemoProgress) => {
          const share = Math.floor((10 * progress.applicationsWritten) / Math.max(1, progress.applicationsPlanned));
          if (share > (lastReported[progress.region] ?? 0)) {
            lastReported[progress.region] = share;
            log(`  ${progress.region}: ${progress.applicationsWritten.toLocaleString('en')} / ${progress.applicationsPlanned.toLocaleString('en')} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
          }
        },
      });
      generationSeconds = (performance.now() - started) / 1000;
      log(`generated in ${generationSeconds.toFixed(1)} s`);
    }
    const anyApplied = BENCH_REGIONS.some((region) => applied[region].length > 0);
    if (!reused || anyApplied) {
      const started = performance.now();
      await Promise.all(BENCH_REGIONS.map((region) => clients[region].exec('ANALYZE')));
      analyzeSeconds = (performance.now() - started) / 1000;
      log(`ANALYZE in ${analyzeSeconds.toFixed(1)} s${anyApplied && reused ? ' (new migrations applied)' : ''}`);
    }
    if (!reused) {
      for (const region of BENCH_REGIONS) {
        await clients[region].exec(MARKER_DDL);
        await clients[region].query('INSERT INTO bench.dataset (seed, applications, years, generator, generation_seconds) VALUES ($1, $2, $3, $4, $5)', [
          wanted.seed,
          wanted.applications,
          wanted.years,
          wanted.generator,
          generationSeconds.toFixed(1),
        ]);
      }
    }
    for (const region of BENCH_REGIONS) rows[region] = await countRows(clients[region], region);
  } finally {
    await Promise.all(BENCH_REGIONS.map((region) => clients[region].close()));
  }

  // The province keeps an access log of lookups: on the server too, not in an embedded database
  // that would weigh on its memory and CPU.
  let provinceUrl: string | null = null;
  if (existsSync(regionMigrationsDir('province'))) {
    const name = `${spec.prefix}_province`;
    if (!(await server.databaseExists(name))) await recreateDatabase(name);
    provinceUrl = databaseUrl(name);
    const sql = createPostgresClient(provinceUrl, { max: 1 });
    try {
      await migrate(sql, regionMigrationsDir('province'));
    } finally {
      await sql.close();
    }
  }

  return {
    urls,
    provinceUrl,
    reused,
    generationSeconds,
    analyzeSeconds,
    applied,
    rows,
    drop: async () => {
      for (const region of BENCH_REGIONS) await dropDatabase(names[region]);
      if (provinceUrl) await dropDatabase(`${spec.prefix}_province`);
    },
  };
}

/** Normalised ID numbers of everyone a region holds (SQL: gateway.normalise_id_number). */
const PEOPLE_SQL: Record<BenchRegion, string> = {
  bz: 'SELECT DISTINCT gateway.normalise_id_number(sfzh) AS id FROM ry_jbxx',
  aks: 'SELECT DISTINCT gateway.normalise_id_number(id_card) AS id FROM applicant',
  wlmq: `SELECT DISTINCT gateway.normalise_id_number("certNo") AS id FROM "Declaration"`,
};

/** Per region, the set of normalised ID numbers it holds. Kept in memory only, never printed. */
export async function peopleByRegion(urls: Record<BenchRegion, string>): Promise<Record<BenchRegion, Set<string>>> {
  const entries = await Promise.all(
    BENCH_REGIONS.map(async (region) => {
      const sql = createPostgresClient(urls[region], { max: 1 });
      try {
        const { rows } = await sql.query<{ id: string | null }>(PEOPLE_SQL[region]);
        return [region, new Set(rows.map((row) => row.id).filter((id): id is string => id !== null))] as const;
      } finally {
        await sql.close();
      }
    }),
  );
  return Object.fromEntries(entries) as Record<BenchRegion, Set<string>>;
}

/** One application of each of these people per region (`bz:1042`), the smallest key: what a portal claims for. */
const APPLICATION_SQL: Record<'bz' | 'aks', string> = {
  bz: `SELECT gateway.normalise_id_number(p.sfzh) AS id, 'bz:' || min(a.sqsid)::text AS application
         FROM ry_jbxx p JOIN sb_sqs a ON a.ryid = p.ryid
        WHERE gateway.normalise_id_number(p.sfzh) = ANY($1::text[]) GROUP BY 1`,
  aks: `SELECT gateway.normalise_id_number(p.id_card) AS id, 'aks:' || min(r.id)::text AS application
          FROM applicant p JOIN apply_record r ON r.applicant_id = p.id
         WHERE gateway.normalise_id_number(p.id_card) = ANY($1::text[]) GROUP BY 1`,
};

/** Per region (bz and aks: every row there is a resident's), an application of each of these people. */
export async function applicationsOfPeople(urls: Record<BenchRegion, string>, idNumbers: readonly string[]): Promise<Record<'bz' | 'aks', Map<string, string>>> {
  const entries = await Promise.all(
    (['bz', 'aks'] as const).map(async (region) => {
      const sql = createPostgresClient(urls[region], { max: 1 });
      try {
        const { rows } = await sql.query<{ id: string; application: string }>(APPLICATION_SQL[region], [[...idNumbers]]);
        return [region, new Map(rows.map((row) => [row.id, row.application]))] as const;
      } finally {
        await sql.close();
      }
    }),
  );
  return Object.fromEntries(entries) as Record<'bz' | 'aks', Map<string, string>>;
}
