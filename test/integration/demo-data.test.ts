/**
 * The demo-data generator against real databases: PostgreSQL test databases and embedded PGlite.
 */
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CAST, CAST_MEMBERS, castApplicationCounts } from '../../demo/cast.js';
import {
  DemoDataError,
  minimumApplications,
  portalTablesWithRows,
  writeDemoData,
  type DemoProgress,
  type DemoRegion,
  type DemoSummary,
  type DemoTargets,
} from '../../demo/writeDemoData.js';
import { normaliseIdNumber } from '../../domain/idNumber.js';
import { createEmbeddedClient, openEmbeddedDatabase } from '../../platform/database/embedded.js';
import { migrate, regionMigrationsDir } from '../../platform/database/migrate.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.js';

const REGIONS: readonly DemoRegion[] = ['bz', 'aks', 'wlmq'];
const TABLES: Readonly<Record<DemoRegion, readonly string[]>> = {
  bz: ['ry_jbxx', 'sb_sqs', 'ry_rzzg', 'ry_ndkh', 'cx_sxjl'],
  aks: ['batch', 'applicant', 'apply_record', 'title_held', 'assessment', 'blacklist'],
  wlmq: ['"Declaration"'],
};
const APPLICATION_TABLES: Readonly<Record<DemoRegion, string>> = { bz: 'sb_sqs', aks: 'apply_record', wlmq: '"Declaration"' };

type Run = Record<DemoRegion, TestDatabase>;
const opened: TestDatabase[] = [];

async function freshRun(): Promise<Run> {
  const [bz, aks, wlmq] = await Promise.all(REGIONS.map((region) => createTestDatabase(region)));
  opened.push(bz!, aks!, wlmq!);
  return { bz: bz!, aks: aks!, wlmq: wlmq! };
}

const targetsOf = (run: Run): DemoTargets => ({ bz: run.bz.sql, aks: run.aks.sql, wlmq: run.wlmq.sql });

/** In a transaction with the session time zone set, so timestamptz reads the same everywhere. */
function inTimeZone<T>(sql: SqlClient, zone: string, work: (tx: SqlClient) => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    await tx.query(`SET LOCAL TimeZone = '${zone}'`);
    return work(tx);
  });
}

/** md5 of every table's rows, as text, in byte order: equal digests mean byte-identical content. */
async function digests(targets: DemoTargets): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const region of REGIONS) {
    await inTimeZone(targets[region]!, 'UTC', async (tx) => {
      for (const table of TABLES[region]) {
        const { rows } = await tx.query<{ digest: string }>(
          `SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE "C"), '')) AS digest FROM ${table} t`,
        );
        result[`${region}.${table}`] = rows[0]!.digest;
      }
    });
  }
  return result;
}

async function count(sql: SqlClient, table: string): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

const SEED = 20240707;
let runA: Run;
let summaryA: DemoSummary;
const progressA: DemoProgress[] = [];
let runB: Run;

beforeAll(async () => {
  [runA, runB] = await Promise.all([freshRun(), freshRun()]);
  summaryA = await writeDemoData(targetsOf(runA), { seed: SEED, onProgress: (p) => progressA.push(p) });
  await writeDemoData(targetsOf(runB), { seed: SEED });
});

afterAll(async () => {
  await Promise.all(opened.map((db) => db.drop()));
});

describe('determinism', () => {
  it('writes byte-identical rows for the same seed', async () => {
    const [a, b] = await Promise.all([digests(targetsOf(runA)), digests(targetsOf(runB))]);
    expect(Object.keys(a)).toHaveLength(12);
    expect(b).toEqual(a);
  });

  it('writes different rows for a different seed, batches aside', async () => {
    const runC = await freshRun();
    await writeDemoData(targetsOf(runC), { seed: SEED + 1 });
    const [a, c] = await Promise.all([digests(targetsOf(runA)), digests(targetsOf(runC))]);
    for (const key of Object.keys(a)) {
      // aks batches come from the notices and the years, not from the seed.
      if (key === 'aks.batch') expect(c[key], key).toBe(a[key]);
      else expect(c[key], key).not.toBe(a[key]);
    }
  });
});

describe('size', () => {
  it('writes the default set: 1000 applications split 400 / 300 / 300', async () => {
    const counts = await Promise.all(REGIONS.map((region) => count(runA[region].sql, APPLICATION_TABLES[region])));
    expect(counts).toEqual([400, 300, 300]);
    expect(summaryA.applications).toBe(1000);
    expect(summaryA.regions.bz?.rows.sb_sqs).toBe(400);
    expect(summaryA.regions.aks?.rows.applicant).toBe(await count(runA.aks.sql, 'applicant'));
  });

  it('writes exactly the number of applications asked for, across the three regions', async () => {
    const run = await freshRun();
    const summary = await writeDemoData(targetsOf(run), { seed: 3, applications: 1237, years: [2019, 2020, 2021, 2022, 2023, 2024] });
    const counts = await Promise.all(REGIONS.map((region) => count(run[region].sql, APPLICATION_TABLES[region])));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1237);
    expect(counts).toEqual([495, 371, 371]);
    expect(summary.applications).toBe(1237);
    const { rows } = await run.bz.sql.query<{ sbnd: number }>('SELECT DISTINCT sbnd FROM sb_sqs ORDER BY sbnd');
    expect(rows.map((row) => row.sbnd)).toEqual([2019, 2020, 2021, 2022, 2023, 2024]);
  });

  it('reports progress up to every region’s planned count', () => {
    for (const [region, planned] of [['bz', 400], ['aks', 300], ['wlmq', 300]] as const) {
      const last = progressA.filter((p) => p.region === region).at(-1);
      expect(last).toEqual({ region, applicationsWritten: planned, applicationsPlanned: planned });
    }
  });

  it('refuses fewer applications than the cast needs', async () => {
    const cast = castApplicationCounts();
    expect(minimumApplications()).toBeGreaterThanOrEqual(cast.bz + cast.aks + cast.wlmq);
    await expect(writeDemoData({}, { seed: 1, applications: minimumApplications() - 1 })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
  });
});

describe('portal safety', () => {
  it('refuses to write into portal tables that already hold rows, and replaces them only when asked', async () => {
    const before = await digests(targetsOf(runB));
    const refused = writeDemoData(targetsOf(runB), { seed: SEED });
    await expect(refused).rejects.toBeInstanceOf(DemoDataError);
    await expect(refused).rejects.toMatchObject({ code: 'TARGET_NOT_EMPTY' });
    expect(await digests(targetsOf(runB))).toEqual(before);

    await writeDemoData(targetsOf(runB), { seed: SEED, replaceExisting: true });
    expect(await digests(targetsOf(runB))).toEqual(before);
  });

  it('refuses a database that was never migrated, and reports no rows there without failing', async () => {
    const empty = await createEmptyTestDatabase('demo');
    opened.push(empty);
    expect(await portalTablesWithRows(empty.sql, 'aks')).toEqual([]);
    await expect(writeDemoData({ aks: empty.sql }, { seed: SEED })).rejects.toMatchObject({ code: 'TARGET_NOT_MIGRATED' });
    expect(await portalTablesWithRows(runA.aks.sql, 'aks')).toEqual(TABLES.aks);
  });

  it('moves the serial sequences past the keys it wrote', async () => {
    const { rows } = await runA.bz.sql.query<{ next: string; max: string }>(
      "SELECT nextval(pg_get_serial_sequence('sb_sqs', 'sqsid'))::text AS next, (SELECT max(sqsid) FROM sb_sqs)::text AS max",
    );
    expect(Number(rows[0]!.next)).toBe(Number(rows[0]!.max) + 1);
  });
});

describe('the demo cast, in each portal’s local format', () => {
  it('gives every member with a resident ID a valid canonical number', () => {
    for (const member of CAST_MEMBERS) {
      if (member.idNumber !== null) expect(normaliseIdNumber(member.idNumber), member.role).toBe(member.idNumber);
    }
  });

  it('writes each member’s rows exactly as DEMO_CAST lists them', async () => {
    for (const member of CAST_MEMBERS) {
      if (member.bz) {
        const sql = runA.bz.sql;
        const people = await sql.query<Record<string, unknown>>(
          'SELECT ryid, xm, xb, mz, zzmm, sfzh, gzdw, dwxz, szxs, lrsj::text AS lrsj FROM ry_jbxx WHERE sfzh = $1',
          [member.bz.person.sfzh],
        );
        expect(people.rows, member.role).toHaveLength(1);
        const { ryid, ...person } = people.rows[0]!;
        expect(person, member.role).toEqual(member.bz.person);
        const q = async (text: string) => (await sql.query(text, [ryid])).rows;
        expect(
          await q('SELECT pcdm, sbnd, xl, zy, sbjb, pslb, zt, tjcs, zhtjsj::text AS zhtjsj, dbzt, jfje::text AS jfje FROM sb_sqs WHERE ryid = $1 ORDER BY sqsid'),
        ).toEqual(member.bz.applications);
        expect(
          await q('SELECT zgmc, xl, zy, jb, qdsj::text AS qdsj, qdfs, pzwh, zsbh, qddq FROM ry_rzzg WHERE ryid = $1 ORDER BY zgid'),
        ).toEqual(member.bz.qualifications);
        expect(await q('SELECT khnd, khjg FROM ry_ndkh WHERE ryid = $1 ORDER BY khnd')).toEqual(member.bz.assessments);
        expect(await q('SELECT sxyy, cfrq::text AS cfrq, jzrq::text AS jzrq FROM cx_sxjl WHERE ryid = $1 ORDER BY jlid')).toEqual(
          member.bz.integrity,
        );
      }
      if (member.aks) {
        const aks = member.aks;
        await inTimeZone(runA.aks.sql, 'Asia/Shanghai', async (tx) => {
          const applicants = await tx.query<Record<string, unknown>>(
            `SELECT id, id_card, full_name, gender_code, ethnic_code, political_code, employer, employer_kind, civil_servant,
                    retired, sanction_until::text AS sanction_until, created_at::text AS created_at
             FROM applicant WHERE id_card = $1`,
            [aks.applicant.id_card],
          );
          expect(applicants.rows, member.role).toHaveLength(1);
          const { id, ...applicant } = applicants.rows[0]!;
          expect(applicant, member.role).toEqual(aks.applicant);
          const q = async (text: string) => (await tx.query(text, [id])).rows;
          expect(
            await q(`SELECT batch_code, series_code, specialty, level_code, track, state, submit_count,
                            submitted_at::text AS submitted_at, fee_cents, defense_required
                     FROM apply_record WHERE applicant_id = $1 ORDER BY id`),
          ).toEqual(aks.records);
          expect(
            await q(`SELECT title_name, series_code, level_code, obtained_on::text AS obtained_on, route, in_xinjiang, doc_no
                     FROM title_held WHERE applicant_id = $1 ORDER BY id`),
          ).toEqual(aks.titles);
          expect(await q('SELECT year, result FROM assessment WHERE applicant_id = $1 ORDER BY year')).toEqual(aks.assessments);
          expect(
            await q('SELECT reason, listed_on::text AS listed_on, ban_years FROM blacklist WHERE applicant_id = $1 ORDER BY id'),
          ).toEqual(aks.blacklist);
        });
      }
      if (member.wlmq) {
        const { rows } = await runA.wlmq.sql.query(
          `SELECT "certType", "certNo", name, sex, nation, politics, "unitName", "unitCreditCode", zone, "reviewYear",
                  "seriesName", "majorName", "targetTitle", way, "flowState", "returnTimes", "titleHistory", "creditFlag",
                  "creditUntil"::text AS "creditUntil", "createdAt"::text AS "createdAt", "updatedAt"::text AS "updatedAt"
           FROM "Declaration" WHERE "certNo" = $1 ORDER BY "declarationNo"`,
          [member.wlmq.declarations[0]!.certNo],
        );
        expect(rows, member.role).toEqual(member.wlmq.declarations);
      }
    }
  });

  it('stores the cross-region duplicate as 15 digits in aks and with a lowercase x in bz, July and August 2024', async () => {
    const member = DEMO_CAST.crossRegionDuplicate;
    expect(member.idNumber).toMatch(/X$/);
    expect(member.aks?.applicant.id_card).toMatch(/^[0-9]{15}$/);
    expect(normaliseIdNumber(member.aks!.applicant.id_card)).toBe(member.idNumber);
    expect(member.bz?.person.sfzh).toBe(member.idNumber!.replace('X', 'x'));

    const bz = await runA.bz.sql.query<{ pcdm: string; pslb: string; zt: number; month: string }>(
      `SELECT pcdm, pslb, zt, to_char(zhtjsj, 'YYYY-MM') AS month FROM sb_sqs JOIN ry_jbxx USING (ryid)
       WHERE gateway.normalise_id_number(sfzh) = $1`,
      [member.idNumber],
    );
    expect(bz.rows).toEqual([{ pcdm: 'BZ2024ZJMQ', pslb: '民营专项', zt: 3, month: '2024-07' }]);
    const aks = await inTimeZone(runA.aks.sql, 'Asia/Shanghai', (tx) =>
      tx.query<{ batch_code: string; track: string; state: string; month: string }>(
        `SELECT batch_code, track, state, to_char(submitted_at, 'YYYY-MM') AS month FROM apply_record r
         JOIN applicant a ON a.id = r.applicant_id WHERE gateway.normalise_id_number(a.id_card) = $1`,
        [member.idNumber],
      ),
    );
    expect(aks.rows).toEqual([{ batch_code: 'AKS-2024-JXDZ-HG', track: 'general', state: 'committee_audit', month: '2024-08' }]);
  });

  it('types the messy wlmq number with full-width digits and spaces, and the passport holder with a passport', async () => {
    const messy = DEMO_CAST.messyIdInWlmq.wlmq!.declarations[0]!.certNo;
    expect(messy).toMatch(/[０-９]/);
    expect(messy).toMatch(/ /);
    expect(normaliseIdNumber(messy)).toBe(DEMO_CAST.messyIdInWlmq.idNumber);
    const { rows } = await runA.wlmq.sql.query<{ certType: string; valid: boolean }>(
      `SELECT "certType", gateway.normalise_id_number("certNo") IS NOT NULL AS valid FROM "Declaration" WHERE "certNo" = $1`,
      [DEMO_CAST.passportHolder.wlmq!.declarations[0]!.certNo],
    );
    expect(rows).toEqual([{ certType: '护照', valid: false }]);
  });

  it('gives each resident-ID member exactly one person row per region: no random person shares their number', async () => {
    for (const member of CAST_MEMBERS) {
      if (member.idNumber === null) continue;
      const bz = await runA.bz.sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM ry_jbxx WHERE gateway.normalise_id_number(sfzh) = $1',
        [member.idNumber],
      );
      const aks = await runA.aks.sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM applicant WHERE gateway.normalise_id_number(id_card) = $1',
        [member.idNumber],
      );
      const wlmq = await runA.wlmq.sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM "Declaration" WHERE gateway.normalise_id_number("certNo") = $1',
        [member.idNumber],
      );
      expect([bz.rows[0]!.n, aks.rows[0]!.n, wlmq.rows[0]!.n], member.role).toEqual([
        member.bz ? 1 : 0,
        member.aks ? 1 : 0,
        member.wlmq?.declarations.length ?? 0,
      ]);
    }
  });
});

describe('the random population', () => {
  it('holds every local ID form: 15-digit and lowercase x in aks, messy numbers in bz and wlmq, passports and permits', async () => {
    const aks = await runA.aks.sql.query<{ fifteen: number; lower: number; invalid: number }>(
      `SELECT count(*) FILTER (WHERE length(id_card) = 15)::int AS fifteen,
              count(*) FILTER (WHERE id_card LIKE '%x')::int AS lower,
              count(*) FILTER (WHERE gateway.normalise_id_number(id_card) IS NULL)::int AS invalid FROM applicant`,
    );
    expect(aks.rows[0]!.fifteen).toBeGreaterThan(1);
    expect(aks.rows[0]!.lower).toBeGreaterThan(0);
    expect(aks.rows[0]!.invalid).toBe(0);
    const bz = await runA.bz.sql.query<{ messy: number; invalid: number }>(
      `SELECT count(*) FILTER (WHERE sfzh !~ '^[0-9]{17}[0-9X]$' AND ryid > 10)::int AS messy,
              count(*) FILTER (WHERE gateway.normalise_id_number(sfzh) IS NULL)::int AS invalid FROM ry_jbxx`,
    );
    expect(bz.rows[0]!.messy).toBeGreaterThan(0);
    expect(bz.rows[0]!.invalid).toBe(0);
    const wlmq = await runA.wlmq.sql.query<{ certType: string; messy: number; invalid: number }>(
      `SELECT "certType", count(*) FILTER (WHERE "certNo" !~ '^[0-9]{17}[0-9X]$')::int AS messy,
              count(*) FILTER (WHERE gateway.normalise_id_number("certNo") IS NULL)::int AS invalid
       FROM "Declaration" GROUP BY 1 ORDER BY 1`,
    );
    const byType = Object.fromEntries(wlmq.rows.map((row) => [row.certType, row]));
    expect(byType['居民身份证']!.messy).toBeGreaterThan(1);
    expect(byType['居民身份证']!.invalid).toBe(0);
    expect(byType['护照']!.invalid).toBeGreaterThan(1);
    expect(byType['港澳居民来往内地通行证']!.invalid).toBeGreaterThan(0);
  });

  it('gives every person a distinct, valid ID number whose sequence matches their gender', async () => {
    const { rows } = await runA.bz.sql.query<{ people: number; numbers: number; mismatched: number }>(
      `SELECT count(*)::int AS people, count(DISTINCT gateway.normalise_id_number(sfzh))::int AS numbers,
              count(*) FILTER (WHERE (substr(gateway.normalise_id_number(sfzh), 17, 1)::int % 2 = 1) <> (xb = '男'))::int AS mismatched
       FROM ry_jbxx`,
    );
    expect(rows[0]!.numbers).toBe(rows[0]!.people);
    expect(rows[0]!.mismatched).toBe(0);
  });

  it('keeps every random submission inside its notice’s application window', async () => {
    const bz = await runA.bz.sql.query<{ pcdm: string; first: string; last: string }>(
      `SELECT right(pcdm, -6) AS pcdm, min(to_char(zhtjsj, 'MM-DD')) AS first, max(to_char(zhtjsj, 'MM-DD')) AS last
       FROM sb_sqs GROUP BY 1 ORDER BY 1`,
    );
    // Notices 003 §三(一) 8月15日—9月15日, 004 §三(一) 8月24日—9月8日, 000 §三(一) 7月10日至7月30日.
    expect(bz.rows).toEqual([
      { pcdm: 'JZ', first: expect.toSatisfy((d: string) => d >= '08-15'), last: expect.toSatisfy((d: string) => d <= '09-15') },
      { pcdm: 'STHJ', first: expect.toSatisfy((d: string) => d >= '08-24'), last: expect.toSatisfy((d: string) => d <= '09-08') },
      { pcdm: 'ZJMQ', first: expect.toSatisfy((d: string) => d >= '07-10'), last: expect.toSatisfy((d: string) => d <= '07-30') },
    ]);
    const aks = await runA.aks.sql.query<{ outside: number }>(
      `SELECT count(*)::int AS outside FROM apply_record r JOIN batch b ON b.code = r.batch_code
       WHERE r.submitted_at < b.apply_from OR r.submitted_at >= b.apply_until`,
    );
    // Notice 001 §三(一): the deadline is 8月30日 18:00.
    expect(aks.rows[0]!.outside).toBe(0);
    const wlmq = await runA.wlmq.sql.query<{ outside: number }>(
      `SELECT count(*)::int AS outside FROM "Declaration"
       WHERE to_char("createdAt", 'MM-DD') NOT BETWEEN '09-05' AND '09-30'`,
    );
    // Notice 002 §三: 网上材料申报 9月5日—9月30日.
    expect(wlmq.rows[0]!.outside).toBe(0);
  });

  it('charges the notices’ fees, and only once paid', async () => {
    const bz = await runA.bz.sql.query<{ pslb: string; sbjb: string; jfje: string | null; paid: boolean }>(
      `SELECT DISTINCT pslb, CASE WHEN sbjb = '中级' THEN '中级' ELSE '初级' END AS sbjb, jfje::text AS jfje, zt IN (6, 7, 8) AS paid
       FROM sb_sqs WHERE pslb IN ('评审', '初定', '授予', '民营专项') AND sbjb IN ('员级', '助理级', '初级', '中级') AND zt <= 10
       ORDER BY 1, 2, 3`,
    );
    const fees = bz.rows.filter((row) => row.paid).map((row) => `${row.pslb} ${row.sbjb} ${row.jfje}`);
    // 003 §七 and 004 §七; notice 000 names no amount.
    expect(fees).toEqual(['初定 中级 380.00', '初定 初级 100.00', '授予 中级 380.00', '民营专项 中级 null', '民营专项 初级 null', '评审 中级 380.00', '评审 初级 220.00']);
    expect(bz.rows.filter((row) => !row.paid).every((row) => row.jfje === null)).toBe(true);
    const aks = await runA.aks.sql.query<{ level_code: number; fee_cents: number }>(
      `SELECT DISTINCT level_code, fee_cents FROM apply_record WHERE state IN ('paid', 'passed', 'failed') ORDER BY 1`,
    );
    // 001 其他事宜(四): 副高 600, 中级 400, 初级 200.
    expect(aks.rows).toEqual([
      { level_code: 412, fee_cents: 60000 },
      { level_code: 420, fee_cents: 40000 },
      { level_code: 430, fee_cents: 20000 },
      { level_code: 434, fee_cents: 20000 },
      { level_code: 435, fee_cents: 20000 },
    ]);
  });

  it('holds assessments with 基本合格 and 不合格, integrity records, and codes no mapping knows', async () => {
    const run = await freshRun();
    await writeDemoData(targetsOf(run), { seed: 11, applications: 20_000 });
    const one = async (sql: SqlClient, text: string) => (await sql.query<{ n: number }>(text)).rows[0]!.n;
    expect(await one(run.bz.sql, "SELECT count(*)::int AS n FROM ry_ndkh WHERE khjg = '基本合格'")).toBeGreaterThan(0);
    expect(await one(run.bz.sql, "SELECT count(*)::int AS n FROM ry_ndkh WHERE khjg = '不合格'")).toBeGreaterThan(0);
    expect(await one(run.aks.sql, 'SELECT count(*)::int AS n FROM assessment WHERE result IN (3, 4)')).toBeGreaterThan(0);
    expect(await one(run.bz.sql, 'SELECT count(*)::int AS n FROM cx_sxjl')).toBeGreaterThan(1);
    expect(await one(run.aks.sql, 'SELECT count(*)::int AS n FROM blacklist')).toBeGreaterThan(1);
    expect(await one(run.wlmq.sql, 'SELECT count(*)::int AS n FROM "Declaration" WHERE "creditFlag"')).toBeGreaterThan(0);
    // Unknown codes beyond the cast's, about 0.5% of applications in each region.
    const bzUnknown = await one(
      run.bz.sql,
      `SELECT count(*)::int AS n FROM sb_sqs WHERE sbjb NOT IN ('员级', '助理级', '初级', '中级', '副高级', '正高级')
         OR pslb NOT IN ('评审', '民营专项', '初定', '授予') OR zt NOT BETWEEN 0 AND 10 OR dbzt NOT IN ('免答辩', '待答辩', '已答辩')`,
    );
    const aksUnknown = await one(
      run.aks.sql,
      `SELECT count(*)::int AS n FROM apply_record WHERE state NOT IN ('draft', 'submitted', 'unit_returned', 'committee_audit',
         'committee_returned', 'accepted', 'paid', 'passed', 'failed', 'withdrawn', 'abandoned', 'rejected')
         OR track NOT IN ('general', 'private_special') OR series_code NOT IN ('ENG', 'ECO', 'ACC', 'AUD', 'STA')`,
    );
    const wlmqUnknown = await one(
      run.wlmq.sql,
      `SELECT count(*)::int AS n FROM "Declaration" WHERE "flowState" NOT IN ('暂存', '待单位审核', '单位退回', '待评审机构审核',
         '评审机构退回', '审核通过', '已缴费', '评审通过', '评审不通过', '已撤回', '不予受理') OR way NOT IN ('评审', '考评结合', '认定')
         OR "targetTitle" = '首席工程师'`,
    );
    for (const [region, unknown, applications] of [['bz', bzUnknown, 8000], ['aks', aksUnknown, 6000], ['wlmq', wlmqUnknown, 6000]] as const) {
      expect(unknown, region).toBeGreaterThan(applications * 0.002);
      expect(unknown, region).toBeLessThan(applications * 0.01);
    }
  });

  it('has people who applied in two regions in the same year', async () => {
    const pairs = async (sql: SqlClient, text: string) => new Set((await sql.query<{ k: string }>(text)).rows.map((row) => row.k));
    const bz = await pairs(runA.bz.sql, `SELECT DISTINCT gateway.normalise_id_number(sfzh) || ' ' || sbnd AS k FROM ry_jbxx JOIN sb_sqs USING (ryid)`);
    const aks = await pairs(
      runA.aks.sql,
      `SELECT DISTINCT gateway.normalise_id_number(id_card) || ' ' || b.year AS k FROM applicant a
       JOIN apply_record r ON r.applicant_id = a.id JOIN batch b ON b.code = r.batch_code`,
    );
    const wlmq = await pairs(
      runA.wlmq.sql,
      `SELECT DISTINCT gateway.normalise_id_number("certNo") || ' ' || gateway.wlmq_review_year("reviewYear") AS k
       FROM "Declaration" WHERE gateway.normalise_id_number("certNo") IS NOT NULL`,
    );
    const shared = (a: Set<string>, b: Set<string>) => [...a].filter((k) => b.has(k)).length;
    // Beyond the cast (crossRegionDuplicate in bz+aks, unknownCodes in all three).
    expect(shared(bz, aks)).toBeGreaterThan(2);
    expect(shared(bz, wlmq)).toBeGreaterThan(1);
    expect(shared(aks, wlmq)).toBeGreaterThan(1);
  });
});

describe('embedded PGlite', () => {
  const embedded: PGlite[] = [];
  afterAll(async () => {
    await Promise.all(embedded.map((db) => db.close()));
  });

  it('migrates and takes the default demo set, with the same rows as on PostgreSQL', async () => {
    const targets: DemoTargets = {};
    for (const region of REGIONS) {
      const db = await openEmbeddedDatabase();
      embedded.push(db);
      const sql = createEmbeddedClient(db);
      await migrate(sql, regionMigrationsDir(region));
      targets[region] = sql;
    }
    const summary = await writeDemoData(targets, { seed: SEED });
    expect(summary.applications).toBe(1000);
    expect(await digests(targets)).toEqual(await digests(targetsOf(runA)));
  }, 120_000);
});
