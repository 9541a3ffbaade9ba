/**
 * Writes deterministic demo data into the three portal databases, each in its portal's own local
 * format, through SqlClient (so PostgreSQL and embedded PGlite alike).
 *
 * - Deterministic: everything is drawn from the seed (./random.ts); the same seed, size and years
 *   give byte-identical rows.
 * - Streamed: rows are written in chunks as they are drawn, never all held at once, so a million
 *   applications need no more memory than a thousand.
 * - Each region is written in one transaction, and the three regions in parallel.
 */
import { REGIONS as REGISTRY } from '../domain/regions.js';
import type { SqlClient } from '../platform/database/sql.js';
import { aksGenerator } from './aks.js';
import { bzGenerator } from './bz.js';
import { CAST_MEMBERS, CAST_YEARS, castApplicationCounts } from './cast.js';
import { persona, populationContext, type PopulationContext } from './population.js';
import { createRandom, mixSeed, type Random } from './random.js';
import type { DemoRegion, DrawContext, RegionGenerator } from './region.js';
import { wlmqGenerator } from './wlmq.js';

export type { DemoRegion } from './region.js';

export type DemoTargets = Partial<Record<DemoRegion, SqlClient>> & Record<string, SqlClient>;

export interface DemoProgress {
  region: DemoRegion;
  applicationsWritten: number;
  applicationsPlanned: number;
}

export interface WriteDemoDataOptions {
  /** Seed of every draw. The same seed gives the same rows. */
  seed: number;
  /**
   * Applications in total across the demo regions, cast included: about 40% bz, 30% aks, 30% wlmq.
   * A region left out of `targets` is skipped; its share is not moved to the others.
   * @default 1000
   */
  applications?: number;
  /**
   * Review years of the random population. The cast always applies in 2023 and 2024, and aks
   * batches are written for those years too.
   * @default [2022, 2023, 2024]
   */
  years?: readonly number[];
  /** Called after every chunk a region writes. */
  onProgress?: (progress: DemoProgress) => void;
  /**
   * Delete every row of the portal tables first. Without it, a target whose portal tables already
   * hold rows is refused, so that a real portal is never written into by accident.
   * @default false
   */
  replaceExisting?: boolean;
}

export interface RegionSummary {
  applications: number;
  /** People (bz, aks) or distinct persons declared (wlmq), cast included. */
  people: number;
  /** Rows written per portal table. */
  rows: Readonly<Record<string, number>>;
}

export interface DemoSummary {
  seed: number;
  years: readonly number[];
  /** Applications written, all regions together. */
  applications: number;
  regions: Partial<Record<DemoRegion, RegionSummary>>;
}

export type DemoDataErrorCode = 'INVALID_OPTIONS' | 'TARGET_NOT_EMPTY' | 'TARGET_NOT_MIGRATED';

export class DemoDataError extends Error {
  constructor(
    readonly code: DemoDataErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DemoDataError';
  }
}

export const DEFAULT_APPLICATIONS = 1000;
export const DEFAULT_YEARS: readonly number[] = [2022, 2023, 2024];

/** Share of applications made by people who apply in two regions in the same review year. */
const CROSS_REGION_SHARE = 0.01;
/** Rows buffered before a region writes them: big enough to amortise a statement, small enough to stream. */
const CHUNK_ROWS = 20_000;

/** Each demo region's share of the applications; the last region in registry order takes the rounding remainder. */
const REGION_SHARES: Readonly<Record<DemoRegion, number>> = { bz: 0.4, aks: 0.3, wlmq: 0.3 };
const PORTAL_TABLES: Readonly<Record<DemoRegion, readonly string[]>> = {
  bz: bzGenerator.portalTables,
  aks: aksGenerator.portalTables,
  wlmq: wlmqGenerator.portalTables,
};

export function isDemoRegion(code: string): code is DemoRegion {
  return Object.hasOwn(REGION_SHARES, code);
}

/** The regions that have a generator, in the registry's order (domain/regions.ts). */
export const DEMO_REGIONS: readonly DemoRegion[] = REGISTRY.map((region) => region.code).filter(isDemoRegion);
/**
 * Person keys are `stride·n + slot`: each region's own people (slot = its place in DEMO_REGIONS),
 * and people of several regions (the last slot), never collide.
 */
const KEY_STRIDE = DEMO_REGIONS.length + 1;
const KEY_SLOTS = Object.fromEntries(DEMO_REGIONS.map((region, index) => [region, index])) as Readonly<Record<DemoRegion, number>>;
const CROSS_REGION_SLOT = DEMO_REGIONS.length;
/** Every pair of demo regions, in registry order. */
const REGION_PAIRS: ReadonlyArray<readonly [DemoRegion, DemoRegion]> = DEMO_REGIONS.flatMap((first, index) =>
  DEMO_REGIONS.slice(index + 1).map((second) => [first, second] as const),
);

/** Applications per region for a total: by each region's share, the rounding remainder to the last. */
export function applicationsPerRegion(total: number): Record<DemoRegion, number> {
  const split = {} as Record<DemoRegion, number>;
  let left = total;
  DEMO_REGIONS.forEach((region, index) => {
    split[region] = index === DEMO_REGIONS.length - 1 ? left : Math.round(total * REGION_SHARES[region]);
    left -= split[region];
  });
  return split;
}

/** The smallest total whose every region's share holds its cast. */
export function minimumApplications(): number {
  const cast = castApplicationCounts();
  for (let total = 1; ; total++) {
    const split = applicationsPerRegion(total);
    if (DEMO_REGIONS.every((region) => split[region] >= cast[region])) return total;
  }
}

interface CrossRegionPerson {
  key: number;
  regions: readonly [DemoRegion, DemoRegion];
  year: number;
}

/** People who apply in two regions in the same year; each region finds its own among them. */
function crossRegionPeople(seed: number, total: number, years: readonly number[]): CrossRegionPerson[] {
  const count = Math.floor((total * CROSS_REGION_SHARE) / 2);
  return Array.from({ length: count }, (_, index) => {
    const random = createRandom(mixSeed(seed, 0xc205, index));
    return { key: KEY_STRIDE * index + CROSS_REGION_SLOT, regions: random.pick(REGION_PAIRS), year: random.pick(years) };
  });
}

/** How many applications a random person makes: most apply once, some over several years. */
function applicationCount(random: Random, limit: number): number {
  return Math.min(limit, random.weighted([[1, 70], [2, 22], [3, 8]] as const));
}

/** `count` distinct years, ascending. */
function pickYears(random: Random, years: readonly number[], count: number): number[] {
  const pool = [...years];
  for (let i = 0; i < count; i++) {
    const j = random.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}

function validate(options: WriteDemoDataOptions): { total: number; years: number[] } {
  const { seed } = options;
  if (!Number.isSafeInteger(seed)) throw new DemoDataError('INVALID_OPTIONS', `seed must be an integer, got ${String(seed)}`);
  const total = options.applications ?? DEFAULT_APPLICATIONS;
  const minimum = minimumApplications();
  if (!Number.isSafeInteger(total) || total < minimum) {
    throw new DemoDataError('INVALID_OPTIONS', `applications must be a whole number of at least ${minimum} (the demo cast), got ${String(total)}`);
  }
  const years = [...new Set(options.years ?? DEFAULT_YEARS)].sort((a, b) => a - b);
  if (years.length === 0 || years.some((year) => !Number.isInteger(year) || year < 1990 || year > 2100)) {
    throw new DemoDataError('INVALID_OPTIONS', 'years must list review years between 1990 and 2100');
  }
  return { total, years };
}

async function existingTables(sql: SqlClient, tables: readonly string[]): Promise<string[]> {
  const present: string[] = [];
  for (const table of tables) {
    const { rows } = await sql.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
    if (rows[0]?.present) present.push(table);
  }
  return present;
}

/**
 * The portal tables of `region` that exist and already hold rows (SQL names, e.g. `"Declaration"`).
 * Safe on a database not migrated yet, so that it can be asked before touching anything.
 */
export async function portalTablesWithRows(sql: SqlClient, region: DemoRegion): Promise<string[]> {
  const withRows: string[] = [];
  for (const table of await existingTables(sql, PORTAL_TABLES[region])) {
    const { rows } = await sql.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${table}) AS any`);
    if (rows[0]?.any) withRows.push(table);
  }
  return withRows;
}

async function requireMigrated(sql: SqlClient, region: DemoRegion): Promise<void> {
  const present = new Set(await existingTables(sql, PORTAL_TABLES[region]));
  const missing = PORTAL_TABLES[region].filter((table) => !present.has(table));
  if (missing.length > 0) {
    throw new DemoDataError(
      'TARGET_NOT_MIGRATED',
      `The ${region} database has no table ${missing.join(', ')}: migrate it first (npm run db:migrate).`,
    );
  }
}

interface RegionPlan {
  seed: number;
  population: PopulationContext;
  years: readonly number[];
  batchYears: readonly number[];
  currentYear: number;
  applications: number;
  crossRegion: readonly CrossRegionPerson[];
  replaceExisting: boolean;
  onProgress?: (progress: DemoProgress) => void;
}

async function writeRegion<R>(generator: RegionGenerator<R>, sql: SqlClient, plan: RegionPlan): Promise<RegionSummary> {
  const { region } = generator;
  const cast = CAST_MEMBERS.flatMap((member) => {
    const records = generator.castRecords(member);
    return records ? [records] : [];
  });
  const castApplications = cast.reduce((sum, records) => sum + generator.applicationCount(records), 0);
  const crossRegion = plan.crossRegion
    .filter((person) => person.regions.includes(region))
    .slice(0, plan.applications - castApplications);
  const randomApplications = plan.applications - castApplications - crossRegion.length;
  const context: DrawContext = { random: createRandom(mixSeed(plan.seed, KEY_SLOTS[region], 0xd3e0)), currentYear: plan.currentYear };
  const report = (written: number) =>
    plan.onProgress?.({ region, applicationsWritten: written, applicationsPlanned: plan.applications });

  return sql.transaction(async (tx) => {
    await requireMigrated(tx, region);
    const occupied = await portalTablesWithRows(tx, region);
    if (occupied.length > 0) {
      if (!plan.replaceExisting) {
        throw new DemoDataError(
          'TARGET_NOT_EMPTY',
          `The ${region} database already holds rows in ${occupied.join(', ')}: demo data is written only into empty portal tables.`,
        );
      }
      await tx.exec(`TRUNCATE ${generator.portalTables.join(', ')} RESTART IDENTITY`);
    }
    const writer = generator.createWriter();
    await writer.writeReferenceData(tx, plan.batchYears);

    let written = 0;
    let people = 0;
    const add = async (records: R) => {
      writer.add(records);
      written += generator.applicationCount(records);
      people++;
      if (writer.pendingRows >= CHUNK_ROWS) {
        await writer.flush(tx);
        report(written);
      }
    };

    for (const records of cast) await add(records);
    // Cross-region people are spread evenly among the random ones rather than bunched together.
    let randomWritten = 0;
    let crossWritten = 0;
    let next = 0;
    while (randomWritten < randomApplications || crossWritten < crossRegion.length) {
      const dueAt = Math.floor(((crossWritten + 1) * randomApplications) / (crossRegion.length + 1));
      if (crossWritten < crossRegion.length && randomWritten >= dueAt) {
        const shared = crossRegion[crossWritten++]!;
        await add(generator.drawPerson(context, persona(plan.population, shared.key, shared.regions[0]), [shared.year], true));
      } else {
        const count = applicationCount(context.random, Math.min(randomApplications - randomWritten, plan.years.length));
        const person = persona(plan.population, KEY_STRIDE * next++ + KEY_SLOTS[region], region);
        await add(generator.drawPerson(context, person, pickYears(context.random, plan.years, count), false));
        randomWritten += count;
      }
    }
    await writer.finish(tx);
    report(written);
    return { applications: written, people, rows: { ...writer.counts } };
  });
}

function writeRegionOf(region: DemoRegion, sql: SqlClient, plan: RegionPlan): Promise<RegionSummary> {
  switch (region) {
    case 'bz':
      return writeRegion(bzGenerator, sql, plan);
    case 'aks':
      return writeRegion(aksGenerator, sql, plan);
    case 'wlmq':
      return writeRegion(wlmqGenerator, sql, plan);
  }
}

/**
 * Writes the demo cast (./cast.ts) and a random population into the given portal databases,
 * which must be migrated and, unless `replaceExisting`, have empty portal tables.
 * @throws DemoDataError INVALID_OPTIONS, TARGET_NOT_EMPTY or TARGET_NOT_MIGRATED.
 */
export async function writeDemoData(targets: DemoTargets, options: WriteDemoDataOptions): Promise<DemoSummary> {
  const { total, years } = validate(options);
  const unknown = Object.keys(targets).filter((code) => !isDemoRegion(code));
  if (unknown.length > 0) {
    // Refused rather than skipped: a region added to the registry must not silently start empty.
    throw new DemoDataError('INVALID_OPTIONS', `No demo-data generator for region ${unknown.join(', ')}: add one under demo/ (see demo/region.ts).`);
  }
  const split = applicationsPerRegion(total);
  const population = populationContext(options.seed);
  const batchYears = [...new Set([...years, ...CAST_YEARS])].sort((a, b) => a - b);
  const crossRegion = crossRegionPeople(options.seed, total, years);
  const selected = DEMO_REGIONS.filter((region) => targets[region] !== undefined);

  const outcomes = await Promise.allSettled(
    selected.map((region) =>
      writeRegionOf(region, targets[region]!, {
        seed: options.seed,
        population,
        years,
        batchYears,
        currentYear: batchYears[batchYears.length - 1]!,
        applications: split[region],
        crossRegion,
        replaceExisting: options.replaceExisting ?? false,
        onProgress: options.onProgress,
      }),
    ),
  );
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;

  const regions: Partial<Record<DemoRegion, RegionSummary>> = {};
  let applications = 0;
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') {
      regions[selected[index]!] = outcome.value;
      applications += outcome.value.applications;
    }
  });
  return { seed: options.seed, years, applications, regions };
}
