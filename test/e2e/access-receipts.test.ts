/**
 * Access-log receipts end to end (subgraphs/province/accessReceipts.ts, gateway/accessReceipts.ts):
 * where the plan calls the province again after the regions, a lookup's access-log entry commits
 * while the regions are asked, and the gateway answers only once the province has confirmed it.
 * An entry that cannot be written withholds the whole answer (ACCESS_LOG_UNAVAILABLE): never an
 * answered lookup without its committed entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertBzPerson } from '../fixtures/portalRows.js';
import { scrape } from '../helpers/prometheus.js';
import { gatewayHeaders, startTestSystem, type TestSystem } from '../helpers/system.js';

const HELD_IN_BZ = '652801198503071038';
const CHECK = 'query Check($id: String!, $year: Int!) { person(idNumber: $id) { annualReview(year: $year) { verdict complete } } }';
const MASKED_ONLY = 'query Masked($id: String!) { person(idNumber: $id) { idNumberMasked } }';

let system: TestSystem;

beforeAll(async () => {
  const { checkCharacter } = await import('../../domain/idNumber.js');
  expect(checkCharacter(HELD_IN_BZ.slice(0, 17))).toBe(HELD_IN_BZ[17]);
  system = await startTestSystem({
    seed: async (databases) => {
      await insertBzPerson(databases.bz!.sql, { xm: '回执·测试', sfzh: HELD_IN_BZ }, [{ sbnd: 2024 }]);
    },
  });
});
afterAll(async () => {
  await system?.stop();
});

const receipts = async (outcome: string) => (await scrape(system.services.get('province')!.metricsUrl)).sum('xjzc_access_log_receipts_total', { outcome });
const withheld = async () => (await scrape(system.services.get('gateway')!.metricsUrl)).sum('xjzc_access_log_answers_withheld_total');
const rowsFor = async (requestId: string) =>
  (await system.provinceDatabase.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM access_log WHERE request_id = $1', [requestId])).rows[0]!.n;

/** Posts to the gateway as bz's portal; the gateway's own request id comes back in a header. */
async function check(query: string, variables: Record<string, unknown>) {
  const headers = await gatewayHeaders({ role: 'portal', region: 'bz' });
  const response = await fetch(system.gatewayUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }>; extensions?: Record<string, unknown> };
  return { status: response.status, body, requestId: response.headers.get('x-request-id') ?? '' };
}

describe('access-log receipts', () => {
  it('answers a duplicate check once its entry is confirmed, the entry written while the regions were asked', async () => {
    const [deferredBefore, confirmedBefore] = [await receipts('deferred'), await receipts('confirmed')];
    const { status, body, requestId } = await check(CHECK, { id: HELD_IN_BZ, year: 2024 });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ person: { annualReview: { verdict: 'ALREADY_APPLIED', complete: true } } });
    // The receipts are between the gateway and the province: the client sees none.
    expect(JSON.stringify(body)).not.toContain('accessLog');
    expect(requestId).not.toBe('');
    expect(await rowsFor(requestId)).toBe(1);
    expect(await receipts('deferred')).toBe(deferredBefore + 1);
    expect(await receipts('confirmed')).toBe(confirmedBefore + 1);
  });

  it('keeps the province waiting for the commit where the plan does not call it again', async () => {
    const deferredBefore = await receipts('deferred');
    const { body, requestId } = await check(MASKED_ONLY, { id: HELD_IN_BZ });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ person: { idNumberMasked: '652801********1038' } });
    expect(await rowsFor(requestId)).toBe(1);
    expect(await receipts('deferred')).toBe(deferredBefore);
  });

  it('keeps the error of a malformed number beside a deferred lookup, whose later hop never ran', async () => {
    const both = 'query Both($a: String!, $b: String!) { a: person(idNumber: $a) { annualReview(year: 2024) { verdict } } b: person(idNumber: $b) { annualReview(year: 2024) { verdict } } }';
    const withheldBefore = await withheld();
    const { body } = await check(both, { a: HELD_IN_BZ, b: '652801198503071039' });
    // person is non-null: the malformed one nulls the whole answer, so nothing of the other leaves.
    expect(body.data).toBeNull();
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['INVALID_ID_NUMBER']);
    expect(await withheld()).toBe(withheldBefore);
  });

  it('withholds the whole answer when the entry cannot be written, and answers again once it can', async () => {
    const { sql } = system.provinceDatabase;
    // Every INSERT into the access log now fails, as a full disk or a broken table would make it.
    await sql.query('ALTER TABLE access_log ADD CONSTRAINT refuse_every_entry CHECK (false) NOT VALID');
    try {
      const withheldBefore = await withheld();
      const unconfirmedBefore = await receipts('unconfirmed');
      const { status, body, requestId } = await check(CHECK, { id: HELD_IN_BZ, year: 2024 });
      expect(status).toBe(200);
      expect(body.data).toBeNull();
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['ACCESS_LOG_UNAVAILABLE']);
      expect(JSON.stringify(body)).not.toContain('ALREADY_APPLIED');
      expect(await rowsFor(requestId)).toBe(0);
      expect(await withheld()).toBe(withheldBefore + 1);
      expect(await receipts('unconfirmed')).toBe(unconfirmedBefore + 1);
    } finally {
      await sql.query('ALTER TABLE access_log DROP CONSTRAINT refuse_every_entry');
    }
    const again = await check(CHECK, { id: HELD_IN_BZ, year: 2024 });
    expect(again.body.errors).toBeUndefined();
    expect(await rowsFor(again.requestId)).toBe(1);
  });
});
