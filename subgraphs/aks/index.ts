// The aks regional subgraph: its registry entry and its source; the template does the rest.
import { PrismaClient } from '../../generated/prisma/aks/client.js';
import { regionByCode } from '../../domain/regions.js';
import type { RegionalModule } from '../template/module.js';
import { createAksSource } from './source.js';

export const regionalModule: RegionalModule = {
  region: regionByCode('aks')!,
  connect(adapter, hooks) {
    const prisma = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
    prisma.$on('query', hooks.onStatement);
    return { source: createAksSource(prisma, hooks.report), disconnect: () => prisma.$disconnect() };
  },
};
