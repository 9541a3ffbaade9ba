/**
 * The subgraphs of a federation with a fourth prefecture, hm (test/fixtures/prefecture), in this
 * process: bz, aks and wlmq on their PostgreSQL test databases, hm embedded with its own demo rows
 * (its Prisma client generated here, the step `npm run generate` does for prisma/*), and a
 * province whose registry knows all four. A gateway over them runs in this process (`startGateway`)
 * or as production runs it (test/e2e/supergraph-reload.test.ts).
 */
import { execFileSync } from 'node:child_process';
import type { BaseContext } from '@apollo/server';
import { REGIONS, type RegionDefinition } from '../../domain/regions.js';
import { loadConfig, type Config } from '../../platform/config.js';
import { createGatewayService, type GatewayOptions } from '../../gateway/server.js';
import { startService, type RunningService, type ServiceOptions } from '../../platform/http.js';
import { createLogger } from '../../platform/logger.js';
import { ServiceMetrics } from '../../platform/metrics.js';
import { REPO_ROOT } from '../../bench/processes.js';
import { startNamedService } from '../../app/services.js';
import { createProvinceService } from '../../subgraphs/province/service.js';
import { createRegionalService } from '../../subgraphs/template/service.js';
import { HAMI, hmModule, type HmPrismaClient } from '../fixtures/prefecture/region.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** The registry with hm: what the province of these tests knows. */
export const REGISTRY: readonly RegionDefinition[] = [...REGIONS, HAMI];

export interface FourRegions {
  /** The configuration the subgraphs run with (it knows hm). */
  config: Config;
  /** Each subgraph's GraphQL URL: province, bz, aks, wlmq, hm. */
  subgraphUrls: Record<string, string>;
  /** The three registered regions' databases and the province's. */
  databases: Record<string, TestDatabase>;
  province: TestDatabase;
  /** hm's Prometheus registry (it runs in this process). */
  hmMetrics: ServiceMetrics;
  /**
   * A gateway in this process over these subgraphs (all five unless `subgraphUrls` says otherwise),
   * with its supergraph given as `supergraphSdl` or `supergraphFile`; stopped by `stop()`.
   */
  startGateway(options: Pick<GatewayOptions, 'supergraphSdl' | 'supergraphFile' | 'watchSupergraph'> & { subgraphUrls?: Record<string, string> }): Promise<RunningService>;
  stop(): Promise<void>;
}

export async function startFourRegions(options: {
  env?: Record<string, string>;
  /** Fills the registered regions' databases before the services start. */
  seed?: (databases: Record<string, TestDatabase>) => Promise<void>;
}): Promise<FourRegions> {
  execFileSync(process.execPath, ['scripts/prisma-generate.mjs', 'test/fixtures/prefecture/schema.prisma'], { cwd: REPO_ROOT });
  const clientPath = new URL('../../generated/prisma/hm/client.ts', import.meta.url).href;
  const { PrismaClient } = (await import(/* @vite-ignore */ clientPath)) as { PrismaClient: HmPrismaClient };

  const databases: Record<string, TestDatabase> = {};
  const env: Record<string, string> = { ...options.env };
  for (const region of REGIONS) {
    databases[region.code] = await createTestDatabase(region.code);
    env[`${region.code.toUpperCase()}_DATABASE_URL`] = databases[region.code]!.url;
  }
  const province = await createTestDatabase('province');
  env.PROVINCE_DATABASE_URL = province.url;
  await options.seed?.(databases);
  // hm has no database URL: it runs embedded, migrated from its own migrations and filled with its demo rows.
  const config = loadConfig(env, REGISTRY.map((region) => region.code));

  const running: RunningService[] = [];
  const closers: Array<() => Promise<void>> = [];
  const serve = async <C extends BaseContext>(service: ServiceOptions<C> & { close(): Promise<void> }) => {
    const started = await startService(service, 0, config.listenHost);
    running.push(started);
    closers.push(() => service.close());
    return started.url;
  };
  const parts = (name: string) => ({ log: createLogger({ service: name, level: config.logLevel }), metrics: new ServiceMetrics(name, { processMetrics: false }) });

  const subgraphUrls: Record<string, string> = {};
  for (const region of REGIONS) {
    const started = await startNamedService(region.code, config, 0);
    closers.push(() => started.stop());
    subgraphUrls[region.code] = started.url;
  }
  const hm = parts('hm');
  subgraphUrls.hm = await serve(await createRegionalService(hmModule(PrismaClient), config, hm.log, hm.metrics));
  const provinceParts = parts('province');
  subgraphUrls.province = await serve(createProvinceService(REGISTRY, { ...config, subgraphUrls: { ...config.subgraphUrls, ...subgraphUrls } }, provinceParts.log, provinceParts.metrics));

  return {
    config,
    subgraphUrls,
    databases,
    province,
    hmMetrics: hm.metrics,
    async startGateway(options) {
      const gateway = parts('gateway');
      const url = await serve(
        createGatewayService({
          subgraphUrls,
          ...options,
          timeoutMs: config.subgraphTimeoutMs,
          log: gateway.log,
          auth: config.auth,
          internalTokenSecret: config.internalTokenSecret,
          regions: REGISTRY.map((region) => region.code),
          metrics: gateway.metrics,
        }),
      );
      return running.find((service) => service.url === url)!;
    },
    async stop() {
      for (const service of running.reverse()) await service.stop();
      for (const close of closers) await close();
      for (const database of [...Object.values(databases), province]) await database.drop();
    },
  };
}
