// Runs one service in this process: `tsx scripts/serve.ts <gateway|province|bz|aks|wlmq>`.
import { loadConfig, ConfigError } from '../platform/config.js';
import { reloadOnHangup, stopOnSignals } from '../platform/http.js';
import { createLogger } from '../platform/logger.js';
import { startTracing } from '../platform/tracing.js';
import { SERVICE_NAMES, startNamedService } from '../app/services.js';

const name = process.argv[2] ?? '';
if (!(SERVICE_NAMES as readonly string[]).includes(name)) {
  console.error(`usage: tsx scripts/serve.ts <${SERVICE_NAMES.join('|')}>`);
  process.exit(2);
}
try {
  const config = loadConfig();
  // Before the service is built: its database clients are traced only if tracing is on by then.
  const tracing = await startTracing({ service: name, otlpEndpoint: config.otlpEndpoint });
  const service = await startNamedService(name, config);
  const log = createLogger({ service: name, level: config.logLevel, file: config.logFile });
  if (tracing.phase === 'on') log.info({ exportsTo: tracing.exportsTo }, 'exporting traces');
  const stop = async () => {
    await service.stop();
    // The spans of the last requests are still in the batch.
    if (tracing.phase === 'on') await tracing.shutdown();
  };
  // Past the grace period plus time to close the pools, the process exits anyway.
  stopOnSignals(log, stop, config.shutdownGraceMs + 10_000);
  reloadOnHangup(log, service.reload);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
