/**
 * Nothing in this system talks to a host outside its configuration (issue 11, item 2): a provincial
 * HR system contacts its own subgraphs, databases and the issuer's key set, and nothing else.
 *
 * Two libraries would otherwise reach out on their own:
 * - `@apollo/gateway` 2.14 builds an OpenTelemetry metrics exporter to Apollo's usage-reporting
 *   host in the ApolloGateway constructor, after running AWS, GCP, Azure and Alibaba
 *   cloud-metadata detectors (169.254.169.254, 100.100.100.200, a DNS lookup), unless
 *   `APOLLO_TELEMETRY_DISABLED` is `true` or `1` when the constructor runs
 *   (dist/utilities/opentelemetry.js, dist/index.js). It has no constructor option for this, so
 *   `disableGatewayTelemetry` sets the variable in code just before the gateway is built: an
 *   operator cannot forget it, and an operator's `APOLLO_TELEMETRY_DISABLED=false` cannot undo it.
 * - `@apollo/server` installs usage reporting when `APOLLO_KEY` and a graph ref are in the
 *   environment, schema reporting when `APOLLO_SCHEMA_REPORTING=true`, and a landing page on
 *   `GET /graphql` that loads Apollo's CDN and Google fonts. `offlinePlugins` turns all three off
 *   explicitly: a disabling plugin stops Apollo Server from adding its default.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';

/** Call right before `new ApolloGateway(…)`: the constructor reads the variable, not the import. */
export function disableGatewayTelemetry(): void {
  // The one place this project writes the environment: the value is ours, never the operator's.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
}

/** For every Apollo Server of the system (gateway and subgraphs). */
export function offlinePlugins<TContext extends BaseContext>(): ApolloServerPlugin<TContext>[] {
  return [
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginSchemaReportingDisabled(),
    // GET /graphql without a query answers 400; no page, so nothing to load from elsewhere.
    ApolloServerPluginLandingPageDisabled(),
  ] as ApolloServerPlugin<TContext>[];
}
