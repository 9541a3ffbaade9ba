/**
 * Finds a region's subgraph module by convention: `subgraphs/<code>/index.ts` exports
 * `regionalModule`. With the registry entry in domain/regions.ts, that folder is all a new
 * prefecture needs.
 */
import type { RegionalModule } from '../subgraphs/template/module.js';

export async function loadRegionalModule(code: string): Promise<RegionalModule> {
  if (!/^[a-z][a-z0-9]*$/.test(code)) throw new Error(`Not a region code: ${JSON.stringify(code)}`);
  const loaded = (await import(/* @vite-ignore */ `../subgraphs/${code}/index.js`)) as { regionalModule?: RegionalModule };
  if (!loaded.regionalModule || loaded.regionalModule.region.code !== code) {
    throw new Error(`subgraphs/${code}/index.ts must export regionalModule for region ${code}`);
  }
  return loaded.regionalModule;
}
