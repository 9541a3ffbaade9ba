/**
 * What a region folder exports to be served: its registry entry and how to build its source from
 * a Prisma driver adapter. Everything else comes from the template.
 */
import { regionByCode, REGIONS, type RegionDefinition } from '../../domain/regions.js';
import type { PrismaAdapter } from '../../platform/database/adapter.js';
import type { SqlClient } from '../../platform/database/sql.js';
import type { DataQualityReporter } from './dataQuality.js';
import type { RegionalSource } from './source.js';

/** What Prisma's `query` event tells of a statement (its parameters are not passed on). */
export interface StatementEvent {
  query: string;
  /** ms */
  duration: number;
}

export interface SourceHooks {
  report: DataQualityReporter;
  /** Called once per SQL statement the region's Prisma client sends (metrics and tests). */
  onStatement: (statement: StatementEvent) => void;
}

export interface ConnectedSource {
  source: RegionalSource;
  disconnect(): Promise<void>;
}

export interface RegionalModule {
  region: RegionDefinition;
  connect(adapter: PrismaAdapter, hooks: SourceHooks): ConnectedSource;
  /** The portal's migrations. @default prisma/<code>/migrations */
  migrations?: string;
  /** Fills an embedded database with demo rows; a region the demo generator (demo/) does not know must. */
  demoRows?: (sql: SqlClient) => Promise<unknown>;
}

/** What the kit needs of a region's generated Prisma client, made with `log: QUERY_EVENTS`. */
export interface RegionalPrismaClient {
  $on(event: 'query', listener: (statement: StatementEvent) => void): void;
  $disconnect(): Promise<void>;
}

/** The client option that makes Prisma emit an event per SQL statement (counted for metrics and tests). */
export const QUERY_EVENTS = [{ emit: 'event', level: 'query' }] as const;

/**
 * A region's module from its registry code, how to make its Prisma client over an adapter, and
 * how to make its source over that client: the wiring every region shares.
 */
export function prismaRegion<P extends RegionalPrismaClient>(
  code: string,
  client: (adapter: PrismaAdapter) => P,
  createSource: (prisma: P, report: DataQualityReporter) => RegionalSource,
  regions: readonly RegionDefinition[] = REGIONS,
  options: Pick<RegionalModule, 'migrations' | 'demoRows'> = {},
): RegionalModule {
  const region = regionByCode(code, regions);
  if (!region) throw new Error(`No region ${code} in the registry`);
  return {
    region,
    ...options,
    connect(adapter, hooks) {
      const prisma = client(adapter);
      prisma.$on('query', hooks.onStatement);
      return { source: createSource(prisma, hooks.report), disconnect: () => prisma.$disconnect() };
    },
  };
}
