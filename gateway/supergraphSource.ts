/**
 * Where the gateway's supergraph comes from, and how a new one replaces it without a restart:
 * @apollo/gateway's own extension point, `supergraphSdl` as a function (a SupergraphManager) that
 * is handed `update`. A reload (a change of the file, or SIGHUP through `reload()`) reads the file,
 * checks it, and only then calls `update`: the gateway plans new operations with the new
 * supergraph, and an operation already planned finishes on the old plan. A file that fails a check
 * is refused with one log line saying why, and the loaded supergraph keeps serving.
 *
 * The checks: the file builds as a supergraph (@apollo/federation-internals; the gateway's own
 * load validates it in full, `validateSupergraph`); every subgraph it names has a URL the gateway can call (configured, or written in
 * the supergraph, never the placeholder `npm run compose` writes); and each of them answers its
 * GET /ready with 200 now. Apollo's own `healthCheck` is not used: it builds a second data source
 * per subgraph (here a second circuit breaker) for a single request without the caller's context.
 */
import { Supergraph } from '@apollo/federation-internals';
import type { SupergraphManager } from '@apollo/gateway';
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Agent } from 'undici';
import type { Logger } from '../platform/logger.js';
import type { ServiceMetrics } from '../platform/metrics.js';

/** The supergraph being served. */
export interface LoadedSupergraph {
  /** SHA-256 of the SDL, hex: what /ready, the metrics and the logs call the version. */
  hash: string;
  loadedAt: Date;
  /** The subgraphs it names, sorted. */
  subgraphs: string[];
}

export type ReloadOutcome =
  | { outcome: 'loaded'; supergraph: LoadedSupergraph }
  | { outcome: 'unchanged'; supergraph: LoadedSupergraph }
  | { outcome: 'rejected'; reason: string; supergraph: LoadedSupergraph };

export interface SupergraphSourceOptions {
  /** The SDL itself (tests), or a file to read and reload. Exactly one. */
  sdl?: string;
  file?: string;
  /** Reload when the file changes. @default false */
  watch?: boolean;
  /** The URL the gateway calls for a subgraph, or undefined when neither configuration nor the supergraph gives one. */
  urlOf(name: string, supergraphUrl: string | undefined): string | undefined;
  log: Logger;
  metrics: ServiceMetrics;
  /** How long each subgraph's /ready may take during a reload, ms. @default 2000 */
  probeTimeoutMs?: number;
  /** Quiet time after the last change event before the file is read (editors write in steps), ms. @default 200 */
  settleMs?: number;
}

export interface SupergraphSource {
  /** For ApolloGateway's `supergraphSdl` option. */
  manager: SupergraphManager;
  /** Reads the file again and swaps it in if it passes the checks (SIGHUP). */
  reload(): Promise<ReloadOutcome>;
  /** The supergraph being served; undefined before the gateway loaded one. */
  current(): LoadedSupergraph | undefined;
}

const hashOf = (sdl: string) => createHash('sha256').update(sdl).digest('hex');

/**
 * The subgraphs a supergraph names with their URLs; throws with the builder's message when it is
 * not a supergraph. The full validation runs once, in the gateway's own load (`update`).
 */
function subgraphsOf(sdl: string): Array<{ name: string; url: string }> {
  return Supergraph.build(sdl).subgraphsMetadata().map(({ name, url }) => ({ name, url }));
}

export function createSupergraphSource(options: SupergraphSourceOptions): SupergraphSource {
  if ((options.sdl === undefined) === (options.file === undefined)) throw new TypeError('createSupergraphSource: give exactly one of sdl and file');
  const probeTimeoutMs = options.probeTimeoutMs ?? 2_000;
  const { log, metrics } = options;
  const reloads = metrics.counter({
    name: 'xjzc_supergraph_reloads_total',
    help: 'Supergraph reloads by outcome: loaded, unchanged, rejected (the loaded one kept serving).',
    labelNames: ['outcome'],
  });
  const info = metrics.gauge({ name: 'xjzc_supergraph_info', help: 'The supergraph being served (1), by the SHA-256 of its SDL.', labelNames: ['hash'] });
  const loadedAtGauge = metrics.gauge({ name: 'xjzc_supergraph_loaded_timestamp_seconds', help: 'When the supergraph being served was loaded.' });

  let update: ((sdl: string) => void) | undefined;
  let loaded: LoadedSupergraph | undefined;
  let watcher: FSWatcher | undefined;
  let settle: NodeJS.Timeout | undefined;
  // One reload at a time: a signal during a file-triggered reload waits for it, then reads again.
  let queue: Promise<unknown> = Promise.resolve();
  const agent = new Agent({ connections: 2, connectTimeout: probeTimeoutMs, headersTimeout: probeTimeoutMs, bodyTimeout: probeTimeoutMs });

  const read = () => (options.file !== undefined ? readFile(options.file, 'utf8') : Promise.resolve(options.sdl!));

  const served = (sdl: string, subgraphs: ReadonlyArray<{ name: string }>): LoadedSupergraph => {
    const next = { hash: hashOf(sdl), loadedAt: new Date(), subgraphs: subgraphs.map((subgraph) => subgraph.name).sort() };
    if (loaded) info.remove({ hash: loaded.hash });
    info.set({ hash: next.hash }, 1);
    loadedAtGauge.set(next.loadedAt.getTime() / 1000);
    loaded = next;
    return next;
  };

  /** Why this SDL cannot be served, or null when it can. */
  const problemWith = async (sdl: string): Promise<{ problem: string } | { subgraphs: Array<{ name: string; url: string }> }> => {
    let subgraphs;
    try {
      subgraphs = subgraphsOf(sdl);
    } catch (error) {
      return { problem: `not a valid supergraph: ${error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error)}` };
    }
    const calls = subgraphs.map(({ name, url }) => ({ name, url: options.urlOf(name, url) }));
    const noUrl = calls.filter((call) => call.url === undefined).map((call) => call.name);
    if (noUrl.length > 0) {
      return { problem: `no URL for subgraph(s) ${noUrl.join(', ')}: set <NAME>_SUBGRAPH_URL, or compose with --url <name>=<url>` };
    }
    const states = await Promise.all(calls.map(async ({ name, url }) => ({ name, ready: await answersReady(url!) })));
    const notReady = states.filter((state) => !state.ready).map((state) => state.name);
    if (notReady.length > 0) return { problem: `subgraph(s) ${notReady.join(', ')} did not answer ready (GET /ready 200 within ${probeTimeoutMs} ms)` };
    return { subgraphs };
  };

  const answersReady = async (graphqlUrl: string): Promise<boolean> => {
    const target = new URL('ready', new URL('.', graphqlUrl));
    try {
      const response = await agent.request({ origin: target.origin, path: target.pathname, method: 'GET', signal: AbortSignal.timeout(probeTimeoutMs) });
      await response.body.dump();
      return response.statusCode === 200;
    } catch {
      return false;
    }
  };

  const reloadOnce = async (): Promise<ReloadOutcome> => {
    const current = loaded!;
    const refuse = (reason: string): ReloadOutcome => {
      reloads.inc({ outcome: 'rejected' });
      // The file's path is the operator's own; the reason names subgraphs, never a URL or a secret.
      log.error({ event: 'supergraph_rejected', file: options.file, reason, servingHash: current.hash }, `supergraph refused, still serving ${current.hash.slice(0, 12)}: ${reason}`);
      return { outcome: 'rejected', reason, supergraph: current };
    };
    let sdl: string;
    try {
      sdl = await read();
    } catch (error) {
      return refuse(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (hashOf(sdl) === current.hash) {
      reloads.inc({ outcome: 'unchanged' });
      return { outcome: 'unchanged', supergraph: current };
    }
    const checked = await problemWith(sdl);
    if ('problem' in checked) return refuse(checked.problem);
    try {
      update!(sdl);
    } catch (error) {
      return refuse(`the gateway could not load it: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    const next = served(sdl, checked.subgraphs);
    reloads.inc({ outcome: 'loaded' });
    log.info({ event: 'supergraph_loaded', hash: next.hash, previousHash: current.hash, subgraphs: next.subgraphs }, `supergraph ${next.hash.slice(0, 12)} loaded`);
    return { outcome: 'loaded', supergraph: next };
  };

  const reload = (): Promise<ReloadOutcome> => {
    if (!update || !loaded) return Promise.reject(new Error('the gateway has not loaded its first supergraph yet'));
    const next = queue.then(reloadOnce);
    queue = next.catch(() => undefined);
    return next;
  };

  const startWatching = (file: string) => {
    // The folder, not the file: an editor replaces the file by a rename, which a watch on the old
    // file would not see again; a mounted Kubernetes ConfigMap changes by swapping its `..data` link.
    const name = path.basename(file);
    watcher = watch(path.dirname(file), (_event, changed) => {
      if (changed !== null && changed !== name && !changed.startsWith('..')) return;
      clearTimeout(settle);
      settle = setTimeout(() => void reload().catch((error: unknown) => log.error({ err: { message: String(error) } }, 'supergraph reload failed')), options.settleMs ?? 200);
    });
    watcher.unref();
  };

  const manager: SupergraphManager = {
    async initialize(hooks) {
      update = hooks.update;
      const sdl = await read();
      // At start the file must build (the gateway cannot serve without it); the subgraphs may
      // still be starting, which readiness reports (gateway/readiness.ts).
      served(sdl, subgraphsOf(sdl));
      log.info({ event: 'supergraph_loaded', hash: loaded!.hash, subgraphs: loaded!.subgraphs }, `supergraph ${loaded!.hash.slice(0, 12)} loaded`);
      if (options.file !== undefined && options.watch) startWatching(options.file);
      return {
        supergraphSdl: sdl,
        cleanup: async () => {
          watcher?.close();
          clearTimeout(settle);
          await agent.close();
        },
      };
    },
  };

  return { manager, reload, current: () => loaded };
}
