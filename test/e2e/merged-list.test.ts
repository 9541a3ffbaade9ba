/**
 * One list of applications across the regions (Query.applications, issue 15): merged in one
 * order, paged by one cursor, with the regions' access rules, through the gateway on real
 * PostgreSQL. The reference is each region's own list (Region.applications), sorted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoData } from '../../demo/writeDemoData.js';
import { REGIONS } from '../../domain/regions.js';
import { scrape } from '../helpers/prometheus.js';
import { gatewayHeaders, startTestSystem, type GraphQLBody, type TestSystem } from '../helpers/system.js';

interface Node {
  id: string | null;
  region: string;
  localId: string | null;
  year: number | null;
  level: string | null;
  status: string;
  submittedAt: string | null;
}

interface MergedPage {
  applications: {
    totalCount: number;
    complete: boolean;
    missingRegions: string[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: Node }>;
  } | null;
}

const MERGED = /* GraphQL */ `
  query Merged($filter: ApplicationFilter, $orderBy: ApplicationOrder, $first: Int, $after: String) {
    applications(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount complete missingRegions
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id region localId year level status submittedAt } }
    }
  }
`;

const RANK = new Map(REGIONS.map((region, index) => [region.code, index]));
/** bz and aks keys are integers, wlmq's are text: each region's own key order. */
const keyOrder = (a: Node, b: Node) =>
  a.region === 'wlmq' ? (a.localId! < b.localId! ? -1 : a.localId! > b.localId! ? 1 : 0) : Number(a.localId) - Number(b.localId);

/** Microseconds of the instants set in the seed, which submittedAt (whole seconds) does not show. */
const micros = new Map<string, number>();

/** The documented order, newest first: dated by instant, then undated; ties by region, then key descending. */
function newestFirst(a: Node, b: Node): number {
  const at = (node: Node) => (node.submittedAt === null ? null : Date.parse(node.submittedAt) + (micros.get(node.id!) ?? 0) / 1000);
  const [ta, tb] = [at(a), at(b)];
  if (ta !== tb) {
    if (ta === null) return 1;
    if (tb === null) return -1;
    return tb - ta;
  }
  if (a.region !== b.region) return RANK.get(a.region)! - RANK.get(b.region)!;
  return -keyOrder(a, b);
}

let system: TestSystem;

interface RegionPages {
  regions: Array<{ applications: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: Array<{ node: Node }> } }>;
}

/** Every application of every region, from the regions' own lists. */
async function everyRegionsList(filter: Record<string, unknown> = {}): Promise<Node[]> {
  const all: Node[] = [];
  for (const region of REGIONS) {
    let after: string | null = null;
    for (;;) {
      const { data, errors }: GraphQLBody<RegionPages> = await system.query<RegionPages>(
        `query($filter: ApplicationFilter, $after: String) { regions(codes: ["${region.code}"]) { applications(filter: $filter, first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id region localId year level status submittedAt } } } } }`,
        { filter, after },
      );
      expect(errors).toBeUndefined();
      const page: RegionPages['regions'][number]['applications'] = data!.regions[0]!.applications;
      all.push(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
  }
  return all;
}

async function mergedAll(variables: Record<string, unknown>, pageSize: number): Promise<{ nodes: Node[]; pages: MergedPage['applications'][] }> {
  const nodes: Node[] = [];
  const pages: MergedPage['applications'][] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const { data, errors }: GraphQLBody<MergedPage> = await system.query<MergedPage>(MERGED, { ...variables, first: pageSize, after });
    expect(errors).toBeUndefined();
    const page: NonNullable<MergedPage['applications']> = data!.applications!;
    pages.push(page);
    nodes.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { nodes, pages };
}

beforeAll(async () => {
  system = await startTestSystem({
    // Pages of 200 full applications from three regions on a shared two-core machine: more room
    // than the test system's 3 s, which is about outages, not about load.
    env: { SUBGRAPH_TIMEOUT_MS: '10000', PORTAL_SUBGRAPH_TIMEOUT_MS: '10000' },
    seed: async (databases) => {
      await writeDemoData({ bz: databases.bz!.sql, aks: databases.aks!.sql, wlmq: databases.wlmq!.sql }, { seed: 11, applications: 500 });
      // Submission times that differ only in microseconds, and one equal instant in two regions
      // (bz keeps a Beijing wall clock, aks an instant): the order must hold to the microsecond.
      const bz = databases.bz!.sql;
      const { rows } = await bz.query<{ sqsid: string }>('SELECT sqsid::text FROM sb_sqs ORDER BY sqsid LIMIT 3');
      await bz.query(`UPDATE sb_sqs SET zhtjsj = '2030-01-01 10:00:00.000001' WHERE sqsid = $1`, [rows[0]!.sqsid]);
      await bz.query(`UPDATE sb_sqs SET zhtjsj = '2030-01-01 10:00:00.000002' WHERE sqsid = ANY($1::bigint[])`, [[rows[1]!.sqsid, rows[2]!.sqsid]]);
      const aks = databases.aks!.sql;
      const { rows: [first] } = await aks.query<{ id: number }>(`UPDATE apply_record SET submitted_at = '2030-01-01 02:00:00.000002+00' WHERE id = (SELECT min(id) FROM apply_record) RETURNING id`);
      micros.set(`bz:${rows[0]!.sqsid}`, 1).set(`bz:${rows[1]!.sqsid}`, 2).set(`bz:${rows[2]!.sqsid}`, 2).set(`aks:${first!.id}`, 2);
    },
  });
}, 120_000);
afterAll(async () => {
  await system?.stop();
});

describe('the merged application list', () => {
  it('lists every region in one order, newest submission first, without gaps or repeats across pages', async () => {
    const reference = (await everyRegionsList()).sort(newestFirst);
    const { nodes, pages } = await mergedAll({}, 37);
    expect(reference.length).toBeGreaterThan(400);
    expect(nodes.map((node) => node.id)).toEqual(reference.map((node) => node.id));
    expect(new Set(nodes.map((node) => node.id)).size).toBe(nodes.length);
    expect(pages.every((page) => page!.complete && page!.missingRegions.length === 0)).toBe(true);
    expect(pages[0]!.totalCount).toBe(reference.length);
    // Every region is in it, and wlmq (no submission time) comes after every dated application.
    expect(new Set(nodes.map((node) => node.region))).toEqual(new Set(['bz', 'aks', 'wlmq']));
    const firstUndated = nodes.findIndex((node) => node.submittedAt === null);
    expect(nodes.slice(firstUndated).every((node) => node.submittedAt === null)).toBe(true);
  });

  it('orders equal instants by region and key, to the microsecond, across regions that store time differently', async () => {
    // The four applications of 2030 one per page: the cursor must land between equal instants.
    const seen: Node[] = [];
    let after: string | null = null;
    for (let index = 0; index < 4; index++) {
      const { data, errors }: GraphQLBody<MergedPage> = await system.query<MergedPage>(MERGED, { first: 1, after });
      expect(errors).toBeUndefined();
      seen.push(data!.applications!.edges[0]!.node);
      after = data!.applications!.pageInfo.endCursor;
    }
    expect(seen.map((node) => [node.region, node.submittedAt])).toEqual([
      ['bz', '2030-01-01T10:00:00+08:00'],
      ['bz', '2030-01-01T10:00:00+08:00'],
      ['aks', '2030-01-01T10:00:00+08:00'],
      ['bz', '2030-01-01T10:00:00+08:00'],
    ]);
    // The two bz applications of the same microsecond: the higher key first.
    expect(Number(seen[0]!.localId)).toBeGreaterThan(Number(seen[1]!.localId));
  });

  it('gives the exact reverse oldest first', async () => {
    const newest = (await mergedAll({}, 200)).nodes.map((node) => node.id);
    const oldest = (await mergedAll({ orderBy: 'SUBMITTED_AT_ASC' }, 53)).nodes.map((node) => node.id);
    expect(oldest).toEqual([...newest].reverse());
  });

  it('filters in every region as the regions do', async () => {
    const filter = { year: 2024, level: ['INTERMEDIATE', 'JUNIOR'] };
    const reference = (await everyRegionsList(filter)).sort(newestFirst);
    const { nodes, pages } = await mergedAll({ filter }, 20);
    expect(reference.length).toBeGreaterThan(20);
    expect(nodes.map((node) => node.id)).toEqual(reference.map((node) => node.id));
    expect(nodes.every((node) => node.year === 2024 && ['INTERMEDIATE', 'JUNIOR'].includes(node.level!))).toBe(true);
    expect(pages[0]!.totalCount).toBe(reference.length);
  });

  it('refuses a cursor of another filter or order, and a forged one, with INVALID_CURSOR', async () => {
    const { data } = await system.query<MergedPage>(MERGED, { first: 5, filter: { year: 2024 } });
    const cursor = data!.applications!.pageInfo.endCursor!;
    for (const variables of [
      { first: 5, filter: { year: 2023 }, after: cursor },
      { first: 5, filter: { year: 2024 }, orderBy: 'SUBMITTED_AT_ASC', after: cursor },
      { first: 5, after: Buffer.from(JSON.stringify({ o: 'D', f: 'x', m: null, r: 'bz', k: '1' })).toString('base64url') },
    ]) {
      const answer = await system.query<MergedPage>(MERGED, variables);
      expect(answer.data?.applications ?? null).toBeNull();
      expect(answer.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');
    }
    const tooMany = await system.query<MergedPage>(MERGED, { first: 201 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("gives a portal its own region's applications only: another region's rows would tell its counts and, by their place in the order, their submission times", async () => {
    const headers = await gatewayHeaders({ role: 'portal', region: 'aks' });
    const { data, errors } = await system.query<MergedPage>(MERGED, { first: 200 }, headers);
    expect(errors).toBeUndefined();
    const nodes = data!.applications!.edges.map((edge) => edge.node);
    expect(nodes.length).toBeGreaterThan(0);
    expect(new Set(nodes.map((node) => node.region))).toEqual(new Set(['aks']));
    expect(nodes.every((node) => node.id !== null && node.level !== null)).toBe(true);
    // Its total is its own region's, the same as the region's own list gives it.
    const own = await system.query<{ regions: Array<{ applications: { totalCount: number } }> }>(
      `{ regions(codes: ["aks"]) { applications { totalCount } } }`,
      {},
      headers,
    );
    expect(data!.applications!.totalCount).toBe(own.data!.regions[0]!.applications.totalCount);
    expect(data!.applications!).toMatchObject({ complete: true, missingRegions: [] });
    // The cursor does not give away the submission time or key it was made from.
    const cursor = data!.applications!.edges[0]!.cursor;
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/20[0-9]{2}|"k"/);
    // An analyst's cursor on another region's row is not one this portal's list issued.
    const analystPage = await system.query<MergedPage>(MERGED, { first: 60 });
    const foreign = analystPage.data!.applications!.edges.find((edge) => edge.node.region !== 'aks')!.cursor;
    const resumed = await system.query<MergedPage>(MERGED, { first: 5, after: foreign }, headers);
    expect(resumed.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');
  });

  it('gives a dashboard no list', async () => {
    const { data, errors } = await system.query<MergedPage>(MERGED, { first: 5 }, await gatewayHeaders({ role: 'dashboard' }));
    expect(data?.applications ?? null).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('reads a deep page with as many SQL statements as the first', async () => {
    const count = async () => {
      let total = 0;
      for (const region of REGIONS) total += (await scrape(system.services.get(region.code)!.metricsUrl)).sum('xjzc_sql_statements_total');
      return total;
    };
    const before = await count();
    const { data } = await system.query<MergedPage>(MERGED, { first: 10 });
    const firstPage = (await count()) - before;
    let after = data!.applications!.pageInfo.endCursor;
    for (let page = 0; page < 20; page++) {
      const next: GraphQLBody<MergedPage> = await system.query<MergedPage>(MERGED, { first: 10, after });
      after = next.data!.applications!.pageInfo.endCursor;
    }
    const beforeDeep = await count();
    await system.query<MergedPage>(MERGED, { first: 10, after });
    expect((await count()) - beforeDeep).toBeLessThanOrEqual(firstPage + 1);
  });

  it('names a region that does not answer, and still lists the others', async () => {
    await system.stopService('wlmq');
    const { data, errors } = await system.query<MergedPage>(MERGED, { first: 200 });
    const page = data!.applications!;
    expect(page.complete).toBe(false);
    expect(page.missingRegions).toEqual(['wlmq']);
    expect(page.edges.length).toBe(200);
    expect(page.edges.every((edge) => edge.node.region !== 'wlmq')).toBe(true);
    expect(errors).toEqual([expect.objectContaining({ path: ['applications'], extensions: expect.objectContaining({ code: 'REGION_UNAVAILABLE', region: 'wlmq' }) })]);
  });
});
