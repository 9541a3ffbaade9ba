import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../generated/prisma/aks/client.js';
import { prismaAdapterFor } from '../../platform/database/adapter.js';
import { createEmbeddedClient, openEmbeddedDatabase } from '../../platform/database/embedded.js';
import { migrate, regionMigrationsDir } from '../../platform/database/migrate.js';
import { createPostgresClient } from '../../platform/database/postgres.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { ADMIN_URL, createTestDatabase, type TestDatabase } from '../helpers/database.js';

const ID_NUMBER = '11010519491231002X';

async function addApplicant(sql: SqlClient): Promise<void> {
  await sql.query('INSERT INTO applicant (id_card, full_name) VALUES ($1, $2)', [ID_NUMBER, '阿依古丽']);
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client(ADMIN_URL);
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Makes the database refuse connections and ends the ones it has, as a server going down would. */
async function takeDown(name: string): Promise<void> {
  await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
  await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
}

async function bringUp(name: string): Promise<void> {
  await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
}

async function elapsedMs(work: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  let error: unknown = null;
  try {
    await work();
  } catch (caught) {
    error = caught;
  }
  return { ms: performance.now() - started, error };
}

describe('a generated Prisma client reads through both adapters', () => {
  it('reads the aks portal on PostgreSQL through PrismaPg', async () => {
    const db = await createTestDatabase('aks');
    const prisma = new PrismaClient({ adapter: prismaAdapterFor({ kind: 'postgres', url: db.url, max: 2 }) });
    try {
      await addApplicant(db.sql);
      const applicants = await prisma.applicant.findMany({ select: { idNumber: true, fullName: true } });
      expect(applicants).toEqual([{ idNumber: ID_NUMBER, fullName: '阿依古丽' }]);
    } finally {
      await prisma.$disconnect();
      await db.drop();
    }
  });

  it('reads the aks portal on embedded PGlite through PrismaPGlite', async () => {
    const pglite = await openEmbeddedDatabase();
    const prisma = new PrismaClient({ adapter: prismaAdapterFor({ kind: 'embedded', db: pglite }) });
    try {
      const sql = createEmbeddedClient(pglite);
      await migrate(sql, regionMigrationsDir('aks'));
      await addApplicant(sql);
      const applicants = await prisma.applicant.findMany({ select: { idNumber: true, fullName: true } });
      expect(applicants).toEqual([{ idNumber: ID_NUMBER, fullName: '阿依古丽' }]);
    } finally {
      await prisma.$disconnect();
      await pglite.close();
    }
  });
});

describe('a database that goes down', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('aks');
    await addApplicant(db.sql);
  });
  afterAll(async () => {
    await bringUp(db.name);
    await db.drop();
  });

  it('fails a Prisma query quickly, and the same client recovers when it is back', async () => {
    const prisma = new PrismaClient({ adapter: prismaAdapterFor({ kind: 'postgres', url: db.url, max: 2 }) });
    try {
      expect(await prisma.applicant.count()).toBe(1);

      await takeDown(db.name);
      const down = await elapsedMs(() => prisma.applicant.count());
      expect(down.error).toBeInstanceOf(Error);
      expect(down.ms).toBeLessThan(2_000);

      await bringUp(db.name);
      expect(await prisma.applicant.count()).toBe(1);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('fails a SqlClient query quickly, and the same client recovers when it is back', async () => {
    const sql = createPostgresClient(db.url, { max: 2 });
    try {
      expect((await sql.query('SELECT count(*)::int AS n FROM applicant')).rows).toEqual([{ n: 1 }]);

      await takeDown(db.name);
      const down = await elapsedMs(() => sql.query('SELECT 1'));
      expect(down.error).toBeInstanceOf(Error);
      expect(down.ms).toBeLessThan(2_000);

      await bringUp(db.name);
      expect((await sql.query('SELECT count(*)::int AS n FROM applicant')).rows).toEqual([{ n: 1 }]);
    } finally {
      await sql.close();
    }
  });
});

describe('a server that accepts connections but never answers', () => {
  let silent: net.Server;
  let port: number;
  const sockets = new Set<net.Socket>();
  beforeAll(async () => {
    silent = net.createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('fails a Prisma query after the connection timeout instead of hanging', async () => {
    const url = `postgres://postgres@127.0.0.1:${port}/nowhere`;
    const prisma = new PrismaClient({
      adapter: prismaAdapterFor({ kind: 'postgres', url, connectionTimeoutMillis: 500 }),
    });
    try {
      const down = await elapsedMs(() => prisma.applicant.count());
      expect(down.error).toBeInstanceOf(Error);
      expect(down.ms).toBeGreaterThanOrEqual(400);
      expect(down.ms).toBeLessThan(3_000);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('fails a SqlClient query within the default connection timeout', async () => {
    const sql = createPostgresClient(`postgres://postgres@127.0.0.1:${port}/nowhere`);
    try {
      const down = await elapsedMs(() => sql.query('SELECT 1'));
      expect(down.error).toBeInstanceOf(Error);
      expect(down.ms).toBeLessThan(5_000);
    } finally {
      await sql.close();
    }
  });
});
