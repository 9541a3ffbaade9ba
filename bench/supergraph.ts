/**
 * The checked-in supergraph names its subgraphs by placeholder URLs
 * (`http://<name>.subgraph.invalid/graphql`, gateway/compose.ts); the peers we compare with read
 * URLs from the supergraph itself, so they get a copy with the real ones.
 */
// Same format as placeholderUrl in gateway/compose.ts, which is not imported: it loads
// @apollo/composition, and that would weigh on the stock gateway's measured memory.
const placeholderUrl = (name: string): string => `http://${name}.subgraph.invalid/graphql`;

export function withRealUrls(supergraphSdl: string, urls: Readonly<Record<string, string>>): string {
  let sdl = supergraphSdl;
  for (const [name, url] of Object.entries(urls)) {
    const placeholder = placeholderUrl(name);
    if (!sdl.includes(placeholder)) throw new Error(`The supergraph has no subgraph "${name}" at ${placeholder}`);
    sdl = sdl.split(`url: "${placeholder}"`).join(`url: "${url}"`);
  }
  const left = /url: "(http:\/\/[a-z0-9_-]+\.subgraph\.invalid\/graphql)"/.exec(sdl);
  if (left) throw new Error(`No real URL given for ${left[1]}`);
  return sdl;
}
