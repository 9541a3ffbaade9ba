/**
 * The side doors of issue 11, tried as an attacker would, through the gateway on real PostgreSQL:
 * the sealed person reference in clients' hands (item 1), eligibility reasons that quote what the
 * caller may not read (item 3), oracles that rebuild forbidden fields (item 4): naming another
 * region's application to the annual-review check, and filtering a region's list on fields the
 * caller may not read; and statistics undone by differencing (item 5). Each attack is also run by a caller who may see the data, so that each test
 * shows the data is there to leak.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { insertAksApplicant, insertBzPerson } from '../fixtures/portalRows.js';
import { gatewayHeaders, startTestSystem, type GraphQLBody, type TestCaller, type TestSystem } from '../helpers/system.js';

const withCheck = (first17: string) => first17 + checkCharacter(first17);
const PERSON = withCheck('65280119850505123');
const AKS_BATCH = 'AKS-2024-JXDZ-HG';
const BAN_LISTED = '2023-05-10';
const BAN_UNTIL = '2028-05-09';

/** bz applications by year and level (初级, 中级, 副高级), besides PERSON's 2024 中级: small cells in 2022. */
const BZ_CELLS: Record<number, Record<string, number>> = {
  2022: { 初级: 1, 中级: 2, 副高级: 1 },
  2023: { 初级: 4, 中级: 3, 副高级: 5 },
  2024: { 初级: 6, 中级: 2, 副高级: 3 },
};

const bzPortal: TestCaller = { role: 'portal', region: 'bz', subject: 'bz-clerk' };
const analyst: TestCaller = { role: 'analyst' };

let system: TestSystem;
let aksApplicationId: string;
let bzApplicationId: string;

async function as<T>(caller: TestCaller, query: string, variables?: Record<string, unknown>): Promise<GraphQLBody<T>> {
  return system.query<T>(query, variables, await gatewayHeaders(caller));
}

const codes = (body: GraphQLBody<unknown>) => [...new Set((body.errors ?? []).map((error) => String(error.extensions?.code)))];

beforeAll(async () => {
  system = await startTestSystem({
    env: { SUBGRAPH_TIMEOUT_MS: '15000' },
    seed: async (databases) => {
      const bz = await insertBzPerson(databases.bz!.sql, { xm: '侧门测试', sfzh: PERSON }, [
        { pcdm: 'BZ2024ZJMQ', sbnd: 2024, pslb: '民营专项', sbjb: '中级', zt: 3, zhtjsj: '2024-07-18 10:30' },
      ]);
      bzApplicationId = `bz:${bz.sqsids[0]}`;
      const aks = await insertAksApplicant(
        databases.aks!.sql,
        { fullName: '侧门测试', idCard: PERSON },
        [{ batchCode: AKS_BATCH, year: 2024, track: 'general', state: 'committee_audit', submittedAt: '2024-08-12T09:00:00+08:00' }],
        [{ listedOn: BAN_LISTED, banYears: 5 }],
      );
      aksApplicationId = `aks:${aks.applicationIds[0]}`;
      let serial = 0;
      for (const [year, levels] of Object.entries(BZ_CELLS)) {
        for (const [level, count] of Object.entries(levels)) {
          for (let index = 0; index < count; index++) {
            serial++;
            await insertBzPerson(databases.bz!.sql, { xm: `统计${serial}`, sfzh: withCheck(`6528011960${String(serial).padStart(5, '0')}12`) }, [
              { sbnd: Number(year), pslb: '评审', sbjb: level, zt: 7 },
            ]);
          }
        }
      }
    },
  });
});

afterAll(async () => {
  await system?.stop();
});

describe('the sealed person reference (issue 11, item 1)', () => {
  it.each([
    ['a portal', bzPortal],
    ['an analyst', analyst],
  ])('is not selectable by %s: a validation error, no data', async (_label, caller) => {
    const body = await as(caller, `query ($id: String!) { person(idNumber: $id) { records { ... on AksRecord { personRef } } } }`, { id: PERSON });
    expect(body.data).toBeUndefined();
    expect(codes(body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(JSON.stringify(body)).not.toMatch(/"personRef":"/);
  });

  it("still carries the gateway's own entity fetches to every region", async () => {
    const { data, errors } = await as<{ person: { records: Array<{ region: string; found: boolean }> } }>(
      bzPortal,
      `query ($id: String!) { person(idNumber: $id) { records { region found } } }`,
      { id: PERSON },
    );
    expect(errors).toBeUndefined();
    expect(data!.person.records).toEqual([
      { region: 'bz', found: true },
      { region: 'aks', found: true },
      { region: 'wlmq', found: false },
    ]);
  });
});

const ELIGIBILITY = /* GraphQL */ `
  query Eligibility($id: String!, $input: EligibilityInput!) {
    person(idNumber: $id) {
      eligibility(input: $input) {
        verdict
        reasons { code verdict region messageZh messageEn }
        outcomes { rule reasons { code messageZh messageEn } }
      }
    }
  }
`;

interface EligibilityData {
  person: { eligibility: { verdict: string; reasons: Array<{ code: string; verdict: string; region: string; messageZh: string; messageEn: string }> } } | null;
}

/** bz's 2024 民营专项 (notice 000), during its window, for the person's own bz application. */
const bzInput = () => ({
  region: 'bz',
  batchCode: 'BZ2024ZJMQ',
  level: 'INTERMEDIATE',
  reviewKind: 'PRIVATE_ENTERPRISE_REVIEW',
  employerKind: 'PRIVATE_ENTERPRISE',
  applicationId: bzApplicationId,
  asOf: '2024-07-20T10:00:00+08:00',
});

describe('eligibility reasons (issue 11, item 3)', () => {
  /** What aks holds that a bz portal may not read, as the rules would quote it. */
  const aksSecrets = () => [aksApplicationId, AKS_BATCH, BAN_LISTED, BAN_UNTIL, 'recorded as not', '记录为否'];

  it('quote the other region in full to an analyst (the data is there)', async () => {
    const { data, errors } = await as<EligibilityData>(analyst, ELIGIBILITY, { id: PERSON, input: bzInput() });
    expect(errors).toBeUndefined();
    const text = JSON.stringify(data);
    expect(text).toContain(aksApplicationId);
    expect(text).toContain(AKS_BATCH);
    expect(text).toContain(BAN_UNTIL);
  });

  it("tell a portal that aks bars the application, and nothing of aks's ids, batch codes, dates or profile values", async () => {
    const { data, errors } = await as<EligibilityData>(bzPortal, ELIGIBILITY, { id: PERSON, input: bzInput() });
    expect(errors).toBeUndefined();
    const eligibility = data!.person!.eligibility;
    expect(eligibility.verdict).toBe('INELIGIBLE');
    const aks = eligibility.reasons.filter((reason) => reason.region === 'aks' && reason.verdict === 'FAIL').map((reason) => reason.code);
    expect(aks).toEqual(expect.arrayContaining(['ANNUAL_REVIEW_ALREADY_APPLIED', 'INTEGRITY_BAN_ACTIVE']));
    const ban = eligibility.reasons.find((reason) => reason.code === 'INTEGRITY_BAN_ACTIVE')!;
    expect(ban.messageZh).toContain('aks 有失信记录');
    const text = JSON.stringify(data);
    for (const secret of aksSecrets()) expect(text).not.toContain(secret);
  });

  it("refuse a portal a check of another region's application, a future check day, or naming another region's application", async () => {
    const otherRegion = await as<EligibilityData>(bzPortal, ELIGIBILITY, {
      id: PERSON,
      input: { region: 'aks', batchCode: AKS_BATCH, level: 'INTERMEDIATE', reviewKind: 'REVIEW', asOf: '2024-08-01T10:00:00+08:00' },
    });
    expect(codes(otherRegion)).toEqual(['FORBIDDEN']);
    const future = await as<EligibilityData>(bzPortal, ELIGIBILITY, { id: PERSON, input: { ...bzInput(), asOf: '2099-01-01T00:00:00+08:00' } });
    expect(codes(future)).toEqual(['FORBIDDEN']);
    const named = await as<EligibilityData>(bzPortal, ELIGIBILITY, { id: PERSON, input: { ...bzInput(), applicationId: aksApplicationId } });
    expect(codes(named)).toEqual(['FORBIDDEN']);
    for (const body of [otherRegion, future, named]) {
      expect(body.data?.person ?? null).toBeNull();
      for (const secret of aksSecrets()) expect(JSON.stringify(body)).not.toContain(secret);
    }
  });
});

const ANNUAL_REVIEW = /* GraphQL */ `
  query ($id: String!, $exclude: ID) {
    person(idNumber: $id) { annualReview(year: 2024, excludeApplication: $exclude) { verdict counted { region } } }
  }
`;

describe('oracles (issue 11, item 4)', () => {
  it("refuse a portal that names another region's application to the annual-review check", async () => {
    const body = await as<{ person: unknown }>(bzPortal, ANNUAL_REVIEW, { id: PERSON, exclude: aksApplicationId });
    expect(codes(body)).toEqual(['FORBIDDEN']);
    expect(body.data?.person ?? null).toBeNull();
    // A made-up id of another region is refused the same way, so the refusal says nothing either.
    const madeUp = await as<{ person: unknown }>(bzPortal, ANNUAL_REVIEW, { id: PERSON, exclude: 'aks:999999' });
    expect(codes(madeUp)).toEqual(['FORBIDDEN']);
  });

  it('let a portal leave out its own application, and an analyst any', async () => {
    const own = await as<{ person: { annualReview: { verdict: string; counted: Array<{ region: string }> } } }>(bzPortal, ANNUAL_REVIEW, {
      id: PERSON,
      exclude: bzApplicationId,
    });
    expect(own.errors).toBeUndefined();
    expect(own.data!.person.annualReview.counted).toEqual([{ region: 'aks' }]);
    const other = await as<{ person: { annualReview: { counted: Array<{ region: string }> } } }>(analyst, ANNUAL_REVIEW, { id: PERSON, exclude: aksApplicationId });
    expect(other.errors).toBeUndefined();
    expect(other.data!.person.annualReview.counted).toEqual([{ region: 'bz' }]);
  });

  const LIST = `query ($filter: ApplicationFilter) { regions(codes: ["aks"]) { code applications(filter: $filter) { totalCount } } }`;

  it.each([
    ['level', { level: ['INTERMEDIATE'] }],
    ['series', { series: ['ENGINEERING'] }],
    ['specialty', { specialty: ['机械电子'] }],
  ])("refuse a portal filtering another region's list on %s with FORBIDDEN, not an answer by count", async (_field, filter) => {
    // The analyst's answer shows the filter would single the application out.
    const exact = await as<{ regions: Array<{ applications: { totalCount: number } }> }>(analyst, LIST, { filter: { year: 2024, ...filter } });
    expect(exact.data!.regions[0]!.applications.totalCount).toBe(1);
    const body = await as<{ regions: Array<{ code: string; applications: unknown }> }>(bzPortal, LIST, { filter: { year: 2024, ...filter } });
    expect(codes(body)).toEqual(['FORBIDDEN']);
    expect(body.data!.regions).toEqual([{ code: 'aks', applications: null }]);
  });

  it("refuse a portal another region's list even filtered on the fields it may read (its exact count would undo the perturbed statistics), and let it filter its own on any", async () => {
    // The exact count an analyst gets is a cell the portal's statistics perturb: the list may not give it back.
    const filter = { year: 2024, reviewKind: ['REVIEW'], status: ['AWAITING_COMMITTEE_AUDIT'] };
    const exact = await as<{ regions: Array<{ applications: { totalCount: number } }> }>(analyst, LIST, { filter });
    expect(exact.data!.regions[0]!.applications.totalCount).toBe(1);
    const summary = await as<{ regions: Array<{ code: string; applications: unknown }> }>(bzPortal, LIST, { filter });
    expect(codes(summary)).toEqual(['FORBIDDEN']);
    expect(summary.data!.regions).toEqual([{ code: 'aks', applications: null }]);
    expect(JSON.stringify(summary)).not.toMatch(/"totalCount"/);
    const own = await as<{ regions: Array<{ applications: { totalCount: number } }> }>(
      bzPortal,
      `{ regions(codes: ["bz"]) { applications(filter: { level: [INTERMEDIATE], series: [ENGINEERING], reviewKind: [PRIVATE_ENTERPRISE_REVIEW] }) { totalCount } } }`,
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.regions[0]!.applications.totalCount).toBe(1);
  });
});

type StatisticsRow = { level: string | null; count: number; perturbed: boolean };
type StatisticsData = { regions: Array<{ code: string; statistics: StatisticsRow[] | null }> };
const byLevelName = (rows: StatisticsRow[]): Record<string, StatisticsRow> => Object.fromEntries(rows.map((row) => [String(row.level), row]));

const BY_LEVEL = `query ($year: Int, $codes: [String!], $groupBy: [StatisticsDimension!]!) {
  regions(codes: $codes) { code statistics(year: $year, groupBy: $groupBy) { level count perturbed } }
}`;

describe('statistics (issue 11, item 5)', () => {
  const dashboard: TestCaller = { role: 'dashboard' };
  const byLevel = async (caller: TestCaller, year: number | null, groupBy: string[] = ['LEVEL'], codes = ['bz']) => {
    const body = await as<StatisticsData>(caller, BY_LEVEL, { year, codes, groupBy });
    expect(body.errors).toBeUndefined();
    return byLevelName(body.data!.regions[0]!.statistics!);
  };

  it('do not give a dashboard 2022 back as all years minus 2023 minus 2024', async () => {
    const levels = ['JUNIOR', 'INTERMEDIATE', 'ASSOCIATE_SENIOR'];
    const exact = await byLevel(analyst, 2022);
    expect(levels.map((level) => exact[level]?.count)).toEqual([1, 2, 1]);
    const [all, y2023, y2024, y2022] = await Promise.all([null, 2023, 2024, 2022].map((year) => byLevel(dashboard, year)));
    const shown = (rows: typeof all, level: string) => rows![level]?.count ?? 0;
    const rebuilt = levels.map((level) => shown(all, level) - shown(y2023, level) - shown(y2024, level));
    // Before perturbation the three differences were exactly 1, 2 and 1.
    expect(rebuilt).not.toEqual([1, 2, 1]);
    // 2022's own cells never show a 1 or a 2, and are marked as perturbed.
    for (const level of levels) expect([0, 3]).toContain(shown(y2022, level));
    expect(Object.values(y2022!).every((row) => row.perturbed)).toBe(true);
  });

  it('give a dashboard the same count for the same cell however it is asked', async () => {
    const alone = await byLevel(dashboard, 2023);
    const withRegion = await byLevel(dashboard, 2023, ['REGION', 'LEVEL']);
    const everyRegion = await as<StatisticsData>(dashboard, BY_LEVEL, { year: 2023, codes: null, groupBy: ['LEVEL'] });
    const bz = byLevelName(everyRegion.data!.regions.find((region) => region.code === 'bz')!.statistics!);
    const counts = (rows: Record<string, { count: number }>) => Object.fromEntries(Object.entries(rows).map(([level, row]): [string, number] => [level, row.count]));
    expect(counts(withRegion)).toEqual(counts(alone));
    expect(counts(bz)).toEqual(counts(alone));
  });

  it("read a portal's own region exactly and another region's perturbed", async () => {
    const own = await byLevel(bzPortal, 2022);
    expect(own.JUNIOR).toEqual({ level: 'JUNIOR', count: 1, perturbed: false });
    const other = await as<StatisticsData>(bzPortal, BY_LEVEL, { year: 2024, codes: ['aks'], groupBy: [] });
    expect(other.errors).toBeUndefined();
    // aks holds one 2024 application: a portal of bz sees it as 0 or 3, never as 1.
    const [row] = other.data!.regions[0]!.statistics!;
    expect(row!.perturbed).toBe(true);
    expect([0, 3]).toContain(row!.count);
    const aksPortal = await as<StatisticsData>({ role: 'portal', region: 'aks' }, BY_LEVEL, { year: 2024, codes: ['aks'], groupBy: [] });
    expect(aksPortal.data!.regions[0]!.statistics![0]).toEqual({ level: null, count: 1, perturbed: false });
  });
});
