/**
 * What a region folder exports to be served: its registry entry and how to build its source from
 * a Prisma driver adapter. Everything else comes from the template.
 */
import type { RegionDefinition } from '../../domain/regions.js';
import type { PrismaAdapter } from '../../platform/database/adapter.js';
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
}
