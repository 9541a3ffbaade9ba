/**
 * ID numbers whose birth date cannot be real (issue 11, item 8). A number typed into a query with
 * such a date is INVALID_ID_NUMBER (GB 11643-1999 §4.3: characters 7 to 14 are the birth date). A
 * portal's stored number with such a date is kept, still listed, and flagged at start as a
 * data-quality event naming the row's key, never the number.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { insertAksApplicant, insertBzPerson, insertWlmqDeclaration } from '../fixtures/portalRows.js';
import { gatewayHeaders, startTestSystem, type TestSystem } from '../helpers/system.js';

const withCheck = (first17: string) => first17 + checkCharacter(first17);
const BORN_2099 = '110105209912310010'; // the example: born 2099-12-31
const MONTH_13 = '110105199913310016'; // the example: month 13
const FEBRUARY_30 = withCheck('65010519490230002');
const FIFTEEN_DIGITS_MONTH_13 = '652801851331001';

let system: TestSystem;
let logDir: string;
let logFile: string;
const stored = { bzRyid: '', bzSqsid: '', aksId: 0, wlmqNo: 'WLMQ-IMPOSSIBLE-1' };

beforeAll(async () => {
  logDir = mkdtempSync(path.join(tmpdir(), 'xjzc-birth-dates-'));
  logFile = path.join(logDir, 'system.log');
  system = await startTestSystem({
    env: { LOG_FILE: logFile, LOG_LEVEL: 'info' },
    seed: async (databases) => {
      const bz = await insertBzPerson(databases.bz!.sql, { xm: '日期错', sfzh: MONTH_13 }, [{ sbnd: 2024 }]);
      stored.bzRyid = bz.ryid;
      stored.bzSqsid = bz.sqsids[0]!;
      await insertBzPerson(databases.bz!.sql, { xm: '日期对', sfzh: withCheck('65280119790314991') });
      stored.aksId = (await insertAksApplicant(databases.aks!.sql, { fullName: '未来人', idCard: BORN_2099 })).id;
      await insertAksApplicant(databases.aks!.sql, { fullName: '旧号码', idCard: FIFTEEN_DIGITS_MONTH_13 });
      await insertWlmqDeclaration(databases.wlmq!.sql, { declarationNo: stored.wlmqNo, certNo: FEBRUARY_30, name: '二月三十' });
    },
  });
});

afterAll(async () => {
  await system?.stop();
  rmSync(logDir, { recursive: true, force: true });
});

interface LogLine {
  event?: string;
  region?: string;
  table?: string;
  localId?: string;
  field?: string;
}

async function birthDateEvents(expected: number): Promise<LogLine[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);
    const events = lines.filter((line) => line.event === 'data_quality' && line.field === 'idNumber.birthDate');
    if (events.length >= expected || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a typed ID number with an impossible birth date', () => {
  it.each([
    ['born 2099-12-31', BORN_2099],
    ['month 13', MONTH_13],
    ['30 February', FEBRUARY_30],
    ['the 15-digit form with month 13', FIFTEEN_DIGITS_MONTH_13],
    ['born before 1900', withCheck('11010518991231002')],
  ])('is INVALID_ID_NUMBER (%s), never echoed', async (_label, idNumber) => {
    for (const caller of [{ role: 'portal' as const, region: 'bz' }, { role: 'analyst' as const }]) {
      const body = await system.query(
        'query Lookup($id: String!) { person(idNumber: $id) { idNumberMasked records { region found } annualReview(year: 2024) { verdict } } }',
        { id: idNumber },
        await gatewayHeaders(caller),
      );
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['INVALID_ID_NUMBER']);
      expect(body.errors?.[0]?.message).toMatch(/birth date/);
      expect(JSON.stringify(body)).not.toContain(idNumber);
    }
  });
});

describe('a stored ID number with an impossible birth date', () => {
  it('is flagged once per row at start, by portal key and never by number', async () => {
    const events = await birthDateEvents(4);
    expect(events.map(({ region, table, localId }) => ({ region, table, localId })).sort((a, b) => a.region!.localeCompare(b.region!))).toEqual([
      { region: 'aks', table: 'applicant', localId: String(stored.aksId) },
      { region: 'aks', table: 'applicant', localId: expect.any(String) },
      { region: 'bz', table: 'ry_jbxx', localId: stored.bzRyid },
      { region: 'wlmq', table: 'Declaration', localId: stored.wlmqNo },
    ]);
    const log = readFileSync(logFile, 'utf8');
    for (const idNumber of [BORN_2099, MONTH_13, FEBRUARY_30, FIFTEEN_DIGITS_MONTH_13]) expect(log).not.toContain(idNumber);
  });

  it('is kept: its applications are still listed', async () => {
    const body = await system.query<{ regions: Array<{ applications: { edges: Array<{ node: { id: string } }> } }> }>(
      '{ regions(codes: ["bz"]) { applications(first: 50) { edges { node { id } } } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.regions[0]?.applications.edges.map((edge) => edge.node.id)).toContain(`bz:${stored.bzSqsid}`);
  });
});
