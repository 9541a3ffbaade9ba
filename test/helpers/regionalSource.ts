/**
 * A region's own source (its Prisma client and SQL) on a fresh test database of that region, filled
 * with demo data, recording every SQL statement the source sends.
 *
 * ```ts
 * let demo: DemoSource;
 * beforeAll(async () => { demo = await demoSource('bz', { seed: 7, applications: 1_500 }); });
 * afterAll(async () => { await demo?.close(); });
 * // demo.source is the RegionalSource; demo.statements.length counts what it sent.
 * ```
 */
import { loadRegionalModule } from '../../app/regionalModules.js';
import { writeDemoData } from '../../demo/writeDemoData.js';
import { prismaAdapterFor } from '../../platform/database/adapter.js';
import type { RegionalSource } from '../../subgraphs/template/source.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface DemoSource {
  database: TestDatabase;
  source: RegionalSource;
  /** Every statement sent so far, with its parameters as Prisma reports them (JSON text). */
  statements: Array<{ query: string; params: string }>;
  close(): Promise<void>;
}

export async function demoSource(
  code: 'bz' | 'aks' | 'wlmq',
  options: { seed: number; applications: number; before?: (database: TestDatabase) => Promise<void> },
): Promise<DemoSource> {
  const database = await createTestDatabase(code);
  await writeDemoData({ [code]: database.sql }, { seed: options.seed, applications: options.applications });
  await options.before?.(database);
  const statements: DemoSource['statements'] = [];
  const module = await loadRegionalModule(code);
  const connected = module.connect(prismaAdapterFor({ kind: 'postgres', url: database.url }), {
    report: () => {},
    // Prisma's event carries the parameters too; the project's type leaves them out (they may hold ID numbers).
    onStatement: (statement) => statements.push({ query: statement.query, params: (statement as typeof statement & { params: string }).params }),
  });
  return {
    database,
    source: connected.source,
    statements,
    close: async () => {
      await connected.disconnect();
      await database.drop();
    },
  };
}
