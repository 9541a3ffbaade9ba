/**
 * Builds any of the five services by name from configuration: `gateway`, `province`, or a region
 * code. Used by `npm start` (one process per service) and by the end-to-end tests (all in one
 * process, so a test can stop one of them).
 */
import { REGIONS } from '../domain/regions.js';
import { createGatewayService } from '../gateway/server.js';
import { loadRegionalModule } from '../subgraphs/registry.js';
import { createProvinceService } from '../subgraphs/province/service.js';
import { createRegionalService } from '../subgraphs/template/service.js';
import type { Config } from './config.js';
import { startService, type RunningService } from './http.js';
import { createLogger } from './logger.js';

export const SERVICE_NAMES = ['province', ...REGIONS.map((region) => region.code), 'gateway'] as const;

export interface StartedService extends RunningService {
  name: string;
  /** SQL statements sent so far (regional services only). */
  statements?: () => number;
}

export async function startNamedService(name: string, config: Config, port?: number): Promise<StartedService> {
  const log = createLogger({ service: name, level: config.logLevel, file: config.logFile });
  const listenOn = port ?? (name === 'gateway' ? config.gatewayPort : (config.servicePorts[name] ?? 0));
  const started = async (
    running: RunningService,
    close: () => Promise<void>,
    statements?: () => number,
  ): Promise<StartedService> => ({
    name,
    url: running.url,
    port: running.port,
    ...(statements ? { statements } : {}),
    stop: async () => {
      await running.stop();
      await close();
    },
  });

  if (name === 'gateway') {
    const gateway = createGatewayService({
      subgraphUrls: config.subgraphUrls,
      timeoutMs: config.subgraphTimeoutMs,
      log,
      introspection: config.environment !== 'production',
      auth: config.auth,
      internalTokenSecret: config.internalTokenSecret,
      regions: Object.keys(config.regionDatabases),
      production: config.environment === 'production',
    });
    return started(await startService(gateway, listenOn, config.listenHost), gateway.close);
  }
  if (name === 'province') {
    const province = createProvinceService(REGIONS, config, log);
    return started(await startService(province, listenOn, config.listenHost), province.close);
  }
  const regional = await createRegionalService(await loadRegionalModule(name), config, log);
  return started(await startService(regional, listenOn, config.listenHost), regional.close, regional.statements);
}
