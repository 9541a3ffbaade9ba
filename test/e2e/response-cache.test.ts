/**
 * Whole answers reused at the gateway while the subgraphs say they are still true
 * (gateway/responseCache.ts, subgraphs/cacheHints.ts), through the whole system on the real
 * PostgreSQL: a dashboard's statistics asked again within their freshness reach no subgraph, each
 * audience (role, portal region) gets its own answer, a part of an answer that can be kept (the
 * region registry) is not fetched again beside one that cannot (a list), a person lookup always
 * reaches the province,
 * an answer that states its age is never reused, and nothing is served older than
 * STATISTICS_MAX_AGE_SECONDS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { insertAksApplicant, insertBzPerson } from '../fixtures/portalRows.js';
import { scrape } from '../helpers/prometheus.js';
import { gatewayHeaders, startTestSystem, type TestCaller, type TestSystem } from '../helpers/system.js';

const MAX_AGE_SECONDS = 10;

const idNumber = (prefix: string, seq: number): string => {
  const body = `${prefix}19850101${String(seq).padStart(3, '0')}`;
  return body + checkCharacter(body);
};

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({
    env: { STATISTICS_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS) },
    seed: async (databases) => {
      // Groups of 1 to 5 applications: small counts, which perturbation changes.
      const levels = ['初级', '中级', '副高级'];
      for (let person = 0; person < 25; person++) {
        await insertBzPerson(databases.bz!.sql, { xm: `测试${person}`, sfzh: idNumber('652801', 100 + person) }, [
          { sbnd: 2024, sbjb: levels[person % 3]!, pslb: '评审', zt: person % 4 === 0 ? 7 : 3 },
        ]);
      }
      for (let person = 0; person < 7; person++) {
        await insertAksApplicant(databases.aks!.sql, { fullName: `测试${person}`, idCard: idNumber('652901', 100 + person) }, [
          { batchCode: 'AKS-2024-JXDZ-HG', year: 2024, levelCode: person % 2 === 0 ? 420 : 430 },
        ]);
      }
    },
  });
});
afterAll(async () => {
  await system?.stop();
});

interface Row {
  level: string | null;
  count: number;
  perturbed: boolean;
  ageSeconds?: number;
}
type Statistics = { regions: Array<{ code: string; statistics: Row[] | null }> };

const STATISTICS = /* GraphQL */ `
  query Levels($year: Int) { regions { code statistics(year: $year, groupBy: [LEVEL]) { level count perturbed } } }
`;

/** Operations each subgraph has been sent so far, as it counts them. */
async function subgraphCalls(): Promise<Record<string, number>> {
  const names = ['province', 'bz', 'aks', 'wlmq'];
  const served = await Promise.all(names.map(async (name) => (await scrape(system.services.get(name)!.metricsUrl)).sum('xjzc_graphql_operations_total')));
  return Object.fromEntries(names.map((name, index) => [name, served[index]!]));
}

/** The operation's answer, and how many subgraph calls it took: in all, and to each subgraph. */
async function ask<T>(caller: TestCaller, query: string, variables: Record<string, unknown> = {}): Promise<{ data: T; calls: number; to: Record<string, number> }> {
  const before = await subgraphCalls();
  const { data, errors } = await system.query<T>(query, variables, await gatewayHeaders(caller));
  expect(errors).toBeUndefined();
  const after = await subgraphCalls();
  const to = Object.fromEntries(Object.keys(after).map((name) => [name, after[name]! - before[name]!]));
  return { data: data!, calls: Object.values(to).reduce((sum, n) => sum + n, 0), to };
}

const rowsOf = (data: Statistics, code: string) => data.regions.find((region) => region.code === code)!.statistics!;

describe('answers reused at the gateway', () => {
  it('answers a dashboard\'s statistics asked again within their freshness without calling any subgraph', async () => {
    const first = await ask<Statistics>({ role: 'dashboard' }, STATISTICS, { year: 2024 });
    expect(first.calls).toBe(4);
    expect(rowsOf(first.data, 'bz').every((row) => row.perturbed)).toBe(true);
    const again = await ask<Statistics>({ role: 'dashboard', subject: 'another-screen' }, STATISTICS, { year: 2024 });
    expect(again.calls).toBe(0);
    expect(again.data).toEqual(first.data);
    // Other variables are another question for the regions; the province's registry, the same
    // call as before, is not asked again (gateway/reuseFreshFetches.ts).
    expect((await ask<Statistics>({ role: 'dashboard' }, STATISTICS, { year: 2023 })).to).toEqual({ province: 0, bz: 1, aks: 1, wlmq: 1 });
  });

  it('gives each role, and each portal\'s region, its own answer: never one made for a caller who may see more', async () => {
    const dashboard = await ask<Statistics>({ role: 'dashboard' }, STATISTICS, { year: 2024 });
    const analyst = await ask<Statistics>({ role: 'analyst' }, STATISTICS, { year: 2024 });
    expect(analyst.calls).toBe(4);
    expect(rowsOf(analyst.data, 'bz').some((row) => row.perturbed)).toBe(false);
    // The analyst's exact counts are not the dashboard's perturbed ones.
    expect(rowsOf(analyst.data, 'bz').map(({ level, count }) => ({ level, count }))).not.toEqual(
      rowsOf(dashboard.data, 'bz').map(({ level, count }) => ({ level, count })),
    );

    const bzPortal = await ask<Statistics>({ role: 'portal', region: 'bz' }, STATISTICS, { year: 2024 });
    expect(bzPortal.calls).toBe(4);
    expect(rowsOf(bzPortal.data, 'bz').some((row) => row.perturbed)).toBe(false);
    expect(rowsOf(bzPortal.data, 'aks').every((row) => row.perturbed)).toBe(true);
    const aksPortal = await ask<Statistics>({ role: 'portal', region: 'aks' }, STATISTICS, { year: 2024 });
    expect(aksPortal.calls).toBe(4);
    expect(rowsOf(aksPortal.data, 'bz').every((row) => row.perturbed)).toBe(true);
    expect(rowsOf(aksPortal.data, 'aks').some((row) => row.perturbed)).toBe(false);

    // Each audience's second ask is its own answer again, from the gateway.
    for (const [caller, first] of [[{ role: 'analyst' }, analyst], [{ role: 'portal', region: 'bz' }, bzPortal], [{ role: 'portal', region: 'aks' }, aksPortal]] as const) {
      const again = await ask<Statistics>(caller as TestCaller, STATISTICS, { year: 2024 });
      expect(again.calls).toBe(0);
      expect(again.data).toEqual(first.data);
    }
  });

  it('never reuses an answer that states its age, nor a person lookup (each writes its access-log entry)', async () => {
    const aged = 'query Aged { regions(codes: ["bz"]) { code statistics(year: 2024, groupBy: []) { count ageSeconds } } }';
    const first = await ask<{ regions: Array<{ statistics: Row[] }> }>({ role: 'dashboard' }, aged);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await ask<{ regions: Array<{ statistics: Row[] }> }>({ role: 'dashboard' }, aged);
    // bz is asked again; the province's registry beside it is not.
    expect(again.to).toEqual({ province: 0, bz: 1, aks: 0, wlmq: 0 });
    expect(again.data.regions[0]!.statistics[0]!.ageSeconds).toBeGreaterThan(first.data.regions[0]!.statistics[0]!.ageSeconds! + 1);

    const lookup = 'query Lookup($id: String!) { person(idNumber: $id) { idNumberMasked records { region found } } }';
    const id = idNumber('652801', 100);
    expect((await ask({ role: 'analyst' }, lookup, { id })).calls).toBeGreaterThan(0);
    const twice = await ask<{ person: { records: Array<{ found: boolean }> } }>({ role: 'analyst' }, lookup, { id });
    expect(twice.calls).toBe(4);
    expect(twice.data.person.records.filter((record) => record.found)).toHaveLength(1);
  });

  it('reuses the parts of an answer that can be: an analyst\'s lists are fetched anew, the registry beside them is not', async () => {
    const list = 'query List($first: Int) { regions(codes: ["bz"]) { code applications(filter: { year: 2024 }, first: $first) { edges { node { id level } } } } }';
    const caller = { role: 'analyst', subject: 'list-reader' } as const;
    expect((await ask(caller, list, { first: 2 })).to).toMatchObject({ province: 1, bz: 1 });
    expect((await ask(caller, list, { first: 3 })).to).toMatchObject({ province: 0, bz: 1 });
    expect((await ask(caller, list, { first: 3 })).to).toMatchObject({ province: 0, bz: 1 });
    // Another caller's token is another call.
    expect((await ask({ role: 'analyst', subject: 'someone-else' }, list, { first: 3 })).to).toMatchObject({ province: 1, bz: 1 });
  });

  it('reuses the review batches and the region registry, which are configuration', async () => {
    const calendar = 'query Calendar($year: Int) { reviewBatches(year: $year) { code windows { kind status opensAt } fees { fen } } regions { code name } }';
    expect((await ask({ role: 'dashboard' }, calendar, { year: 2024 })).calls).toBeGreaterThan(0);
    expect((await ask({ role: 'dashboard' }, calendar, { year: 2024 })).calls).toBe(0);
  });

  it('serves nothing older than STATISTICS_MAX_AGE_SECONDS: a new application shows once the count is that old', async () => {
    const year = 2022;
    const totalIn = (data: Statistics) => rowsOf(data, 'bz').reduce((sum, row) => sum + row.count, 0);
    const exact = 'query Total($year: Int) { regions(codes: ["bz"]) { code statistics(year: $year, groupBy: []) { count perturbed } } }';
    const first = await ask<Statistics>({ role: 'analyst' }, exact, { year });
    const askedAt = Date.now();
    expect(totalIn(first.data)).toBe(0);
    await insertBzPerson(system.databases.bz!.sql, { xm: '新人', sfzh: idNumber('652801', 900) }, [{ sbnd: year, sbjb: '中级', pslb: '评审', zt: 3 }]);
    const within = await ask<Statistics>({ role: 'analyst' }, exact, { year });
    if (Date.now() - askedAt < (MAX_AGE_SECONDS - 1) * 1000) {
      expect(within.calls).toBe(0);
      expect(totalIn(within.data)).toBe(0);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, askedAt + MAX_AGE_SECONDS * 1000 + 100 - Date.now())));
    const later = await ask<Statistics>({ role: 'analyst' }, exact, { year });
    expect(later.to.bz).toBe(1);
    expect(totalIn(later.data)).toBe(1);
  }, 30_000);
});
