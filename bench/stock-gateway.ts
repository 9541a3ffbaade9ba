/**
 * Stock `@apollo/gateway` with default settings, for comparison: the checked-in supergraph with
 * its placeholder URLs replaced by the real ones, served by `startStandaloneServer`. No custom
 * fetcher, no plugins, no error formatting: what a user would start with. The one addition is
 * Apollo's documented header propagation (`willSendRequest`), passing the client's
 * `Authorization` on, because our subgraphs answer only requests that carry the gateway's token.
 *
 * `tsx bench/stock-gateway.ts <port> <name>=<url> …`
 */
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { readFileSync } from 'node:fs';
import { withRealUrls } from './supergraph.js';

const [portArg, ...urlArgs] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: tsx bench/stock-gateway.ts <port> <name>=<url> …');
  process.exit(2);
}
const urls = Object.fromEntries(urlArgs.map((arg) => arg.split(/=(.*)/s, 2) as [string, string]));
const supergraphSdl = withRealUrls(readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8'), urls);

interface Context {
  authorization?: string;
}

class PropagatingDataSource extends RemoteGraphQLDataSource<Context> {
  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<Context>['willSendRequest']>>[0]): void {
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
  }
}

const server = new ApolloServer<Context>({
  gateway: new ApolloGateway({ supergraphSdl, buildService: ({ url }) => new PropagatingDataSource({ url }) }),
});
const { url } = await startStandaloneServer(server, {
  listen: { port, host: '127.0.0.1' },
  context: async ({ req }) => (req.headers.authorization ? { authorization: req.headers.authorization } : {}),
});
console.error(`stock @apollo/gateway at ${url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.stop().finally(() => process.exit(0));
  });
}
