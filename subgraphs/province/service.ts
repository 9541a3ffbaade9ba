/** Assembles the province subgraph service. It reads no portal database. */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { RegionDefinition } from '../../domain/regions.js';
import { createInternalTokenVerifier } from '../../platform/auth.js';
import type { Config } from '../../platform/config.js';
import { subgraphErrorFormatter } from '../../platform/errors.js';
import type { ServiceOptions } from '../../platform/http.js';
import { createIdentity } from '../../platform/identity.js';
import type { Logger } from '../../platform/logger.js';
import { createProvinceSchema, type ProvinceContext } from './schema.js';

export type ProvinceService = ServiceOptions<ProvinceContext> & { close(): Promise<void> };

export function createProvinceService(regions: readonly RegionDefinition[], config: Config, log: Logger): ProvinceService {
  const internalTokens = createInternalTokenVerifier(config.internalTokenSecret, regions.map((region) => region.code));
  const apollo = new ApolloServer<ProvinceContext>({
    schema: createProvinceSchema(regions, createIdentity(config.identitySecret)),
    formatError: subgraphErrorFormatter('province', log),
    includeStacktraceInErrorResponses: false,
    // Traces are for Apollo's hosted reporting, which this deployment does not use.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  return {
    name: 'province',
    log,
    apollo,
    context: async ({ req, requestId, log: requestLog }) => ({ log: requestLog, requestId, principal: await internalTokens.verify(req) }),
    readiness: async () => ({ ready: true, checks: { registry: `${regions.length} regions` } }),
    close: async () => {},
  };
}
