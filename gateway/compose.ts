/**
 * Composes the supergraph from the subgraphs' SDL with @apollo/composition: no Rover, no router,
 * nothing downloaded. The SDL comes from the same functions the subgraphs serve, so the checked-in
 * schema/supergraph.graphql cannot silently differ from them (a test recomposes and compares).
 */
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { RegionDefinition } from '../domain/regions.js';
import { subgraphSdls } from '../schema/sdl.js';

export class CompositionError extends Error {
  constructor(readonly messages: string[]) {
    super(`Composition failed:\n${messages.join('\n')}`);
    this.name = 'CompositionError';
  }
}

/** The URL a subgraph has in the checked-in supergraph; the gateway takes real URLs from config. */
export function placeholderUrl(service: string): string {
  return `http://${service}.subgraph.invalid/graphql`;
}

/**
 * The supergraph of the province and these regions. A subgraph's URL is the placeholder unless
 * `urls` names it: a gateway takes a subgraph's URL from its configuration first, and from the
 * supergraph for a subgraph its configuration does not know (one a reload adds).
 */
export function composeSupergraph(regions: readonly RegionDefinition[], urls: Readonly<Record<string, string>> = {}): string {
  const result = composeServices(
    subgraphSdls(regions).map(({ name, sdl }) => ({ name, url: urls[name] ?? placeholderUrl(name), typeDefs: parse(sdl) })),
  );
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  return result.supergraphSdl;
}
