// Writes schema/supergraph.graphql from the subgraphs' SDL (`npm run compose`).
import { writeFileSync } from 'node:fs';
import { REGIONS } from '../domain/regions.js';
import { composeSupergraph } from '../gateway/compose.js';

const target = new URL('../schema/supergraph.graphql', import.meta.url);
writeFileSync(target, composeSupergraph(REGIONS));
console.log(`wrote ${target.pathname}`);
