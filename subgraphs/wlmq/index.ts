// The wlmq regional subgraph: its registry entry, its Prisma client and its source; the kit does the rest.
import { PrismaClient } from '../../generated/prisma/wlmq/client.js';
import { prismaRegion, QUERY_EVENTS } from '../template/module.js';
import { createWlmqSource } from './source.js';

export const regionalModule = prismaRegion('wlmq', (adapter) => new PrismaClient({ adapter, log: [...QUERY_EVENTS] }), createWlmqSource);
