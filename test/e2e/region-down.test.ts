/**
 * A region that fails must never turn into CLEAR: a stopped subgraph or an unreachable portal
 * database gives UNKNOWN with the region named,
 * partial records, and an error that names the region but not its URL; the database coming back
 * heals the subgraph without a restart.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { insertAksApplicant, insertBzPerson } from '../fixtures/portalRows.js';
import { ADMIN_URL } from '../helpers/database.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

const ONLY_IN_BZ = '650104198808081236';
const IN_BZ_AND_AKS = '65010419880808105X';

const QUERY = /* GraphQL */ `
  query Check($id: String!) {
    person(idNumber: $id) {
      records { region found }
      annualReview(year: 2024) { verdict complete missingRegions counted { id } }
    }
  }
`;

interface CheckData {
  person: {
    records: Array<{ region: string; found: boolean } | null>;
    annualReview: { verdict: string; complete: boolean; missingRegions: string[]; counted: Array<{ id: string }> };
  };
}

async function setConnectionsAllowed(database: string, allowed: boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS ${allowed}`);
    if (!allowed) {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    }
  } finally {
    await admin.end();
  }
}

function expectNoUrlOrNumber(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/https?:\/\/|127\.0\.0\.1|localhost|subgraph\.invalid/);
  expect(text).not.toContain(ONLY_IN_BZ);
  expect(text).not.toContain(IN_BZ_AND_AKS);
}

describe('a portal database that becomes unreachable', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      seed: async (databases) => {
        await insertBzPerson(databases.bz!.sql, { xm: '赵测试', sfzh: ONLY_IN_BZ }, [{ sbnd: 2024, pslb: '评审', zt: 3 }]);
      },
    });
  });
  afterAll(async () => {
    await setConnectionsAllowed(system.databases.bz!.name, true);
    await system?.stop();
  });

  it('answers UNKNOWN naming the region, then recovers without a restart once the database is back', async () => {
    const before = await system.query<CheckData>(QUERY, { id: ONLY_IN_BZ });
    expect(before.data!.person.annualReview.verdict).toBe('ALREADY_APPLIED');

    await setConnectionsAllowed(system.databases.bz!.name, false);
    onTestFinished(() => setConnectionsAllowed(system.databases.bz!.name, true));
    const down = await system.query<CheckData>(QUERY, { id: ONLY_IN_BZ });
    expect(down.data!.person.annualReview).toMatchObject({ verdict: 'UNKNOWN', complete: false, missingRegions: ['bz'], counted: [] });
    // The bz record still knows its region, but what needs the database is null, with an error.
    const found = Object.fromEntries(down.data!.person.records.map((record) => [record!.region, record!.found]));
    expect(found).toEqual({ bz: null, aks: false, wlmq: false });
    const codes = (down.errors ?? []).map((error) => error.extensions?.code);
    expect(codes).toContain('PORTAL_DATABASE_UNAVAILABLE');
    expect(down.errors!.every((error) => error.extensions?.region === 'bz')).toBe(true);
    expectNoUrlOrNumber(down);
    expect(JSON.stringify(down.errors)).not.toMatch(/prisma|SQL|xjzc_t_/i);

    await setConnectionsAllowed(system.databases.bz!.name, true);
    // After a refused connection the pool fails fast for DATABASE_CONNECT_RETRY_MS (1 s), then tries again.
    await expect.poll(async () => (await system.query<CheckData>(QUERY, { id: ONLY_IN_BZ })).errors, { timeout: 10_000, interval: 200 }).toBeUndefined();
    const after = await system.query<CheckData>(QUERY, { id: ONLY_IN_BZ });
    expect(after.errors).toBeUndefined();
    expect(after.data!.person.annualReview).toMatchObject({ verdict: 'ALREADY_APPLIED', complete: true });
  });

  it('reports the region not ready while its database is down, and ready again after', async () => {
    const bzUrl = system.services.get('bz')!.url.replace(/\/graphql$/, '');
    expect((await fetch(`${bzUrl}/ready`)).status).toBe(200);
    await setConnectionsAllowed(system.databases.bz!.name, false);
    const notReady = await fetch(`${bzUrl}/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, checks: { database: 'not answering' } });
    expect((await fetch(`${bzUrl}/health`)).status).toBe(200);
    await setConnectionsAllowed(system.databases.bz!.name, true);
    await expect.poll(async () => (await fetch(`${bzUrl}/ready`)).status, { timeout: 10_000, interval: 200 }).toBe(200);
  });
});

describe('a regional subgraph that is stopped', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      seed: async (databases) => {
        await insertBzPerson(databases.bz!.sql, { xm: '钱测试', sfzh: ONLY_IN_BZ }, [{ sbnd: 2024, pslb: '评审', zt: 3 }]);
        await insertBzPerson(databases.bz!.sql, { xm: '孙测试', sfzh: IN_BZ_AND_AKS }, [{ sbnd: 2024, pslb: '评审', zt: 3 }]);
        await insertAksApplicant(databases.aks!.sql, { fullName: '孙测试', idCard: IN_BZ_AND_AKS }, [
          { batchCode: 'AKS-2024-JXDZ-HG', year: 2024 },
        ]);
      },
    });
    await system.stopService('bz');
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('gives UNKNOWN with missingRegions and partial records, never CLEAR', async () => {
    const { data, errors } = await system.query<CheckData>(QUERY, { id: ONLY_IN_BZ });
    expect(data!.person.annualReview).toMatchObject({ verdict: 'UNKNOWN', complete: false, missingRegions: ['bz'] });
    const answered = data!.person.records.filter((record) => record?.region).map((record) => record!.region);
    expect(answered.sort()).toEqual(['aks', 'wlmq']);
    const unavailable = errors!.find((error) => error.extensions?.code === 'REGION_UNAVAILABLE');
    expect(unavailable?.extensions?.region).toBe('bz');
    expect(unavailable?.message).toMatch(/bz/);
    expectNoUrlOrNumber({ data, errors });
  });

  it('still answers ALREADY_APPLIED from the regions that did answer', async () => {
    const { data } = await system.query<CheckData>(QUERY, { id: IN_BZ_AND_AKS });
    expect(data!.person.annualReview.verdict).toBe('ALREADY_APPLIED');
    expect(data!.person.annualReview.complete).toBe(false);
    expect(data!.person.annualReview.missingRegions).toEqual(['bz']);
    expect(data!.person.annualReview.counted.map((application) => application.id.split(':')[0])).toEqual(['aks']);
  });
});
