/**
 * The system's main job, end to end through the gateway with every region on real PostgreSQL:
 * "has this person already applied for a review this year, in any region?"
 * (notice 000 §五(五); domain/countingPolicy.ts).
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAksApplicant, insertBzPerson, insertWlmqDeclaration } from '../fixtures/portalRows.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';
import { scrape } from '../helpers/prometheus.js';

// 65280119850307102X: bz has it typed with a lowercase x, aks holds the old 15-digit form.
const DUPLICATE = { canonical: '65280119850307102X', bz: '65280119850307102x', aks15: '652801850307102' };
// Only one application, in bz: used to check excludeApplication.
const SINGLE = '652901199006151230'.slice(0, 17);
const LOG_FILE = path.join(tmpdir(), `xjzc-e2e-${process.pid}.log`);

const ANNUAL_REVIEW = /* GraphQL */ `
  query AnnualReview($idNumber: String!, $year: Int!, $exclude: ID) {
    person(idNumber: $idNumber) {
      key
      idNumberMasked
      records { region found allApplications { id region year reviewKind status } }
      annualReview(year: $year, excludeApplication: $exclude) {
        year verdict complete missingRegions
        counted { id region year reviewKind status countsTowardAnnualLimit submittedAt levelLabel }
      }
    }
  }
`;

interface AnnualReviewData {
  person: {
    key: string;
    idNumberMasked: string;
    records: Array<{ region: string; found: boolean; allApplications: Array<{ id: string; region: string; year: number }> } | null>;
    annualReview: {
      year: number;
      verdict: string;
      complete: boolean;
      missingRegions: string[];
      counted: Array<{ id: string; region: string; year: number; reviewKind: string; status: string; countsTowardAnnualLimit: boolean }>;
    };
  };
}

let system: TestSystem;
let singleNumber: string;
const ids: { bzDuplicate?: string; aksDuplicate?: number; bzSingle?: string } = {};

beforeAll(async () => {
  const { checkCharacter } = await import('../../domain/idNumber.js');
  singleNumber = SINGLE + checkCharacter(SINGLE);
  rmSync(LOG_FILE, { force: true });
  system = await startTestSystem({
    env: { LOG_LEVEL: 'debug', LOG_FILE },
    seed: async (databases) => {
      const bz = await insertBzPerson(databases.bz!.sql, { xm: '阿依古丽·测试', sfzh: DUPLICATE.bz }, [
        { pcdm: 'BZ2024ZJMQ', sbnd: 2024, pslb: '民营专项', sbjb: '中级', zt: 3, zhtjsj: '2024-07-18 10:30' },
      ]);
      ids.bzDuplicate = bz.sqsids[0];
      const aks = await insertAksApplicant(databases.aks!.sql, { fullName: '阿依古丽·测试', idCard: DUPLICATE.aks15 }, [
        { batchCode: 'AKS-2024-JXDZ-HG', year: 2024, track: 'general', state: 'committee_audit', submittedAt: '2024-08-12T09:00:00+08:00' },
      ]);
      ids.aksDuplicate = aks.applicationIds[0];
      const single = await insertBzPerson(databases.bz!.sql, { xm: '王测试', sfzh: singleNumber }, [
        { pcdm: 'BZ2024STHJ', sbnd: 2024, zy: '生态环境', pslb: '评审', zt: 1 },
      ]);
      ids.bzSingle = single.sqsids[0];
      await insertWlmqDeclaration(databases.wlmq!.sql, { declarationNo: 'WLMQ2024-000001', certNo: '650102197811201238', name: '李测试' });
    },
  });
});

afterAll(async () => {
  await system?.stop();
  rmSync(LOG_FILE, { force: true });
});

async function annualReview(idNumber: string, year: number, exclude?: string) {
  return system.query<AnnualReviewData>(ANNUAL_REVIEW, { idNumber, year, exclude });
}

describe('one review per person per year, across regions', () => {
  it('finds a bz 民营专项 in July and an aks general review in August of the same year: ALREADY_APPLIED, listing both', async () => {
    const { data, errors } = await annualReview(DUPLICATE.canonical, 2024);
    expect(errors).toBeUndefined();
    const review = data!.person.annualReview;
    expect(review.verdict).toBe('ALREADY_APPLIED');
    expect(review.complete).toBe(true);
    expect(review.missingRegions).toEqual([]);
    expect(review.counted.map((application) => application.id).sort()).toEqual(
      [`aks:${ids.aksDuplicate}`, `bz:${ids.bzDuplicate}`].sort(),
    );
    const bz = review.counted.find((application) => application.region === 'bz')!;
    expect(bz).toMatchObject({ reviewKind: 'PRIVATE_ENTERPRISE_REVIEW', status: 'AWAITING_COMMITTEE_AUDIT', year: 2024, countsTowardAnnualLimit: true });
    const aks = review.counted.find((application) => application.region === 'aks')!;
    expect(aks).toMatchObject({ reviewKind: 'REVIEW', status: 'AWAITING_COMMITTEE_AUDIT', year: 2024 });
  });

  it("does not count the applicant's own application passed as excludeApplication", async () => {
    const without = await annualReview(singleNumber, 2024);
    expect(without.data!.person.annualReview.verdict).toBe('ALREADY_APPLIED');

    const excluded = await annualReview(singleNumber, 2024, `bz:${ids.bzSingle}`);
    expect(excluded.errors).toBeUndefined();
    expect(excluded.data!.person.annualReview).toMatchObject({ verdict: 'CLEAR', counted: [] });

    // Excluding one of two still leaves the other.
    const other = await annualReview(DUPLICATE.canonical, 2024, `bz:${ids.bzDuplicate}`);
    expect(other.data!.person.annualReview.verdict).toBe('ALREADY_APPLIED');
    expect(other.data!.person.annualReview.counted.map((application) => application.id)).toEqual([`aks:${ids.aksDuplicate}`]);
  });

  it('gives CLEAR for a year in which the person applied nowhere', async () => {
    const { data, errors } = await annualReview(DUPLICATE.canonical, 2023);
    expect(errors).toBeUndefined();
    expect(data!.person.annualReview).toMatchObject({ year: 2023, verdict: 'CLEAR', complete: true, counted: [] });
  });

  it('finds a 15-digit aks record and an 18-digit bz record as one person', async () => {
    const { data } = await annualReview(DUPLICATE.canonical, 2024);
    const found = Object.fromEntries(data!.person.records.map((record) => [record!.region, record!.found]));
    expect(found).toEqual({ bz: true, aks: true, wlmq: false });
    expect(data!.person.idNumberMasked).toBe('652801********102X');
  });

  it.each([
    ['lowercase x', DUPLICATE.canonical.toLowerCase()],
    ['full-width digits and spaces', ' ６５２８０１ 1985 0307 102ｘ '],
    ['the 15-digit form', DUPLICATE.aks15],
  ])('finds the same person when the query is typed with %s', async (_label, typed) => {
    const { data, errors } = await annualReview(typed, 2024);
    expect(errors).toBeUndefined();
    const reference = await annualReview(DUPLICATE.canonical, 2024);
    expect(data!.person.key).toBe(reference.data!.person.key);
    expect(data!.person.annualReview.verdict).toBe('ALREADY_APPLIED');
  });

  it('refuses a malformed number with INVALID_ID_NUMBER, and never logs it', async () => {
    const malformed = '652801198503071021';
    const { data, errors } = await annualReview(malformed, 2024);
    expect(data).toBeNull();
    expect(errors![0]!.extensions!.code).toBe('INVALID_ID_NUMBER');
    expect(JSON.stringify(errors)).not.toContain(malformed);

    const log = readFileSync(LOG_FILE, 'utf8');
    expect(log.length).toBeGreaterThan(0);
    // The operation is logged; an ad-hoc name (not in the shipped manifest) as `other`, since a
    // client-chosen name is free text.
    expect(log).toContain('"operationName":"other"');
    for (const number of [malformed, DUPLICATE.canonical, DUPLICATE.bz, DUPLICATE.aks15, singleNumber]) {
      expect(log).not.toContain(number);
    }
  });

  it('answers many concurrent checks of one caller each as it answers them alone', async () => {
    // Under load the gateway coalesces the operations' entity fetches (gateway/coalesce.ts).
    const asked: Array<[string, number, string?]> = [
      [DUPLICATE.canonical, 2024],
      [singleNumber, 2024],
      [DUPLICATE.canonical, 2023],
      [singleNumber, 2024, `bz:${ids.bzSingle}`],
      ['650102197811201238', 2024],
      [DUPLICATE.aks15, 2024],
    ];
    const strip = (body: Awaited<ReturnType<typeof annualReview>>) => ({ errors: body.errors, review: body.data?.person.annualReview, records: body.data?.person.records });
    const alone: Array<ReturnType<typeof strip>> = [];
    for (const [id, year, exclude] of asked) alone.push(strip(await annualReview(id, year, exclude)));

    const bzCalls = async () => (await scrape(system.services.get('bz')!.metricsUrl)).sum('xjzc_graphql_operations_total');
    const before = await bzCalls();
    const rounds = 5;
    const together = await Promise.all(Array.from({ length: rounds }, () => asked.map(([id, year, exclude]) => annualReview(id, year, exclude))).flat());
    const calls = (await bzCalls()) - before;

    expect(together.map(strip)).toEqual(Array.from({ length: rounds }, () => alone).flat());
    expect(together.filter((body) => body.data?.person.annualReview.verdict === 'ALREADY_APPLIED').length).toBe(rounds * 4);
    // Never more than one bz call per operation. How many fewer depends on which fetches meet in
    // one turn, which is timing; test/integration/entity-coalescing.test.ts counts it exactly.
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(rounds * asked.length);
  });

  it('refuses an excludeApplication that names no configured region', async () => {
    const { errors } = await annualReview(DUPLICATE.canonical, 2024, 'xx:1');
    expect(errors![0]!.extensions!.code).toBe('INVALID_APPLICATION_ID');
  });
});
