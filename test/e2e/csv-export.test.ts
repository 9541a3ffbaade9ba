/**
 * GET /export/applications.csv through the gateway (issue 15): the merged list as CSV with a BOM,
 * in the list's order, every page, masked as the API masks it for the caller, streamed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoData } from '../../demo/writeDemoData.js';
import { csvCell, CSV_COLUMNS } from '../../gateway/export.js';
import { gatewayHeaders, startTestSystem, type TestSystem } from '../helpers/system.js';

let system: TestSystem;
let exportUrl: string;

/** RFC 4180 rows: quoted cells may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index++;
    } else cell += char;
  }
  return rows;
}

async function download(query: string, headers: Record<string, string>) {
  const response = await fetch(`${exportUrl}${query}`, { headers });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { response, bytes, text: bytes.toString('utf8') };
}

async function mergedIds(filter: Record<string, unknown>, headers?: Record<string, string>): Promise<{ ids: Array<string | null>; totalCount: number }> {
  const ids: Array<string | null> = [];
  let after: string | null = null;
  let totalCount = 0;
  for (;;) {
    const answer: { data?: { applications: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: Array<{ node: { id: string | null } }> } } | null } =
      await system.query(
        'query($filter: ApplicationFilter, $after: String) { applications(filter: $filter, first: 200, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }',
        { filter, after },
        headers,
      );
    const page = answer.data!.applications;
    totalCount = page.totalCount;
    ids.push(...page.edges.map((edge) => edge.node.id));
    if (!page.pageInfo.hasNextPage) return { ids, totalCount };
    after = page.pageInfo.endCursor;
  }
}

beforeAll(async () => {
  system = await startTestSystem({
    // Pages of 200 full applications from three regions on a shared two-core machine: more room
    // than the test system's 3 s, which is about outages, not about load.
    env: { SUBGRAPH_TIMEOUT_MS: '10000', PORTAL_SUBGRAPH_TIMEOUT_MS: '10000' },
    seed: async (databases) => {
      await writeDemoData({ bz: databases.bz!.sql, aks: databases.aks!.sql, wlmq: databases.wlmq!.sql }, { seed: 5, applications: 650 });
      // Portal text that a spreadsheet would run as a formula.
      await databases.bz!.sql.query(`UPDATE sb_sqs SET zy = '=HYPERLINK("http://x","a,b")' WHERE sqsid = (SELECT min(sqsid) FROM sb_sqs)`);
    },
  });
  exportUrl = `${new URL(system.gatewayUrl).origin}/export/applications.csv`;
  // Warm the merged list's path once: a cold first call on a busy machine can pass the test
  // system's 3 s subgraph timeout, and this suite is about the export, not about cold starts.
  const fields = CSV_COLUMNS.map(([field]) => field).join(' ');
  for (let round = 0; round < 2; round++) await system.query(`query($first: Int) { applications(first: $first) { edges { node { ${fields} } } } }`, { first: 200 });
}, 120_000);
afterAll(async () => {
  await system?.stop();
});

describe('the CSV export', () => {
  it('streams every page of the merged list, in its order, as UTF-8 with a BOM', async () => {
    const headers = await gatewayHeaders({ role: 'analyst' });
    const { response, bytes, text } = await download('', headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('applications.csv');
    // Streamed: chunked, with no length known up front.
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('x-complete')).toBe('true');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

    const [heading, ...rows] = parseCsv(text.slice(1));
    expect(heading).toEqual(CSV_COLUMNS.map(([, title]) => title));
    const reference = await mergedIds({});
    expect(reference.ids.length).toBeGreaterThan(400);
    expect(rows.map((row) => row[0])).toEqual(reference.ids);
    expect(rows.length).toBe(reference.totalCount);
    expect(rows.some((row) => row[9] === '中级')).toBe(true);
  });

  it('filters as the list does, from query parameters', async () => {
    const { response, text } = await download('?year=2024&level=INTERMEDIATE,JUNIOR', await gatewayHeaders({ role: 'analyst' }));
    expect(response.status).toBe(200);
    const rows = parseCsv(text.slice(1)).slice(1);
    const reference = await mergedIds({ year: 2024, level: ['INTERMEDIATE', 'JUNIOR'] });
    expect(rows.map((row) => row[0])).toEqual(reference.ids);
    expect(rows.every((row) => row[4] === '2024' && ['INTERMEDIATE', 'JUNIOR'].includes(row[7]!))).toBe(true);
  });

  it("gives a portal its own region's applications only, as the API does", async () => {
    const headers = await gatewayHeaders({ role: 'portal', region: 'wlmq' });
    const { response, text } = await download('?year=2024', headers);
    expect(response.status).toBe(200);
    const rows = parseCsv(text.slice(1)).slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row[1]))).toEqual(new Set(['wlmq']));
    const column = (name: string) => CSV_COLUMNS.findIndex(([field]) => field === name);
    expect(rows.every((row) => row[column('id')]!.startsWith('wlmq:'))).toBe(true);
    expect(rows.map((row) => row[column('id')] || null)).toEqual((await mergedIds({ year: 2024 }, headers)).ids);
  });

  it('defuses cells a spreadsheet would run as a formula', async () => {
    const { text } = await download('', await gatewayHeaders({ role: 'analyst' }));
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""a,b"")"`);
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell('a"b')).toBe('"a""b"');
    expect(csvCell(null)).toBe('');
  });

  it('refuses without a token, to a dashboard, and on bad parameters, with a code', async () => {
    const none = await download('', {});
    expect(none.response.status).toBe(401);
    expect(JSON.parse(none.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const dashboard = await download('', await gatewayHeaders({ role: 'dashboard' }));
    expect(dashboard.response.status).toBe(403);
    expect(JSON.parse(dashboard.text).errors[0].extensions.code).toBe('FORBIDDEN');
    const analyst = await gatewayHeaders({ role: 'analyst' });
    for (const query of ['?year=twenty', '?level=GRANDMASTER', '?orderBy=RANDOM']) {
      const bad = await download(query, analyst);
      expect(bad.response.status).toBe(400);
      expect(JSON.parse(bad.text).errors[0].extensions.code).toMatch(/^(BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED)$/);
    }
    const post = await fetch(exportUrl, { method: 'POST', headers: analyst });
    expect(post.status).toBe(405);
  });

  it('says which region is missing before the first byte, and still exports the others', async () => {
    await system.stopService('bz');
    const { response, text } = await download('', await gatewayHeaders({ role: 'analyst' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-complete')).toBe('false');
    expect(response.headers.get('x-missing-regions')).toBe('bz');
    const rows = parseCsv(text.slice(1)).slice(1);
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.every((row) => row[1] !== 'bz')).toBe(true);
  });
});
