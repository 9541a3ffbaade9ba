// The wlmq regional subgraph: its registry entry and its source; the template does the rest.
import { PrismaClient } from '../../generated/prisma/wlmq/client.js';
import { regionByCode } from '../../domain/regions.js';
import type { RegionalModule } from '../template/module.js';
import { createWlmqSource } from './source.js';

export const regionalModule: RegionalModule = {
  region: regionByCode('wlmq')!,
  connect(adapter, hooks) {
    const prisma = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
    prisma.$on('query', hooks.onStatement);
    return { source: createWlmqSource(prisma, hooks.report), disconnect: () => prisma.$disconnect() };
  },
};
