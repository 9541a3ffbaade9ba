// The bz regional subgraph: its registry entry, its Prisma client and its source; the kit does the rest.
import { PrismaClient } from '../../generated/prisma/bz/client.js';
import { prismaRegion, QUERY_EVENTS } from '../template/module.js';
import { createBzSource } from './source.js';

export const regionalModule = prismaRegion('bz', (adapter) => new PrismaClient({ adapter, log: [...QUERY_EVENTS] }), createBzSource);
