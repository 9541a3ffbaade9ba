// Writes the supergraph from the subgraphs' SDL (`npm run compose`): schema/supergraph.graphql, or
// `--out <file>` (e.g. the SUPERGRAPH_FILE a running gateway reloads). `--url <name>=<url>` writes a
// subgraph's URL into it, for a subgraph the gateways' configuration does not name (a new region).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REGIONS } from '../domain/regions.js';
import { composeSupergraph } from '../gateway/compose.js';

const { values } = parseArgs({ options: { out: { type: 'string' }, url: { type: 'string', multiple: true } } });
const urls: Record<string, string> = {};
for (const pair of values.url ?? []) {
  const at = pair.indexOf('=');
  const [name, url] = [pair.slice(0, Math.max(at, 0)), pair.slice(at + 1)];
  if (at <= 0 || !URL.canParse(url)) {
    console.error(`--url takes <subgraph>=<url>, got ${JSON.stringify(pair)}`);
    process.exit(2);
  }
  urls[name] = url;
}
const target = values.out ?? new URL('../schema/supergraph.graphql', import.meta.url).pathname;
writeFileSync(target, composeSupergraph(REGIONS, urls));
console.log(`wrote ${target}`);
