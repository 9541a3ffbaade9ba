/**
 * Adding a prefecture end to end: a fourth region (hm, test/fixtures/prefecture) with its own
 * portal schema and local names, built on the region kit, one registry entry, its own demo rows in
 * an embedded database, and a supergraph composed here with it. Through the gateway, the contract
 * answers with hm in it: the annual review counts hm's application, eligibility weighs it, and hm
 * has its statistics and list like the other regions, and its portal claims the person's year in
 * the province's ledger, refused where bz's application already counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoData } from '../../demo/writeDemoData.js';
import { composeSupergraph } from '../../gateway/compose.js';
import { insertBzPerson } from '../fixtures/portalRows.js';
import { DEMO_PERSON } from '../fixtures/prefecture/region.js';
import { REGISTRY, startFourRegions, type FourRegions } from '../helpers/fourRegions.js';
import { gatewayHeaders, TEST_IDENTITY_SECRET, type GraphQLBody } from '../helpers/system.js';

const NOBODY = '65050219700101001X';

let system: FourRegions;
let gatewayUrl = '';

async function query<T>(text: string, caller: Parameters<typeof gatewayHeaders>[0] = { role: 'analyst' }, variables: Record<string, unknown> = {}): Promise<GraphQLBody<T>> {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await gatewayHeaders(caller)) },
    body: JSON.stringify({ query: text, variables }),
  });
  return (await response.json()) as GraphQLBody<T>;
}

beforeAll(async () => {
  system = await startFourRegions({
    env: { NODE_ENV: 'test', IDENTITY_SECRET: TEST_IDENTITY_SECRET, SUBGRAPH_TIMEOUT_MS: '5000' },
    // The demo person also applied in bz, in 2023: a year apart, so only hm's counts for 2024.
    seed: (databases) => insertBzPerson(databases.bz!.sql, { xm: '哈测一', sfzh: DEMO_PERSON }, [{ sbnd: 2023, pslb: '评审', zt: 7 }]).then(() => undefined),
  });
  gatewayUrl = (await system.startGateway({ supergraphSdl: composeSupergraph(REGISTRY) })).url;
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

describe('a fourth prefecture, added with its folder and one registry entry', () => {
  it('is a region like the others', async () => {
    const { data, errors } = await query<{ regions: Array<{ code: string; name: string; divisionCode: string }> }>(`{ regions { code name divisionCode } }`);
    expect(errors).toBeUndefined();
    expect(data!.regions).toContainEqual({ code: 'hm', name: '哈密市', divisionCode: '650500' });
    expect(data!.regions.map((region) => region.code)).toEqual(['bz', 'aks', 'wlmq', 'hm']);
  });

  it('counts its application in the annual review, and answers for people it does not know', async () => {
    const ANNUAL = `query ($id: String!) { person(idNumber: $id) {
      records { region found }
      annualReview(year: 2024) { verdict complete missingRegions counted { region year reviewKind status } }
    } }`;
    type Annual = { person: { records: Array<{ region: string; found: boolean }>; annualReview: { verdict: string; complete: boolean; missingRegions: string[]; counted: unknown[] } } };
    const applied = await query<Annual>(ANNUAL, { role: 'portal', region: 'bz' }, { id: DEMO_PERSON });
    expect(applied.errors).toBeUndefined();
    expect(applied.data!.person.records).toEqual([
      { region: 'bz', found: true },
      { region: 'aks', found: false },
      { region: 'wlmq', found: false },
      { region: 'hm', found: true },
    ]);
    expect(applied.data!.person.annualReview).toEqual({
      verdict: 'ALREADY_APPLIED',
      complete: true,
      missingRegions: [],
      counted: [{ region: 'hm', year: 2024, reviewKind: 'REVIEW', status: 'AWAITING_COMMITTEE_AUDIT' }],
    });

    const nobody = await query<Annual>(ANNUAL, { role: 'portal', region: 'hm' }, { id: NOBODY });
    expect(nobody.errors).toBeUndefined();
    expect(nobody.data!.person.annualReview).toMatchObject({ verdict: 'CLEAR', complete: true, missingRegions: [] });
  });

  it('weighs its application in another region\'s eligibility check', async () => {
    const { data, errors } = await query<{ person: { eligibility: { verdict: string; reasons: Array<{ code: string; verdict: string; region: string | null }> } } }>(
      `query ($id: String!, $input: EligibilityInput!) { person(idNumber: $id) { eligibility(input: $input) { verdict reasons { code verdict region } } } }`,
      { role: 'portal', region: 'wlmq' },
      {
        id: DEMO_PERSON,
        input: { region: 'wlmq', batchCode: 'WLMQ2024', level: 'INTERMEDIATE', reviewKind: 'REVIEW', employerKind: 'PRIVATE_ENTERPRISE', location: '头屯河区', asOf: '2024-09-10T10:00:00+08:00' },
      },
    );
    expect(errors).toBeUndefined();
    expect(data!.person.eligibility.verdict).toBe('INELIGIBLE');
    expect(data!.person.eligibility.reasons).toContainEqual({ code: 'ANNUAL_REVIEW_ALREADY_APPLIED', verdict: 'FAIL', region: 'hm' });
  });

  it('claims the person\'s year for its own application, and is refused a year another region already counts', async () => {
    const hmPortal = { role: 'portal', region: 'hm' } as const;
    const own = await query<{ person: { records: Array<{ region: string; applications?: Array<{ id: string; year: number }> }> } }>(
      `query ($id: String!) { person(idNumber: $id) { records { region ... on HmRecord { applications { id year } } } } }`,
      hmPortal,
      { id: DEMO_PERSON },
    );
    expect(own.errors).toBeUndefined();
    const applications = own.data!.person.records.find((record) => record.region === 'hm')!.applications!;
    const of = (year: number) => applications.find((application) => application.year === year)!.id;

    const CLAIM = `mutation ($input: AnnualReviewClaimInput!) { claimAnnualReview(input: $input) {
      outcome missingRegions conflicts { region kind } claim { region year applicationId state } } }`;
    type Claim = { claimAnnualReview: { outcome: string; missingRegions: string[]; conflicts: Array<{ region: string; kind: string }>; claim: { region: string; year: number; applicationId: string; state: string } | null } };

    const granted = await query<Claim>(CLAIM, hmPortal, { input: { idNumber: DEMO_PERSON, year: 2024, applicationId: of(2024) } });
    expect(granted.errors).toBeUndefined();
    expect(granted.data!.claimAnnualReview).toEqual({
      outcome: 'GRANTED',
      missingRegions: [],
      conflicts: [],
      claim: { region: 'hm', year: 2024, applicationId: of(2024), state: 'HELD' },
    });
    const ledger = await system.province.sql.query<{ region: string; year: number }>(`SELECT region, year FROM annual_review_claim WHERE region = 'hm'`);
    expect(ledger.rows).toEqual([{ region: 'hm', year: 2024 }]);

    // bz's 2023 application (seeded above) counts toward 2023, so hm's 2023 application cannot hold it.
    const refused = await query<Claim>(CLAIM, hmPortal, { input: { idNumber: DEMO_PERSON, year: 2023, applicationId: of(2023) } });
    expect(refused.errors).toBeUndefined();
    expect(refused.data!.claimAnnualReview).toEqual({ outcome: 'REFUSED', missingRegions: [], conflicts: [{ region: 'bz', kind: 'APPLIED' }], claim: null });
  });

  it('counts its statistics with SQL GROUP BY over its own codes, unknown codes kept as UNKNOWN', async () => {
    const { data, errors } = await query<{ regions: Array<{ code: string; statistics: Array<{ level: string; count: number }> }> }>(
      `{ regions(codes: ["hm"]) { code statistics(year: 2024, groupBy: [LEVEL]) { level count } } }`,
    );
    expect(errors).toBeUndefined();
    const counts = Object.fromEntries(data!.regions[0]!.statistics.map((row) => [row.level, row.count]));
    // The demo rows of 2024: 中级 M three times, 副高 F once, and X, a code hm's table does not know.
    expect(counts).toEqual({ INTERMEDIATE: 3, ASSOCIATE_SENIOR: 1, UNKNOWN: 1 });
  });

  it('lists and filters its applications by shared values, paging by its own cursors', async () => {
    const LIST = `query ($after: String) { regions(codes: ["hm"]) { applications(filter: { year: 2024, series: [ENGINEERING] }, first: 1, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id level reviewKind } } } } }`;
    type List = { regions: Array<{ applications: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: Array<{ node: { id: string } }> } }> };
    const first = await query<List>(LIST);
    expect(first.errors).toBeUndefined();
    expect(first.data!.regions[0]!.applications.totalCount).toBe(2);
    const second = await query<List>(LIST, { role: 'analyst' }, { after: first.data!.regions[0]!.applications.pageInfo.endCursor });
    expect(second.data!.regions[0]!.applications.pageInfo.hasNextPage).toBe(false);
    const ids = [...first.data!.regions[0]!.applications.edges, ...second.data!.regions[0]!.applications.edges].map((edge) => edge.node.id);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^hm:\d+$/);
  });

  it('flags a stored ID number with an impossible birth date at start, the kit\'s migrations applied', async () => {
    // Its demo rows hold one (month 13); the scan needs gateway.id_number_birth_date from the kit's migrations.
    const gauge = async () => (await system.hmMetrics.registry.getSingleMetric('xjzc_id_numbers_impossible_birth_date')!.get()).values[0]?.value;
    await expect.poll(gauge, { timeout: 10_000 }).toBe(1);
  });

  it('gets no silent empty demo data set from the generator, which does not know it', async () => {
    // hm's embedded database was filled by its own demoRows (the statistics above count them); the
    // shared generator refuses it by name rather than writing nothing.
    await expect(writeDemoData({ hm: system.databases.bz!.sql }, { seed: 1 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message: expect.stringContaining('hm') });
  });
});
