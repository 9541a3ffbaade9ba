/**
 * The application layer: builds any of the five services by name from configuration: `gateway`,
 * `province`, or a region code. Used by `npm start` (one process per service) and by the
 * end-to-end tests (all in one process, so a test can stop one of them). The one module that
 * knows every part (docs/architecture.md); nothing below imports it.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REGIONS } from '../domain/regions.js';
import { createGatewayService } from '../gateway/server.js';
import type { Config } from '../platform/config.js';
import { versionOfFiles } from '../platform/database/preparedEmbedded.js';
import type { SqlClient } from '../platform/database/sql.js';
import type { BaseContext } from '@apollo/server';
import { startService, type RunningService, type ServiceOptions } from '../platform/http.js';
import { createLogger } from '../platform/logger.js';
import { createProvinceService } from '../subgraphs/province/service.js';
import { createRegionalService } from '../subgraphs/template/service.js';
import { startMetricsListener, ServiceMetrics } from '../platform/metrics.js';
import { manifestOperationNames } from '../platform/operationManifest.js';
import { loadRegionalModule } from './regionalModules.js';

/** The demo generator's sources and the domain code it draws with: what the demo rows depend on. */
function demoGeneratorVersion(): string {
  const sources = ['../demo/', '../domain/'].flatMap((folder) => {
    const dir = fileURLToPath(new URL(folder, import.meta.url));
    return readdirSync(dir)
      .filter((file) => /\.[jt]s$/.test(file))
      .map((file) => path.join(dir, file));
  });
  return versionOfFiles(sources);
}

export const SERVICE_NAMES = ['province', ...REGIONS.map((region) => region.code), 'gateway'] as const;

export interface StartedService extends RunningService {
  name: string;
  /** Where Prometheus scrapes this service: `http://host:port/metrics`, on a port of its own. */
  metricsUrl: string;
  metrics: ServiceMetrics;
  /** What SIGHUP does: the gateway reloads its supergraph file (gateway/supergraphSource.ts). Other services have nothing to reload. */
  reload?: () => Promise<unknown>;
}

export interface StartOptions {
  /** API port; tests pass 0. @default from configuration */
  port?: number;
  /** Prometheus port. @default from configuration, or 0 (any free port) when `port` is given */
  metricsPort?: number;
  /** Node's process metrics; off when several services share one process (tests). @default true */
  processMetrics?: boolean;
}

/** `port` as a number is the API port (tests pass 0); the metrics listener then takes any free port. */
export async function startNamedService(name: string, config: Config, start: number | StartOptions = {}): Promise<StartedService> {
  const options: StartOptions = typeof start === 'number' ? { port: start, processMetrics: false } : start;
  const log = createLogger({ service: name, level: config.logLevel, file: config.logFile });
  const listenOn = options.port ?? (name === 'gateway' ? config.gatewayPort : (config.servicePorts[name] ?? 0));
  const metricsPort = options.metricsPort ?? (options.port !== undefined ? 0 : (config.metricsPorts[name] ?? 0));
  // Every service drains for the configured grace period on SIGTERM (platform/http.ts).
  const serve = <C extends BaseContext>(service: ServiceOptions<C>) =>
    startService<C>({ ...service, drainTimeoutMs: config.shutdownGraceMs }, listenOn, config.listenHost);
  const metrics = new ServiceMetrics(name, { knownOperations: manifestOperationNames(), processMetrics: options.processMetrics ?? true });
  const started = async (running: RunningService, close: () => Promise<void>, reload?: () => Promise<unknown>): Promise<StartedService> => {
    let listener;
    try {
      listener = await startMetricsListener(metrics, metricsPort, config.listenHost);
    } catch (error) {
      await running.stop();
      await close();
      throw error;
    }
    return {
      name,
      url: running.url,
      port: running.port,
      metricsUrl: listener.url,
      metrics,
      ...(reload ? { reload } : {}),
      stop: async () => {
        await running.stop();
        await close();
        await listener.stop();
      },
    };
  };

  if (name === 'gateway') {
    const gateway = createGatewayService({
      subgraphUrls: config.subgraphUrls,
      timeoutMs: config.subgraphTimeoutMs,
      portalTimeoutMs: config.portalSubgraphTimeoutMs,
      circuitBreaker: config.circuitBreaker,
      log,
      introspection: config.environment !== 'production',
      auth: config.auth,
      internalTokenSecret: config.internalTokenSecret,
      regions: Object.keys(config.regionDatabases),
      production: config.environment === 'production',
      metrics,
      admission: config.admission,
      trustedDocuments: config.trustedDocuments,
      ...(config.supergraphFile ? { supergraphFile: config.supergraphFile } : {}),
      watchSupergraph: config.watchSupergraph,
      // The pages' "use a development token" button (gateway/pages.ts): never outside development.
      developmentTokens: config.environment === 'development',
    });
    return started(await serve(gateway), gateway.close, gateway.reloadSupergraph);
  }
  if (name === 'province') {
    const province = createProvinceService(REGIONS, config, log, metrics);
    return started(await serve(province), province.close);
  }
  const regional = await createRegionalService(await loadRegionalModule(name), config, log, metrics, {
    fillEmbedded: async (sql: SqlClient) => {
      // Loaded only here: a service on a real portal database never needs the generator.
      const { writeDemoData } = await import('../demo/index.js');
      return writeDemoData({ [name]: sql }, { seed: config.demoSeed });
    },
    fillEmbeddedVersion: `${demoGeneratorVersion()} seed ${config.demoSeed}`,
  });
  return started(await serve(regional), regional.close);
}
