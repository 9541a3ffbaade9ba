import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../generated/prisma/aks/client.js';
import { prismaAdapterFor } from '../../platform/database/adapter.js';
import { createEmbeddedClient, openEmbeddedDatabase } from '../../platform/database/embedded.js';
import { migrate, regionMigrationsDir } from '../../platform/database/migrate.js';
import { createPostgresClient } from '../../platform/database/postgres.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { createTestDatabase, setConnectionsAllowed, type TestDatabase } from '../helpers/database.js';

const ID_NUMBER = '11010519491231002X';

async function addApplicant(sql: SqlClient): Promise<void> {
  await sql.query('INSERT INTO applicant (id_card, full_name) VALUES ($1, $2)', [ID_NUMBER, '阿依古丽']);
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
    await setConnectionsAllowed(db, true);
    await db.drop();
  });

  it('fails a Prisma query quickly, and the same client recovers when it is back', async () => {
    const prisma = new PrismaClient({ adapter: prismaAdapterFor({ kind: 'postgres', url: db.url, max: 2 }) });
    try {
      expect(await prisma.applicant.count()).toBe(1);

      await setConnectionsAllowed(db, false);
      const down = await elapsedMs(() => prisma.applicant.count());
      expect(down.error).toBeInstanceOf(Error);
      expect(down.ms).toBeLessThan(2_000);

      await setConnectionsAllowed(db, true);
      // Within the connect-retry period (1 s by default) new connections still fail at once.
      await expect.poll(() => prisma.applicant.count().catch(() => null), { timeout: 10_000, interval: 200 }).toBe(1);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('fails a SqlClient query quickly, and the same client recovers when it is back', async () => {
    const sql = createPostgresClient(db.url, { max: 2 });
    try {
      expect((await sql.query('SELECT count(*)::int AS n FROM applicant')).rows).toEqual([{ n: 1 }]);

      await setConnectionsAllowed(db, false);
      const down = await elapsedMs(() => sql.query('SELECT 1'));
      expect(down.error).toBeInstanceOf(Error);
      expect(down.ms).toBeLessThan(2_000);

      await setConnectionsAllowed(db, true);
      await expect
        .poll(() => sql.query<{ n: number }>('SELECT count(*)::int AS n FROM applicant').then(({ rows }) => rows, () => null), { timeout: 10_000, interval: 200 })
        .toEqual([{ n: 1 }]);
    } finally {
      await sql.close();
    }
  });
});

describe('a database that refuses connections is not asked again for every query (failFast.ts)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('aks');
  });
  afterAll(async () => {
    await setConnectionsAllowed(db, true);
    await db.drop();
  });

  /** The error a query failed with, or null. */
  const failureOf = (work: Promise<unknown>) => work.then(() => null, (error: unknown) => error as Error & { code?: string; cause?: unknown });

  it('fails the next queries with the refusal it got, without a new attempt, then tries again once the retry period is over', async () => {
    const sql = createPostgresClient(db.url, { max: 2, connectRetryMillis: 60_000 });
    const retrying = createPostgresClient(db.url, { max: 2, connectRetryMillis: 200 });
    try {
      await setConnectionsAllowed(db, false);
      const refusal = await failureOf(sql.query('SELECT 1'));
      // The database's own answer: it is not accepting connections (55000).
      expect(refusal?.code).toBe('55000');
      expect(refusal?.cause).toBeUndefined();
      // The next query is failed by the pool with that same refusal, the database not asked.
      const again = await failureOf(sql.query('SELECT 1'));
      expect(again?.code).toBe('55000');
      expect(again?.cause).toBe(refusal);

      await setConnectionsAllowed(db, true);
      // Still within its retry period: failed at once, though the database accepts again.
      expect((await failureOf(sql.query('SELECT 1')))?.cause).toBe(refusal);
      // With a short period, the pool tries again and recovers.
      expect(await failureOf(retrying.query('SELECT 1'))).toBeNull();
      await setConnectionsAllowed(db, false);
      expect((await failureOf(retrying.query('SELECT 1')))?.cause).toBeUndefined();
      await setConnectionsAllowed(db, true);
      await expect.poll(() => failureOf(retrying.query('SELECT 1')), { timeout: 10_000, interval: 100 }).toBeNull();
    } finally {
      await sql.close();
      await retrying.close();
    }
  });

  it('with DATABASE_CONNECT_RETRY_MS=0, asks the database for every new connection', async () => {
    const sql = createPostgresClient(db.url, { max: 2, connectRetryMillis: 0 });
    try {
      await setConnectionsAllowed(db, false);
      const refusal = await failureOf(sql.query('SELECT 1'));
      const again = await failureOf(sql.query('SELECT 1'));
      expect(refusal?.code).toBe('55000');
      expect(again?.code).toBe('55000');
      expect(again?.cause).toBeUndefined();
    } finally {
      await setConnectionsAllowed(db, true);
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
