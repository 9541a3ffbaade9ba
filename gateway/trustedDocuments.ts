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
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { GraphQLError, print } from 'graphql';
import type { Principal } from '../platform/auth.js';
import type { Logger } from '../platform/logger.js';
import type { ServiceMetrics } from '../platform/metrics.js';
import { sha256Hex, type OperationManifest } from '../platform/operationManifest.js';

export type TrustedDocumentsMode = 'enforce' | 'log' | 'off';

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
          // The text as sent (a hash's text is the manifest body itself), or the same operation formatted otherwise.
          const found = byId.get(sha256Hex(request.query ?? '')) ?? byId.get(sha256Hex(print(document)));
          if (found && found.roles.includes(role)) {
            checks.inc({ role, outcome: 'trusted' });
            return;
          }
          // The hash only, never the text: ad-hoc text may hold an ID number.
          const untrusted = { event: 'untrusted_operation', role, documentHash: sha256Hex(print(document)), mode };
          if (mode === 'log') {
            checks.inc({ role, outcome: 'logged' });
            contextValue.log.warn(untrusted, 'operation not in the trusted documents (TRUSTED_DOCUMENTS=log lets it through)');
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
