// The bz regional subgraph: its registry entry and its source; the template does the rest.
import { PrismaClient } from '../../generated/prisma/bz/client.js';
import { regionByCode } from '../../domain/regions.js';
import type { RegionalModule } from '../template/module.js';
import { createBzSource } from './source.js';

export const regionalModule: RegionalModule = {
  region: regionByCode('bz')!,
  connect(adapter, hooks) {
    const prisma = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
    prisma.$on('query', hooks.onStatement);
    return { source: createBzSource(prisma, hooks.report), disconnect: () => prisma.$disconnect() };
  },
};
