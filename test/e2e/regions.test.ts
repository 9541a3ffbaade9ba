/**
 * Analysts and dashboards through the gateway: `regions` pages through each region's applications
 * by cursor and counts them with SQL GROUP BY, one answer per configured region.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAksApplicant, insertBzPerson, insertWlmqDeclaration } from '../fixtures/portalRows.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';
import { checkCharacter } from '../../domain/idNumber.js';

const numbered = (prefix: string, index: number) => {
  const body = `${prefix}19800101${String(100 + index).padStart(3, '0')}`;
  return body + checkCharacter(body);
};

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({
    seed: async (databases) => {
      for (let index = 0; index < 7; index++) {
        await insertBzPerson(databases.bz!.sql, { xm: `测试${index}`, sfzh: numbered('652801', index) }, [
          { sbnd: 2024, sbjb: index < 4 ? '中级' : '初级', zt: index < 2 ? 7 : 3 },
        ]);
      }
      await insertBzPerson(databases.bz!.sql, { xm: '测试未知', sfzh: numbered('652801', 50) }, [{ sbnd: 2024, sbjb: '特级', zt: 3 }]);
      await insertAksApplicant(databases.aks!.sql, { fullName: '测试', idCard: numbered('652901', 1) }, [
        { batchCode: 'AKS-2024-JXDZ-HG', year: 2024, levelCode: 420 },
        { batchCode: 'AKS-2023-JXDZ-HG', year: 2023, levelCode: 420 },
      ]);
      await insertWlmqDeclaration(databases.wlmq!.sql, { declarationNo: 'WLMQ2024-000009', certNo: 'E12345678', certType: '护照', name: 'Test' });
    },
  });
});
afterAll(async () => {
  await system?.stop();
});

const PAGE = /* GraphQL */ `
  query Page($after: String) {
    regions(codes: ["bz"]) {
      code name
      applications(filter: { year: 2024, level: [INTERMEDIATE, JUNIOR] }, first: 3, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { id level year } }
      }
    }
  }
`;

interface PageData {
  regions: Array<{
    code: string;
    name: string;
    applications: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { id: string; level: string } }> };
  }>;
}

describe('regions', () => {
  it('pages through a filtered list by cursor, with no gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: { data?: PageData | null; errors?: unknown } = await system.query<PageData>(PAGE, { after });
      expect(page.errors).toBeUndefined();
      const list = page.data!.regions[0]!.applications;
      expect(list.totalCount).toBe(7);
      seen.push(...list.edges.map((edge) => edge.node.id));
      after = list.pageInfo.hasNextPage ? list.pageInfo.endCursor : null;
      pages++;
    } while (after && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    expect(seen.every((id) => id.startsWith('bz:'))).toBe(true);
  });

  it('counts by level and status in every region, keeping unknown levels visible', async () => {
    const { data, errors } = await system.query<{ regions: Array<{ code: string; statistics: Array<{ region: string; level: string; status: string; count: number }> }> }>(
      `{ regions { code statistics(year: 2024, groupBy: [REGION, LEVEL, STATUS]) { region level status count suppressed } } }`,
    );
    expect(errors).toBeUndefined();
    const bz = data!.regions.find((region) => region.code === 'bz')!.statistics;
    const count = (level: string, status: string) => bz.find((row) => row.level === level && row.status === status)?.count;
    expect(count('INTERMEDIATE', 'PASSED')).toBe(2);
    expect(count('INTERMEDIATE', 'AWAITING_COMMITTEE_AUDIT')).toBe(2);
    expect(count('JUNIOR', 'AWAITING_COMMITTEE_AUDIT')).toBe(3);
    expect(count('UNKNOWN', 'AWAITING_COMMITTEE_AUDIT')).toBe(1);
    expect(bz.every((row) => row.region === 'bz')).toBe(true);
    const aks = data!.regions.find((region) => region.code === 'aks')!.statistics;
    expect(aks.reduce((sum, row) => sum + row.count, 0)).toBe(1);
    // A passport holder cannot be matched across regions, but still counts.
    const wlmq = data!.regions.find((region) => region.code === 'wlmq')!.statistics;
    expect(wlmq.reduce((sum, row) => sum + row.count, 0)).toBe(1);
  });

  it('refuses an unknown region code', async () => {
    const { errors } = await system.query(`{ regions(codes: ["xx"]) { code } }`);
    expect(errors![0]!.extensions!.code).toBe('UNKNOWN_REGION');
  });

  it('refuses a page larger than 200 and a cursor from another region', async () => {
    const tooLarge = await system.query(`{ regions(codes: ["bz"]) { applications(first: 500) { totalCount } } }`);
    expect(tooLarge.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const first = await system.query<PageData>(PAGE, { after: null });
    const cursor = first.data!.regions[0]!.applications.pageInfo.endCursor;
    const foreign = await system.query(`query ($after: String) { regions(codes: ["aks"]) { applications(after: $after) { totalCount } } }`, { after: cursor });
    expect(foreign.errors![0]!.extensions).toMatchObject({ code: 'INVALID_CURSOR', region: 'aks' });
  });
});

describe('cursors and input', () => {
  const LIST = /* GraphQL */ `
    query ($code: String!, $after: String, $first: Int) {
      regions(codes: [$code]) { applications(first: $first, after: $after) { edges { cursor node { id localId } } pageInfo { endCursor } } }
    }
  `;
  type ListData = { regions: Array<{ applications: { edges: Array<{ cursor: string; node: { id: string; localId: string } }>; pageInfo: { endCursor: string | null } } }> };
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

  it.each(['bz', 'aks', 'wlmq'])('%s: a cursor reveals neither the region nor the application key, and differs each time it is issued', async (code) => {
    const first = await system.query<ListData>(LIST, { code, first: 1 });
    const again = await system.query<ListData>(LIST, { code, first: 1 });
    const [edge] = first.data!.regions[0]!.applications.edges;
    // Before: base64url of `<region>:<key>`, e.g. YWtzOjE for aks:1.
    expect(Buffer.from(edge!.cursor, 'base64url').toString('utf8')).not.toContain(`${code}:${edge!.node.localId}`);
    expect(edge!.cursor).not.toContain(base64(`${code}:${edge!.node.localId}`).slice(0, 4));
    expect(again.data!.regions[0]!.applications.edges[0]!.node.id).toBe(edge!.node.id);
    expect(again.data!.regions[0]!.applications.edges[0]!.cursor).not.toBe(edge!.cursor);
    // It still works: the page after it starts after that application.
    const next = await system.query<ListData>(LIST, { code, first: 1, after: edge!.cursor });
    expect(next.errors).toBeUndefined();
    expect(next.data!.regions[0]!.applications.edges.map((later) => later.node.id)).not.toContain(edge!.node.id);
  });

  it.each([
    ['bz', 'bz:x'],
    ['bz', base64('bz:x')],
    ['bz', base64('bz:1')],
    ['aks', 'aks:abc'],
    ['aks', base64('aks:abc')],
    ['aks', base64('aks:1')],
    ['wlmq', base64('wlmq:WLMQ2024-000009')],
    ['wlmq', 'x'.repeat(5_000)],
    ['wlmq', ''],
  ])('%s refuses the made-up or forged cursor %#: INVALID_CURSOR, not echoed', async (code, after) => {
    const { data, errors } = await system.query<ListData>(LIST, { code, after });
    expect(errors).toHaveLength(1);
    expect(errors![0]!.extensions).toMatchObject({ code: 'INVALID_CURSOR', region: code });
    if (after.length > 0) expect(JSON.stringify(errors)).not.toContain(after);
    expect(data?.regions?.[0]?.applications ?? null).toBeNull();
  });

  it.each([
    ['a list filtered by an impossible year', `{ regions(codes: ["bz"]) { applications(filter: { year: 99999 }) { totalCount } } }`],
    ['statistics of the largest integer as a year', `{ regions { statistics(year: 2147483647, groupBy: [LEVEL]) { count } } }`],
    ['statistics of a year before title reviews', `{ regions(codes: ["aks"]) { statistics(year: 1977, groupBy: []) { count } } }`],
    ['a page of none', `{ regions(codes: ["wlmq"]) { applications(first: 0) { totalCount } } }`],
    ['a page larger than 200', `{ regions(codes: ["aks"]) { applications(first: 201) { totalCount } } }`],
  ])('answers %s with BAD_USER_INPUT from every region asked, and stays up', async (_name, query) => {
    const { errors } = await system.query(query);
    expect(errors!.length).toBeGreaterThan(0);
    for (const error of errors!) expect(error.extensions!.code).toBe('BAD_USER_INPUT');
    const fine = await system.query<{ regions: Array<{ code: string }> }>(`{ regions { code } }`);
    expect(fine.data!.regions.map((region) => region.code)).toEqual(['bz', 'aks', 'wlmq']);
  });
});
