/**
 * `npm run db:seed -- [--applications N] [--seed S] [--years 2015-2024] [--force]`: migrates the
 * PostgreSQL portal databases configured by BZ_DATABASE_URL, AKS_DATABASE_URL and WLMQ_DATABASE_URL
 * and writes the deterministic demo data into them (demo/).
 *
 * A database whose portal tables already hold rows may be a real portal: it is refused unless
 * `--force`, which deletes every row of its portal tables first. The embedded default needs
 * nothing from here: it fills itself at start.
 */
import { parseArgs } from 'node:util';
import {
  DEFAULT_APPLICATIONS,
  DEFAULT_YEARS,
  DEMO_REGIONS,
  DemoDataError,
  minimumApplications,
  portalTablesWithRows,
  writeDemoData,
  type DemoProgress,
  type DemoRegion,
  type DemoSummary,
  type DemoTargets,
} from '../demo/index.js';
import { ConfigError, loadConfig, serviceVariable, type Config } from '../platform/config.js';
import { migrate, MigrationError, regionMigrationsDir } from '../platform/database/migrate.js';
import { createPostgresClient, maskDatabaseUrl } from '../platform/database/postgres.js';
import type { SqlClient } from '../platform/database/sql.js';

const USAGE = `Usage: npm run db:seed -- [--applications N] [--seed S] [--years 2022,2023,2024 | 2015-2024] [--force]
  --applications  applications in total across bz, aks and wlmq (default ${DEFAULT_APPLICATIONS})
  --seed          seed of the generator; the same seed writes the same rows (default DEMO_SEED or its default)
  --years         review years of the random population (default ${DEFAULT_YEARS.join(',')})
  --force         write even where the portal tables hold rows: DELETES every row of those tables first`;

interface SeedOptions {
  applications: number;
  seed: number;
  years: readonly number[];
  force: boolean;
}

class UsageError extends Error {}

function wholeNumber(name: string, raw: string): number {
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(value)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  return value;
}

/** `2022,2023,2024` or the range `2015-2024`. */
function parseYears(raw: string): number[] {
  const range = /^([0-9]{4})-([0-9]{4})$/.exec(raw);
  if (range) {
    const [from, until] = [Number(range[1]), Number(range[2])];
    if (from > until) throw new UsageError(`--years range must go forward, got "${raw}"`);
    return Array.from({ length: until - from + 1 }, (_, i) => from + i);
  }
  return raw.split(',').map((part) => wholeNumber('years', part.trim()));
}

function parseOptions(argv: readonly string[], config: Config): SeedOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        applications: { type: 'string' },
        seed: { type: 'string' },
        years: { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) throw new UsageError('');
  const applications = values.applications === undefined ? DEFAULT_APPLICATIONS : wholeNumber('applications', values.applications);
  if (applications < minimumApplications()) {
    throw new UsageError(`--applications must be at least ${minimumApplications()}: the demo cast alone needs that many`);
  }
  return {
    applications,
    seed: values.seed === undefined ? config.demoSeed : wholeNumber('seed', values.seed),
    years: values.years === undefined ? DEFAULT_YEARS : parseYears(values.years),
    force: values.force ?? false,
  };
}

/** An error's code and message; the URL (which may hold a password) is never part of it. */
function describe(error: unknown): string {
  if (error instanceof DemoDataError || error instanceof MigrationError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return `${typeof code === 'string' ? code : 'DATABASE_ERROR'}: ${error.message}`;
  }
  return `DATABASE_ERROR: ${String(error)}`;
}

function printSummary(summary: DemoSummary, seconds: number): void {
  console.log(
    `Wrote ${summary.applications.toLocaleString('en')} applications (seed ${summary.seed}, years ${summary.years.join(', ')}) in ${seconds.toFixed(1)} s:`,
  );
  for (const region of DEMO_REGIONS) {
    const written = summary.regions[region];
    if (!written) continue;
    const tables = Object.entries(written.rows)
      .map(([table, rows]) => `${table} ${rows.toLocaleString('en')}`)
      .join(', ');
    console.log(`  ${region}: ${written.applications.toLocaleString('en')} applications, ${written.people.toLocaleString('en')} people — ${tables}`);
  }
}

/** Prints each region's progress at every further tenth. */
function progressPrinter(started: number): (progress: DemoProgress) => void {
  const printed: Partial<Record<DemoRegion, number>> = {};
  return (progress) => {
    const tenth = Math.floor((10 * progress.applicationsWritten) / Math.max(1, progress.applicationsPlanned));
    if (tenth <= (printed[progress.region] ?? 0)) return;
    printed[progress.region] = tenth;
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(`  ${progress.region}: ${progress.applicationsWritten.toLocaleString('en')} / ${progress.applicationsPlanned.toLocaleString('en')} (${seconds} s)`);
  };
}

async function main(): Promise<number> {
  let config: Config;
  let options: SeedOptions;
  try {
    config = loadConfig();
    options = parseOptions(process.argv.slice(2), config);
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) console.error(error.message);
      console.error(USAGE);
      return error.message ? 2 : 0;
    }
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }

  const urls: Partial<Record<DemoRegion, string>> = {};
  for (const region of DEMO_REGIONS) {
    const database = config.regionDatabases[region];
    if (database?.kind === 'postgres') urls[region] = database.url;
  }
  const configured = DEMO_REGIONS.filter((region) => urls[region] !== undefined);
  if (configured.length === 0) {
    console.log(
      `No portal database is configured (${DEMO_REGIONS.map((r) => serviceVariable(r, 'DATABASE_URL')).join(', ')}): ` +
        'the embedded default fills itself with demo data at start. Nothing to do.',
    );
    return 0;
  }
  // A registered region the generator does not know gets no rows from it, said rather than silent:
  // its module's own demoRows fill it when it runs embedded (subgraphs/template/module.ts).
  const unknown = Object.keys(config.regionDatabases).filter((region) => !(DEMO_REGIONS as readonly string[]).includes(region));
  if (unknown.length > 0) {
    console.log(
      `Not known to the demo generator, not written: ${unknown.join(', ')} (a region's own demoRows fill it when it runs embedded; on PostgreSQL, fill it yourself).`,
    );
  }
  const skipped = DEMO_REGIONS.filter((region) => urls[region] === undefined);
  if (skipped.length > 0) {
    console.log(`Not configured, skipped: ${skipped.join(', ')} (their share of --applications is not written elsewhere).`);
  }

  const clients: DemoTargets = {};
  const opened: SqlClient[] = [];
  try {
    for (const region of configured) {
      const sql = createPostgresClient(urls[region]!, { max: 2 });
      opened.push(sql);
      clients[region] = sql;
    }

    // Checked before migrating or writing anything, so that a real portal is left untouched and
    // one occupied database stops the whole run.
    let refused = false;
    for (const region of configured) {
      const occupied = await portalTablesWithRows(clients[region]!, region);
      if (occupied.length === 0) continue;
      const where = maskDatabaseUrl(urls[region]!);
      if (options.force) {
        console.log(`${region}: --force given: deleting every row of ${occupied.join(', ')} and the other portal tables (${where}).`);
      } else {
        console.error(
          `${region}: refusing to write: the portal tables ${occupied.join(', ')} already hold rows (${where}). ` +
            'This may be a real portal database. Point the URL at an empty database, or re-run with --force ' +
            'to DELETE every row of its portal tables and write demo data instead.',
        );
        refused = true;
      }
    }
    if (refused) return 1;

    for (const region of configured) {
      const migrated = await migrate(clients[region]!, regionMigrationsDir(region));
      console.log(
        `${region}: migrations applied ${migrated.applied.length}, already applied ${migrated.alreadyApplied.length} (${maskDatabaseUrl(urls[region]!)})`,
      );
    }

    console.log(`Writing ${options.applications.toLocaleString('en')} applications (seed ${options.seed}) …`);
    const started = performance.now();
    const summary = await writeDemoData(clients, {
      seed: options.seed,
      applications: options.applications,
      years: options.years,
      replaceExisting: options.force,
      onProgress: progressPrinter(started),
    });
    printSummary(summary, (performance.now() - started) / 1000);
    return 0;
  } catch (error) {
    // Each region is written in one transaction: a region that failed holds none of this run's rows.
    console.error(`Seeding failed: ${describe(error)}`);
    return 1;
  } finally {
    await Promise.all(opened.map((sql) => sql.close()));
  }
}

process.exitCode = await main();
