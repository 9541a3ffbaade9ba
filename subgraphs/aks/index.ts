// The aks regional subgraph: its registry entry, its Prisma client and its source; the kit does the rest.
import { PrismaClient } from '../../generated/prisma/aks/client.js';
import { prismaRegion, QUERY_EVENTS } from '../template/module.js';
import { createAksSource } from './source.js';

export const regionalModule = prismaRegion('aks', (adapter) => new PrismaClient({ adapter, log: [...QUERY_EVENTS] }), createAksSource);
