/**
 * The eligibility pre-check end to end (docs/eligibility.md): integrity bans in one region bar
 * applications everywhere, and a region that does not answer makes the answer UNKNOWN, never
 * ELIGIBLE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAksApplicant, insertBzPerson, insertWlmqDeclaration } from '../fixtures/portalRows.js';
import { gatewayHeaders, startTestSystem, type TestSystem } from '../helpers/system.js';

const BLACKLISTED = '652822199201011239';
const CLEAN = '650102197811201238';

const ELIGIBILITY = /* GraphQL */ `
  query Eligibility($id: String!, $input: EligibilityInput!) {
    person(idNumber: $id) {
      eligibility(input: $input) {
        verdict
        reasons { code verdict region source { issuer title issuedOn section } messageZh messageEn }
        fee { fen }
        defence { required }
        batch { code year }
      }
    }
  }
`;

interface EligibilityData {
  person: {
    eligibility: {
      verdict: string;
      reasons: Array<{ code: string; verdict: string; region: string; source: { issuer: string; title: string; issuedOn: string; section: string } | null }>;
      batch: { code: string; year: number } | null;
    };
  };
}

/** Applying in wlmq (notice 002) for 工程师 during its window, as a private-enterprise employee. */
const WLMQ_INPUT = {
  region: 'wlmq',
  batchCode: 'WLMQ2024',
  level: 'INTERMEDIATE',
  reviewKind: 'REVIEW',
  employerKind: 'PRIVATE_ENTERPRISE',
  // Notice 002 is for the 自贸区经开片区 and 头屯河区 only; a person wlmq holds no record of must say where.
  location: '头屯河区',
  asOf: '2024-09-10T10:00:00+08:00',
};

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({
    seed: async (databases) => {
      await insertAksApplicant(databases.aks!.sql, { fullName: '黑名单测试', idCard: BLACKLISTED }, [], [{ listedOn: '2023-05-10', banYears: 5 }]);
      await insertWlmqDeclaration(databases.wlmq!.sql, { declarationNo: 'WLMQ2024-000100', certNo: BLACKLISTED, name: '黑名单测试', flowState: '暂存' });
      await insertBzPerson(databases.bz!.sql, { xm: '清白测试', sfzh: CLEAN }, [{ sbnd: 2023, pslb: '评审', zt: 7 }]);
    },
  });
});
afterAll(async () => {
  await system?.stop();
});

// The check's main users: a portal, which may not read aks's integrity records itself, yet gets
// a verdict that weighs them (the province reads them through the @inaccessible *ForProvince fields).
const asWlmqPortal = () => gatewayHeaders({ role: 'portal', region: 'wlmq' });

describe('eligibility across regions', () => {
  it('finds a person blacklisted in aks ineligible when applying in wlmq, citing notice 001', async () => {
    const { data, errors } = await system.query<EligibilityData>(ELIGIBILITY, { id: BLACKLISTED, input: WLMQ_INPUT }, await asWlmqPortal());
    expect(errors).toBeUndefined();
    const eligibility = data!.person.eligibility;
    expect(eligibility.verdict).toBe('INELIGIBLE');
    expect(eligibility.batch).toEqual({ code: 'WLMQ2024', year: 2024 });
    const ban = eligibility.reasons.find((reason) => reason.verdict === 'FAIL' && reason.region === 'aks');
    expect(ban?.code).toMatch(/INTEGRITY|BAN/);
    expect(ban?.source).toMatchObject({ issuer: '阿克苏地区工业和信息化局', issuedOn: '2024-07-15', section: '§三(一)（其他事宜）' });
  });

  it("still refuses the portal another region's integrity records when it asks for them itself", async () => {
    const { data, errors } = await system.query<{ person: { records: Array<{ region: string; integrityRecords: unknown[] | null }> } }>(
      `query ($id: String!) { person(idNumber: $id) { records { region integrityRecords { decidedOn } } } }`,
      { id: BLACKLISTED },
      await asWlmqPortal(),
    );
    const aks = data!.person.records.find((record) => record.region === 'aks')!;
    expect(aks.integrityRecords).toBeNull();
    expect(errors!.map((error) => error.extensions!.code)).toContain('FORBIDDEN');
  });

  it('does not let a client select the province-only fields', async () => {
    const response = await system.query(`query ($id: String!) { person(idNumber: $id) { records { region integrityRecordsForProvince { decidedOn } } } }`, {
      id: BLACKLISTED,
    }, await asWlmqPortal());
    expect(response.data).toBeUndefined();
    expect(response.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers ELIGIBLE for a person with nothing against them, every region answering', async () => {
    const { data, errors } = await system.query<EligibilityData>(ELIGIBILITY, { id: CLEAN, input: WLMQ_INPUT }, await asWlmqPortal());
    expect(errors).toBeUndefined();
    expect(data!.person.eligibility.verdict).toBe("ELIGIBLE");
  });

  it('refuses an asOf without an offset', async () => {
    const { errors } = await system.query(ELIGIBILITY, { id: CLEAN, input: { ...WLMQ_INPUT, asOf: '2024-09-10 10:00' } }, await asWlmqPortal());
    expect(errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('answers UNKNOWN, never ELIGIBLE, when a region is down', async () => {
    await system.stopService('bz');
    const { data } = await system.query<EligibilityData>(ELIGIBILITY, { id: CLEAN, input: WLMQ_INPUT }, await asWlmqPortal());
    expect(data!.person.eligibility.verdict).toBe('UNKNOWN');
    expect(data!.person.eligibility.reasons.some((reason) => reason.verdict === 'UNKNOWN' && reason.region === 'bz')).toBe(true);
  });
});

describe('review batches', () => {
  it('serves the five notices as data, with exact window instants', async () => {
    const { data, errors } = await system.query<{ reviewBatches: Array<{ code: string; issuer: string; windows: Array<{ kind: string; closesAt: string | null }> }> }>(
      `{ reviewBatches { code issuer windows { kind closesAt } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.reviewBatches.map((batch) => batch.code).sort()).toEqual(['AKS-2024-JXDZ-HG', 'BZ2023JZ', 'BZ2024STHJ', 'BZ2024ZJMQ', 'WLMQ2024']);
    const aks = data!.reviewBatches.find((batch) => batch.code === 'AKS-2024-JXDZ-HG')!;
    expect(aks.windows.find((window) => window.kind === 'APPLY')!.closesAt).toBe('2024-08-30T18:00:00+08:00');
  });
});
