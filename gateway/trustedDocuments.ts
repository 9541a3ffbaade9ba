/**
 * Trusted documents for the roles whose questions are fixed (portals, dashboards): they may send
 * only the operations of the shipped manifest (operations/manifest.json, platform/operationManifest.ts),
 * by hash as Apollo's persisted queries work (`extensions.persistedQuery.sha256Hash`, no query
 * text) or with the manifest's text itself. Analysts keep ad-hoc queries.
 *
 * TRUSTED_DOCUMENTS: `enforce` refuses any other operation of those roles (HTTP 403,
 * OPERATION_NOT_TRUSTED); `log` lets it through and logs it (the rollout mode: switch it on, read
 * the log until it is quiet, then enforce); `off` checks nothing. Whatever the mode, a manifest
 * hash is always understood.
 *
 * The judgement is made once per parsed document (Apollo Server keeps one document per query
 * text), and in the rollout mode an untrusted operation is logged once per role and hash every
 * `UNTRUSTED_LOG_INTERVAL_MS`; the metric counts every request. A portal sending the same ad-hoc
 * check a hundred times a second wrote a hundred log lines a second before, and hashed its text
 * twice on each.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { GraphQLError, print, type DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../platform/auth.js';
import type { Logger } from '../platform/logger.js';
import type { ServiceMetrics } from '../platform/metrics.js';
import { sha256Hex, type OperationManifest } from '../platform/operationManifest.js';

export type TrustedDocumentsMode = 'enforce' | 'log' | 'off';

/** How often the rollout mode logs one untrusted operation of one role again. */
export const UNTRUSTED_LOG_INTERVAL_MS = 10 * 60 * 1000;

/** Roles that may send only manifest operations; every other role sends what it likes. */
export const FIXED_OPERATION_ROLES: ReadonlySet<string> = new Set(['portal', 'dashboard']);

/**
 * Apollo Server's persisted-query cache with the manifest's operations always in it: a client
 * sends the hash alone. Other hashes are kept in a bounded LRU as Apollo's automatic persisted
 * queries do (they become no more trusted by it: trust is judged against the manifest only).
 */
export function manifestQueryCache(manifest: OperationManifest): KeyValueCache<string> {
  const bodies = new Map(manifest.operations.map((operation) => [operation.id, operation.body]));
  const others = new InMemoryLRUCache<string>({ maxSize: 8 * 1024 * 1024 });
  return {
    async get(key) {
      // Apollo Server asks for `apq:<sha256>`.
      return bodies.get(key.replace(/^apq:/, '')) ?? others.get(key);
    },
    async set(key, value, options) {
      if (!bodies.has(key.replace(/^apq:/, ''))) await others.set(key, value, options);
    },
    async delete(key) {
      await others.delete(key);
    },
  };
}

export function trustedDocumentsPlugin<TContext extends BaseContext & { principal: Principal; log: Logger }>(options: {
  manifest: OperationManifest;
  mode: TrustedDocumentsMode;
  metrics: ServiceMetrics;
}): ApolloServerPlugin<TContext> {
  const { manifest, mode } = options;
  const byId = new Map(manifest.operations.map((operation) => [operation.id, operation]));
  // Per parsed document: the manifest operation it is (the text as sent, or the same operation
  // formatted otherwise), or the hash it is logged by. The text as sent is part of the key because
  // a hash's text is the manifest body itself.
  const judged = new WeakMap<DocumentNode, Map<string, { found: (typeof manifest.operations)[number] | undefined; hash: string }>>();
  const judge = (document: DocumentNode, query: string) => {
    let byText = judged.get(document);
    if (!byText) judged.set(document, (byText = new Map()));
    let verdict = byText.get(query);
    if (!verdict) {
      const printed = sha256Hex(print(document));
      verdict = { found: byId.get(sha256Hex(query)) ?? byId.get(printed), hash: printed };
      byText.set(query, verdict);
    }
    return verdict;
  };
  const recentlyLogged = new LRUCache<string, true>({ max: 10_000, ttl: UNTRUSTED_LOG_INTERVAL_MS });
  const checks = options.metrics.counter({
    name: 'xjzc_trusted_documents_total',
    help: 'Operations of the portal and dashboard roles, by whether the manifest holds them and what was done (trusted, logged, refused).',
    labelNames: ['role', 'outcome'],
  });
  return {
    async requestDidStart() {
      if (mode === 'off') return {};
      return {
        async didResolveOperation({ contextValue, request, document }) {
          const role = contextValue.principal.role;
          if (!FIXED_OPERATION_ROLES.has(role)) return;
          const { found, hash } = judge(document, request.query ?? '');
          if (found && found.roles.includes(role)) {
            checks.inc({ role, outcome: 'trusted' });
            return;
          }
          // The hash only, never the text: ad-hoc text may hold an ID number.
          const untrusted = { event: 'untrusted_operation', role, documentHash: hash, mode };
          if (mode === 'log') {
            checks.inc({ role, outcome: 'logged' });
            const seen = `${role} ${hash}`;
            if (!recentlyLogged.has(seen)) {
              recentlyLogged.set(seen, true);
              contextValue.log.warn(
                { ...untrusted, nextLogAfterMinutes: UNTRUSTED_LOG_INTERVAL_MS / 60_000 },
                `operation not in the trusted documents (TRUSTED_DOCUMENTS=log lets it through; logged once per role and hash every ${UNTRUSTED_LOG_INTERVAL_MS / 60_000} minutes, counted in xjzc_trusted_documents_total)`,
              );
            }
            return;
          }
          checks.inc({ role, outcome: 'refused' });
          contextValue.log.warn(untrusted, 'operation not in the trusted documents: refused');
          throw new GraphQLError(`The ${role} role may send only the operations of the trusted documents (operations/manifest.json), by hash or text.`, {
            extensions: { code: 'OPERATION_NOT_TRUSTED', http: { status: 403 } },
          });
        },
      };
    },
  };
}
