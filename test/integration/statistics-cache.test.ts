/**
 * Statistics with a stated freshness (issue 16), on the real PostgreSQL through a running bz
 * subgraph: identical requests in flight share one count, a count is reused for at most
 * STATISTICS_MAX_AGE_SECONDS, and every caller sees what an uncached count would show it
 * (perturbation is applied after the cache, per caller).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { loadConfig } from '../../platform/config.js';
import { startNamedService, type StartedService } from '../../app/services.js';
import { insertBzPerson } from '../fixtures/portalRows.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { scrape } from '../helpers/prometheus.js';
import { subgraphHeaders, TEST_IDENTITY_SECRET, type TestCaller } from '../helpers/system.js';

const STATISTICS = /* GraphQL */ `
  query ($year: Int, $groupBy: [StatisticsDimension!]!) {
    _entities(representations: [{ __typename: "BzRegion", code: "bz" }]) {
      ... on BzRegion { statistics(year: $year, groupBy: $groupBy) { series level status count perturbed computedAt ageSeconds } }
    }
  }
`;

interface Row {
  series: string | null;
  level: string | null;
  status: string | null;
  count: number;
  perturbed: boolean;
  computedAt: string;
  ageSeconds: number;
}

const idNumber = (seq: number): string => {
  const body = `65280119850101${String(seq).padStart(3, '0')}`;
  return body + checkCharacter(body);
};

const CALLERS: Record<string, TestCaller> = {
  analyst: { role: 'analyst' },
  dashboard: { role: 'dashboard' },
  'portal of bz': { role: 'portal', region: 'bz' },
  'portal of aks': { role: 'portal', region: 'aks' },
};

describe('a region\'s statistics, cached with a stated freshness', () => {
  let database: TestDatabase;
  const services: StartedService[] = [];
  const start = async (maxAgeSeconds: number) => {
    const config = loadConfig({
      NODE_ENV: 'test',
      IDENTITY_SECRET: TEST_IDENTITY_SECRET,
      BZ_DATABASE_URL: database.url,
      STATISTICS_MAX_AGE_SECONDS: String(maxAgeSeconds),
    });
    const service = await startNamedService('bz', config, 0);
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    database = await createTestDatabase('bz');
    // Groups of 1 to 6 applications: small counts, which perturbation changes.
    const levels = ['初级', '中级', '副高级'];
    for (let person = 0; person < 40; person++) {
      await insertBzPerson(database.sql, { xm: `测试${person}`, sfzh: idNumber(100 + person) }, [
        { sbnd: 2024, sbjb: levels[person % 3]!, pslb: '评审', zt: person % 4 === 0 ? 7 : 3 },
      ]);
    }
  });
  afterAll(async () => {
    for (const service of services) await service.stop();
    await database?.drop();
  });

  async function ask(service: StartedService, caller: TestCaller, year: number, groupBy: string[]): Promise<Row[]> {
    const response = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await subgraphHeaders(caller)) },
      body: JSON.stringify({ query: STATISTICS, variables: { year, groupBy } }),
    });
    const body = (await response.json()) as { data?: { _entities: Array<{ statistics: Row[] }> }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data!._entities[0]!.statistics;
  }
  const statements = async (service: StartedService) => (await scrape(service.metricsUrl)).sum('xjzc_sql_statements_total');
  const counts = (rows: Row[]) => rows.map(({ computedAt: _at, ageSeconds: _age, ...row }) => row).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  it('counts once for identical requests in flight together, and says when it counted', async () => {
    const service = await start(60);
    const before = await statements(service);
    const [first, second] = await Promise.all([
      ask(service, CALLERS.analyst!, 2024, ['LEVEL', 'STATUS']),
      ask(service, CALLERS.analyst!, 2024, ['LEVEL', 'STATUS']),
    ]);
    expect((await statements(service)) - before).toBe(1);
    expect(first).toEqual(second);
    expect(first.length).toBeGreaterThan(1);
    const at = Date.parse(first[0]!.computedAt);
    expect(Date.now() - at).toBeLessThan(60_000);
    expect(first[0]!.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(first[0]!.ageSeconds).toBeLessThan(60);

    // Another year or grouping is another count (not [LEVEL] of 2024: the service's warm-up counts that one).
    await ask(service, CALLERS.analyst!, 2023, ['LEVEL', 'STATUS']);
    expect((await statements(service)) - before).toBe(2);
  });

  it('reuses a count until it is STATISTICS_MAX_AGE_SECONDS old, then counts again and sees new rows', async () => {
    const service = await start(1);
    const before = await statements(service);
    const first = await ask(service, CALLERS.analyst!, 2024, ['SERIES']);
    const again = await ask(service, CALLERS.analyst!, 2024, ['SERIES']);
    expect((await statements(service)) - before).toBe(1);
    expect(again).toEqual(first.map((row) => ({ ...row, ageSeconds: again[0]!.ageSeconds })));

    await insertBzPerson(database.sql, { xm: '新人', sfzh: idNumber(900) }, [{ sbnd: 2024, sbjb: '中级', pslb: '评审', zt: 3 }]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const later = await ask(service, CALLERS.analyst!, 2024, ['SERIES']);
    expect((await statements(service)) - before).toBe(2);
    expect(Date.parse(later[0]!.computedAt)).toBeGreaterThan(Date.parse(first[0]!.computedAt));
    const total = (rows: Row[]) => rows.reduce((sum, row) => sum + row.count, 0);
    expect(total(later)).toBe(total(first) + 1);
  });

  it('gives every caller the same answer from the cache as from a fresh count, perturbed or exact as its role asks', async () => {
    const cached = await start(3_600);
    const uncached = await start(0);
    // The analyst fills the cache with exact counts; the others must still get their own view of them.
    await ask(cached, CALLERS.analyst!, 2024, ['LEVEL', 'STATUS']);
    const before = await statements(cached);
    let perturbedSomewhere = false;
    for (const [name, caller] of Object.entries(CALLERS)) {
      const fromCache = await ask(cached, caller, 2024, ['LEVEL', 'STATUS']);
      const fresh = await ask(uncached, caller, 2024, ['LEVEL', 'STATUS']);
      expect(counts(fromCache), name).toEqual(counts(fresh));
      if (fromCache.some((row) => row.perturbed)) perturbedSomewhere = true;
      expect(fromCache.every((row) => row.perturbed), name).toBe(name === 'dashboard' || name === 'portal of aks');
    }
    expect((await statements(cached)) - before).toBe(0);
    expect(perturbedSomewhere).toBe(true);
    // And the perturbation changed something: a dashboard does not see the analyst's exact counts.
    const exact = counts(await ask(uncached, CALLERS.analyst!, 2024, ['LEVEL', 'STATUS'])).map(({ perturbed: _p, ...row }) => row);
    const shown = counts(await ask(cached, CALLERS.dashboard!, 2024, ['LEVEL', 'STATUS'])).map(({ perturbed: _p, ...row }) => row);
    expect(shown).not.toEqual(exact);
  });
});

describe('STATISTICS_MAX_AGE_SECONDS', () => {
  it('defaults to 30 and refuses what is not a whole number of seconds up to an hour', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).statisticsMaxAgeSeconds).toBe(30);
    expect(loadConfig({ NODE_ENV: 'test', STATISTICS_MAX_AGE_SECONDS: '0' }).statisticsMaxAgeSeconds).toBe(0);
    expect(() => loadConfig({ NODE_ENV: 'test', STATISTICS_MAX_AGE_SECONDS: '-1' })).toThrow(/STATISTICS_MAX_AGE_SECONDS/);
    expect(() => loadConfig({ NODE_ENV: 'test', STATISTICS_MAX_AGE_SECONDS: 'soon' })).toThrow(/STATISTICS_MAX_AGE_SECONDS/);
    expect(() => loadConfig({ NODE_ENV: 'test', STATISTICS_MAX_AGE_SECONDS: '3601' })).toThrow(/STATISTICS_MAX_AGE_SECONDS/);
  });
});
