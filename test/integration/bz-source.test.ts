import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ApplicationStatus,
  ReviewKind,
  TitleLevel,
  TitleSeries,
} from '../../domain/codes.js';
import { checkCharacter, normaliseIdNumber } from '../../domain/idNumber.js';
import { PrismaClient } from '../../generated/prisma/bz/client.js';
import { prismaAdapterFor } from '../../platform/database/adapter.js';
import { createBzSource } from '../../subgraphs/bz/source.js';
import { collectingReporter } from '../helpers/dataQuality.js';
import type {
  ApplicationFilter,
  RegionalSource,
  StatisticsDimension,
  StatisticsGroup,
} from '../../subgraphs/template/source.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/** A valid 18-character number ending in `seq`, division 652801 (Korla). */
function idNumber(seq: number): string {
  const body = `65280119900101${String(seq).padStart(3, '0')}`;
  return body + checkCharacter(body);
}

const toFullWidth = (text: string): string =>
  text.replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) - 48 + 0xff10));

// Person 1 is typed three ways in three rows (lowercase x, spaces, full-width digits, as the
// portal holds them); its number ends in X so that the lowercase x is real.
const PERSON_1 = idNumber(7);
const PERSON_2 = idNumber(20);
const PERSON_OLD = '652801900101031'; // the 15-digit form
const NOBODY = idNumber(99);

interface PersonFixture {
  key: string;
  sfzh: string;
  xm: string;
  xb: string | null;
  mz: string | null;
  zzmm: string | null;
  dwxz: string | null;
  szxs: string | null;
  lrsj: string | null;
}

const PEOPLE: PersonFixture[] = [
  { key: 'p1a', sfzh: `${PERSON_1.slice(0, 6)} ${PERSON_1.slice(6, 14)} ${PERSON_1.slice(14).toLowerCase()}`, xm: '张三', xb: '男', mz: '汉族', zzmm: '中共党员', dwxz: '民营企业', szxs: '库尔勒市', lrsj: '2023-03-01 09:00:00' },
  { key: 'p1b', sfzh: toFullWidth(PERSON_1.slice(0, 17)) + 'x', xm: '张三', xb: '男', mz: '汉族', zzmm: '中共党员', dwxz: '国有企业', szxs: '且末县', lrsj: '2024-07-15 18:30:00' },
  { key: 'p1c', sfzh: `\u3000${PERSON_1} `, xm: '张三', xb: '男', mz: '汉族', zzmm: '群众', dwxz: '其他', szxs: '若羌县', lrsj: null },
  { key: 'p2', sfzh: PERSON_2, xm: '阿依古丽', xb: '女', mz: '维吾尔族', zzmm: '群众', dwxz: '事业单位', szxs: '轮台县', lrsj: '2022-01-01 00:00:00' },
  { key: 'old', sfzh: PERSON_OLD, xm: '巴特尔', xb: '未知', mz: '穿青人', zzmm: null, dwxz: '个体', szxs: '和静县', lrsj: null },
  { key: 'idle', sfzh: idNumber(30), xm: '李四', xb: '男', mz: '回族', zzmm: '群众', dwxz: '机关', szxs: '博湖县', lrsj: null },
  { key: 'filler', sfzh: idNumber(40), xm: '王五', xb: '男', mz: '蒙古族', zzmm: '共青团员', dwxz: '民营企业', szxs: '焉耆县', lrsj: null },
  { key: 'garbage', sfzh: '不详', xm: '赵六', xb: null, mz: null, zzmm: null, dwxz: null, szxs: null, lrsj: null },
];

/** An application in the portal's own form, with the shared values its mapping gives. */
interface ApplicationFixture {
  person: string;
  sbnd: number;
  xl: string | null;
  zy: string | null;
  sbjb: string | null;
  pslb: string | null;
  zt: number | null;
  shared: { series: TitleSeries; level: TitleLevel; reviewKind: ReviewKind; status: ApplicationStatus };
}

const app = (
  person: string,
  sbnd: number,
  local: [xl: string | null, zy: string | null, sbjb: string | null, pslb: string | null, zt: number | null],
  shared: ApplicationFixture['shared'],
): ApplicationFixture => ({ person, sbnd, xl: local[0], zy: local[1], sbjb: local[2], pslb: local[3], zt: local[4], shared });

const STATUS_BY_ZT: ApplicationStatus[] = [
  'DRAFT',
  'AWAITING_UNIT_AUDIT',
  'RETURNED_BY_UNIT',
  'AWAITING_COMMITTEE_AUDIT',
  'RETURNED_BY_COMMITTEE',
  'ACCEPTED',
  'PAID',
  'PASSED',
  'FAILED',
  'WITHDRAWN',
  'REJECTED',
];

const APPLICATIONS: ApplicationFixture[] = [
  app('p1a', 2024, ['工程', '生态环境', '中级', '评审', 3], { series: 'ENGINEERING', level: 'INTERMEDIATE', reviewKind: 'REVIEW', status: 'AWAITING_COMMITTEE_AUDIT' }),
  app('p1a', 2023, ['工程系列', '建筑', '初级', '初定', 7], { series: 'ENGINEERING', level: 'JUNIOR', reviewKind: 'INITIAL_DETERMINATION', status: 'PASSED' }),
  app('p1b', 2024, ['工程技术', '质量技术监督', '中级', '民营专项', 6], { series: 'ENGINEERING', level: 'INTERMEDIATE', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW', status: 'PAID' }),
  app('p2', 2024, ['经济', '工商管理', '副高级', '评审', 1], { series: 'ECONOMICS', level: 'ASSOCIATE_SENIOR', reviewKind: 'REVIEW', status: 'AWAITING_UNIT_AUDIT' }),
  app('p2', 2024, ['工科', '建筑', '高级', '评审', 99], { series: 'UNKNOWN', level: 'UNKNOWN', reviewKind: 'REVIEW', status: 'UNKNOWN' }),
  app('p2', 2024, [null, null, null, null, null], { series: 'UNKNOWN', level: 'UNKNOWN', reviewKind: 'UNKNOWN', status: 'UNKNOWN' }),
  app('p2', 2024, ['会计', '会计', '助理级', '授予', 10], { series: 'ACCOUNTING', level: 'ASSISTANT', reviewKind: 'CONFERRAL', status: 'REJECTED' }),
  app('old', 2024, ['工程', '建筑', '员级', '考评结合', 0], { series: 'ENGINEERING', level: 'TECHNICIAN', reviewKind: 'UNKNOWN', status: 'DRAFT' }),
  app('old', 2023, ['审计系列', '审计', '正高级', '评审', 8], { series: 'AUDITING', level: 'SENIOR', reviewKind: 'REVIEW', status: 'FAILED' }),
  app('old', 2023, ['统计', '统计', '中级', '民营专项', 9], { series: 'STATISTICS', level: 'INTERMEDIATE', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW', status: 'WITHDRAWN' }),
  // Enough of one kind to page through, every status among them.
  ...Array.from({ length: 22 }, (_, i) =>
    app('filler', 2024, [i % 2 ? '工程' : '工程系列', '建筑', '中级', '评审', i % 11], {
      series: 'ENGINEERING',
      level: 'INTERMEDIATE',
      reviewKind: 'REVIEW',
      status: STATUS_BY_ZT[i % 11]!,
    }),
  ),
];

let db: TestDatabase;
let prisma: PrismaClient<'query'>;
let source: RegionalSource;
const report = collectingReporter();
const statements: string[] = [];
/** `ryid` of each person fixture, by key. */
const ryid = new Map<string, string>();
/** `sqsid` of each application fixture, in fixture order (ascending). */
const sqsids: string[] = [];

async function insertFixtures(): Promise<void> {
  for (const person of PEOPLE) {
    const { rows } = await db.sql.query<{ ryid: string }>(
      `INSERT INTO ry_jbxx (xm, xb, mz, zzmm, sfzh, gzdw, dwxz, szxs, lrsj)
       VALUES ($1, $2, $3, $4, $5, '某单位', $6, $7, $8) RETURNING ryid::text`,
      [person.xm, person.xb, person.mz, person.zzmm, person.sfzh, person.dwxz, person.szxs, person.lrsj],
    );
    ryid.set(person.key, rows[0]!.ryid);
  }
  for (const [index, fixture] of APPLICATIONS.entries()) {
    const { rows } = await db.sql.query<{ sqsid: string }>(
      `INSERT INTO sb_sqs (ryid, pcdm, sbnd, xl, zy, sbjb, pslb, zt, tjcs, zhtjsj, dbzt, jfje)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING sqsid::text`,
      [
        ryid.get(fixture.person),
        fixture.sbnd === 2023 ? 'BZ2023JZ' : 'BZ2024STHJ',
        fixture.sbnd,
        fixture.xl,
        fixture.zy,
        fixture.sbjb,
        fixture.pslb,
        fixture.zt,
        index === 0 ? 2 : 1,
        index === 0 ? '2024-09-08 17:30:05' : null,
        index === 0 ? '待答辩' : null,
        index === 0 ? '380.00' : null,
      ],
    );
    sqsids.push(rows[0]!.sqsid);
  }
  const p1a = ryid.get('p1a');
  const p2 = ryid.get('p2');
  await db.sql.query(
    `INSERT INTO ry_rzzg (ryid, zgmc, xl, zy, jb, qdsj, qdfs, pzwh, zsbh, qddq) VALUES
       ($1, '助理工程师', '工程', '建筑', '助理级', '2019-12-20', '评审', '巴职改字〔2019〕12号', 'BZ2019-0001', '疆内'),
       ($1, '工程师', '工程', '建筑', '中级', '2023-10-20', '考试', NULL, 'GD2023-7', '疆外'),
       ($2, '会计师', '会计', NULL, '中级', NULL, '技能认定', NULL, NULL, NULL)`,
    [p1a, p2],
  );
  await db.sql.query(
    `INSERT INTO ry_ndkh (ryid, khnd, khjg) VALUES
       ($1, 2023, '良好'), ($1, 2021, '合格'), ($1, 2022, '基本合格'), ($2, 2023, '优秀')`,
    [p1a, p2],
  );
  await db.sql.query(
    `INSERT INTO cx_sxjl (ryid, sxyy, cfrq, jzrq) VALUES
       ($1, '提供虚假材料', '2024-10-08', '2027-12-31'), ($2, '冒用他人业绩', '2023-05-06', NULL)`,
    [p1a, p2],
  );
}

beforeAll(async () => {
  db = await createTestDatabase('bz');
  await insertFixtures();
  prisma = new PrismaClient({
    adapter: prismaAdapterFor({ kind: 'postgres', url: db.url, max: 2 }),
    log: [{ emit: 'event', level: 'query' }],
  });
  prisma.$on('query', (event) => statements.push(event.query));
  source = createBzSource(prisma, report);
  await source.ping();
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

/** The SQL statements `work` issues. */
async function statementsOf(work: () => Promise<unknown>): Promise<number> {
  statements.length = 0;
  await work();
  return statements.length;
}

const localIdsOf = (...keys: string[]): string[] => keys.map((key) => ryid.get(key)!);

describe('findPeople', () => {
  it('finds every row of a person however the number was typed, keyed by the normalised number', async () => {
    const found = await source.findPeople([PERSON_1, PERSON_2, normaliseIdNumber(PERSON_OLD), NOBODY]);
    expect([...found.keys()]).toEqual([PERSON_1, PERSON_2, normaliseIdNumber(PERSON_OLD), NOBODY]);
    expect(found.get(PERSON_1)!.map((person) => person.localId)).toEqual(localIdsOf('p1a', 'p1b', 'p1c'));
    expect(found.get(PERSON_2)!.map((person) => person.localId)).toEqual(localIdsOf('p2'));
    expect(found.get(normaliseIdNumber(PERSON_OLD))!.map((person) => person.localId)).toEqual(localIdsOf('old'));
    expect(found.get(NOBODY)).toEqual([]);
  });

  it('maps the profile and takes 录入时间 as the Beijing wall clock', async () => {
    const [first, second, third] = (await source.findPeople([PERSON_1])).get(PERSON_1)!;
    expect(first).toEqual({
      localId: ryid.get('p1a'),
      updatedAt: '2023-03-01T09:00:00+08:00',
      profile: {
        name: '张三',
        gender: 'MALE',
        ethnicityCode: '01',
        ethnicity: '汉族',
        politicalStatusCode: '01',
        politicalStatus: '中共党员',
        employer: '某单位',
        employerKind: 'PRIVATE_ENTERPRISE',
        location: '库尔勒市',
        civilServant: null,
        retired: null,
        sanctionUntil: null,
        dataQuality: [],
      },
    });
    expect(second!.updatedAt).toBe('2024-07-15T18:30:00+08:00');
    expect(second!.profile).toMatchObject({ employerKind: 'STATE_OWNED_ENTERPRISE', location: '且末县' });
    expect(third!.updatedAt).toBeNull();
  });

  it('keeps unknown profile values as unknown and reports them, never dropping the person', async () => {
    const normalised = normaliseIdNumber(PERSON_OLD);
    const before = report.events.length;
    const [person] = (await source.findPeople([normalised])).get(normalised)!;
    expect(person!.profile).toMatchObject({ gender: 'UNKNOWN', ethnicityCode: null, politicalStatusCode: null, employerKind: 'UNKNOWN' });
    expect(person!.profile.dataQuality).toEqual([
      { field: 'gender', localValue: '未知' },
      { field: 'ethnicity', localValue: '穿青人' },
      { field: 'politicalStatus', localValue: null },
      { field: 'employerKind', localValue: '个体' },
    ]);
    const events = report.events.slice(before);
    expect(events).toHaveLength(4);
    expect(events.every((event) => event.table === 'ry_jbxx' && event.localId === ryid.get('old'))).toBe(true);
    // Events carry codes and labels, never the ID number or the name.
    expect(JSON.stringify(events)).not.toContain('巴特尔');
    expect(JSON.stringify(events)).not.toContain(PERSON_OLD.slice(6));
  });

  it('issues a statement the expression index on the normalised number can serve', async () => {
    await statementsOf(() => source.findPeople([PERSON_2]));
    expect(statements).toHaveLength(1);
    const plan = await db.sql.transaction(async (tx) => {
      // The fixture table is tiny: forbid the sequential scan to see whether the index applies at all.
      await tx.exec('SET LOCAL enable_seqscan = off');
      const { rows } = await tx.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${statements[0]}`, [[PERSON_2]]);
      return JSON.stringify(rows[0]!['QUERY PLAN']);
    });
    expect(plan).toContain('gateway_ry_jbxx_id_number');
  });

  it('returns empty entries and issues no statement for no keys', async () => {
    expect(await statementsOf(async () => expect((await source.findPeople([])).size).toBe(0))).toBe(0);
  });
});

describe('batch methods', () => {
  /** 20 person keys: every fixture person and numbers no row has. */
  const twentyLocalIds = (): string[] => [
    ...localIdsOf('p1a', 'p1b', 'p1c', 'p2', 'old', 'idle', 'filler', 'garbage'),
    ...Array.from({ length: 12 }, (_, i) => String(900_000 + i)),
  ];
  const twentyIdNumbers = (): string[] => [PERSON_1, PERSON_2, ...Array.from({ length: 18 }, (_, i) => idNumber(100 + i))];

  it.each<[string, (ids: string[]) => Promise<Map<string, unknown[]>>, () => string[]]>([
    ['findPeople', (ids) => source.findPeople(ids), twentyIdNumbers],
    ['applicationsByIdNumber', (ids) => source.applicationsByIdNumber(ids), twentyIdNumbers],
    ['qualificationsOf', (ids) => source.qualificationsOf(ids), twentyLocalIds],
    ['integrityRecordsOf', (ids) => source.integrityRecordsOf(ids), twentyLocalIds],
    ['assessmentsOf', (ids) => source.assessmentsOf(ids), twentyLocalIds],
  ])('%s issues one statement for 1 key and for 20', async (_name, load, keys) => {
    const twenty = keys();
    expect(new Set(twenty).size).toBe(20);
    const forOne = await statementsOf(() => load(twenty.slice(3, 4)));
    let answer = new Map<string, unknown[]>();
    const forTwenty = await statementsOf(async () => {
      answer = await load(twenty);
    });
    expect(forOne).toBe(1);
    expect(forTwenty).toBe(1);
    expect([...answer.keys()]).toEqual(twenty);
  });

  it.each<[string, (ids: string[]) => Promise<Map<string, unknown[]>>]>([
    ['qualificationsOf', (ids) => source.qualificationsOf(ids)],
    ['integrityRecordsOf', (ids) => source.integrityRecordsOf(ids)],
    ['assessmentsOf', (ids) => source.assessmentsOf(ids)],
  ])('%s answers every key, people with nothing and keys that are no ryid included', async (_name, load) => {
    const keys = [...localIdsOf('idle', 'p2'), '999999', 'not-a-key', '99999999999999999999'];
    const result = await load(keys);
    expect([...result.keys()]).toEqual(keys);
    expect(result.get(ryid.get('idle')!)).toEqual([]);
    expect(result.get('999999')).toEqual([]);
    expect(result.get('not-a-key')).toEqual([]);
    expect(result.get('99999999999999999999')).toEqual([]);
    expect(result.get(ryid.get('p2')!)!.length).toBeGreaterThan(0);
  });

  it('applicationsByIdNumber maps each application, in person then key order, keeping unknown values as UNKNOWN', async () => {
    const result = await source.applicationsByIdNumber([PERSON_1, PERSON_2]);
    // PERSON_1's rows p1a, p1b and p1c (which has none), in ryid order.
    const ofP1 = result.get(PERSON_1)!;
    expect(ofP1.map((a) => a.localId)).toEqual([sqsids[0], sqsids[1], sqsids[2]]);
    expect(ofP1[0]).toEqual({
      id: `bz:${sqsids[0]}`,
      region: 'bz',
      localId: sqsids[0],
      batchCode: 'BZ2024STHJ',
      year: 2024,
      series: 'ENGINEERING',
      specialty: '生态环境',
      level: 'INTERMEDIATE',
      reviewKind: 'REVIEW',
      status: 'AWAITING_COMMITTEE_AUDIT',
      submissionCount: 2,
      submittedAt: '2024-09-08T17:30:05+08:00',
      returnCount: null,
      defence: 'PENDING',
      feePaidFen: 38000,
      countsTowardAnnualLimit: true,
      dataQuality: [],
    });
    expect(ofP1.slice(2).map((a) => a.reviewKind)).toEqual(['PRIVATE_ENTERPRISE_REVIEW']);

    const ofP2 = result.get(PERSON_2)!;
    expect(ofP2.map((a) => a.localId)).toEqual(sqsids.slice(3, 7));
    expect(ofP2[1]).toMatchObject({ series: 'UNKNOWN', level: 'UNKNOWN', status: 'UNKNOWN', countsTowardAnnualLimit: false });
    expect(ofP2[1]!.dataQuality).toEqual([
      { field: 'series', localValue: '工科' },
      { field: 'level', localValue: '高级' },
      { field: 'status', localValue: '99' },
    ]);
    expect(ofP2[2]!.dataQuality.map((issue) => issue.field)).toEqual(['series', 'level', 'reviewKind', 'status']);
    expect(report.events).toContainEqual({ region: 'bz', table: 'sb_sqs', localId: sqsids[4], field: 'series', localValue: '工科' });
  });

  it('qualificationsOf maps dates, routes and 疆内/疆外', async () => {
    const [p1a, p2] = localIdsOf('p1a', 'p2');
    const result = await source.qualificationsOf([p1a!, p2!]);
    expect(result.get(p1a!)).toEqual([
      {
        region: 'bz',
        name: '助理工程师',
        series: 'ENGINEERING',
        specialty: '建筑',
        level: 'ASSISTANT',
        obtainedOn: '2019-12-20',
        route: 'REVIEW',
        obtainedInXinjiang: true,
        approvalDocument: '巴职改字〔2019〕12号',
        certificateNumber: 'BZ2019-0001',
        issuer: null,
        dataQuality: [],
      },
      expect.objectContaining({ name: '工程师', route: 'EXAM', obtainedInXinjiang: false, obtainedOn: '2023-10-20' }),
    ]);
    expect(result.get(p2!)).toEqual([
      expect.objectContaining({
        name: '会计师',
        series: 'ACCOUNTING',
        route: 'UNKNOWN',
        obtainedInXinjiang: null,
        dataQuality: [
          { field: 'route', localValue: '技能认定' },
          { field: 'obtainedInXinjiang', localValue: null },
        ],
      }),
    ]);
  });

  it('integrityRecordsOf keeps the last barred day and marks a NULL end open-ended', async () => {
    const [p1a, p2] = localIdsOf('p1a', 'p2');
    const result = await source.integrityRecordsOf([p1a!, p2!]);
    expect(result.get(p1a!)).toEqual([
      { region: 'bz', reason: '提供虚假材料', decidedOn: '2024-10-08', barredUntil: '2027-12-31', openEnded: false, banYears: null },
    ]);
    expect(result.get(p2!)).toEqual([
      { region: 'bz', reason: '冒用他人业绩', decidedOn: '2023-05-06', barredUntil: null, openEnded: true, banYears: null },
    ]);
  });

  it('assessmentsOf reads the keyless ry_ndkh by year, keeping an unknown result', async () => {
    const [p1a] = localIdsOf('p1a');
    const result = await source.assessmentsOf([p1a!]);
    expect(result.get(p1a!)).toEqual([
      { region: 'bz', year: 2021, result: 'PASS', dataQuality: [] },
      { region: 'bz', year: 2022, result: 'BASIC_PASS', dataQuality: [] },
      { region: 'bz', year: 2023, result: 'UNKNOWN', dataQuality: [{ field: 'result', localValue: '良好' }] },
    ]);
    expect(report.events).toContainEqual({ region: 'bz', table: 'ry_ndkh', localId: `${p1a}/2023`, field: 'result', localValue: '良好' });
  });
});

/** The fixture's expectation of a filter, from the shared values written next to each row. */
function expectedIds(filter: ApplicationFilter): string[] {
  const has = <T>(list: readonly T[] | null | undefined, value: T): boolean => !list || list.includes(value);
  return APPLICATIONS.flatMap((fixture, index) =>
    (filter.year == null || fixture.sbnd === filter.year) &&
    has(filter.series, fixture.shared.series) &&
    (!filter.specialty || (fixture.zy !== null && filter.specialty.includes(fixture.zy))) &&
    has(filter.level, fixture.shared.level) &&
    has(filter.reviewKind, fixture.shared.reviewKind) &&
    has(filter.status, fixture.shared.status)
      ? [sqsids[index]!]
      : [],
  );
}

const FILTERS: Array<[string, ApplicationFilter]> = [
  ['no filter', {}],
  ['year 2023', { year: 2023 }],
  ['series ENGINEERING (工程, 工程系列, 工程技术)', { series: ['ENGINEERING'] }],
  ['series ECONOMICS or AUDITING', { series: ['ECONOMICS', 'AUDITING'] }],
  ['series UNKNOWN (a typo and NULL)', { series: ['UNKNOWN'] }],
  ['series ACCOUNTING or UNKNOWN', { series: ['ACCOUNTING', 'UNKNOWN'] }],
  ['series none', { series: [] }],
  ['specialty 建筑', { specialty: ['建筑'] }],
  ['specialty 审计 or 统计', { specialty: ['审计', '统计'] }],
  ['level INTERMEDIATE', { level: ['INTERMEDIATE'] }],
  ['level UNKNOWN', { level: ['UNKNOWN'] }],
  ['level SENIOR or TECHNICIAN', { level: ['SENIOR', 'TECHNICIAN'] }],
  ['review kind PRIVATE_ENTERPRISE_REVIEW', { reviewKind: ['PRIVATE_ENTERPRISE_REVIEW'] }],
  ['review kind INITIAL_DETERMINATION or CONFERRAL', { reviewKind: ['INITIAL_DETERMINATION', 'CONFERRAL'] }],
  ['review kind UNKNOWN (考评结合 and NULL)', { reviewKind: ['UNKNOWN'] }],
  ['status PASSED', { status: ['PASSED'] }],
  ['status DRAFT or REJECTED', { status: ['DRAFT', 'REJECTED'] }],
  ['status UNKNOWN (99 and NULL)', { status: ['UNKNOWN'] }],
  ['status ABANDONED (bz has none)', { status: ['ABANDONED'] }],
  ['year, series and status together', { year: 2024, series: ['ENGINEERING'], status: ['PAID', 'DRAFT'] }],
  ['every dimension', { year: 2024, series: ['ENGINEERING'], specialty: ['建筑'], level: ['INTERMEDIATE'], reviewKind: ['REVIEW'], status: ['PASSED'] }],
];

describe('listApplications and countApplications', () => {
  it.each(FILTERS)('filter: %s', async (_name, filter) => {
    const expected = expectedIds(filter);
    const page = await source.listApplications(filter, { first: 100, after: null });
    expect(page.items.map((item) => item.localId)).toEqual(expected);
    expect(page.hasNextPage).toBe(false);
    expect(await source.countApplications(filter)).toBe(expected.length);
  });

  it('the filters are not all trivially empty or full', () => {
    const sizes = FILTERS.map(([, filter]) => expectedIds(filter).length);
    expect(sizes.filter((size) => size > 0 && size < APPLICATIONS.length).length).toBeGreaterThan(15);
  });

  it.each<[string, ApplicationFilter, number]>([
    ['every application, 5 a page', {}, 5],
    ['every application, 1 a page', { year: 2023 }, 1],
    ['engineering in 2024, 4 a page', { year: 2024, series: ['ENGINEERING'] }, 4],
    ['unknown statuses, 1 a page', { status: ['UNKNOWN'] }, 1],
  ])('pages through %s with no gaps or repeats', async (_name, filter, first) => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page = await source.listApplications(filter, { first, after });
      expect(page.items.length).toBeLessThanOrEqual(first);
      seen.push(...page.items.map((item) => item.localId));
      if (!page.hasNextPage) break;
      expect(page.items).toHaveLength(first);
      after = page.items.at(-1)!.localId;
    }
    expect(seen).toEqual(expectedIds(filter));
    expect(seen.length).toBeGreaterThan(first);
  });

  it('ends with hasNextPage false when the last page is exactly full', async () => {
    const all = expectedIds({ year: 2023 });
    const page = await source.listApplications({ year: 2023 }, { first: all.length, after: null });
    expect(page.items).toHaveLength(all.length);
    expect(page.hasNextPage).toBe(false);
  });

  it('refuses a cursor that is not a bz key, without echoing it', async () => {
    await expect(source.listApplications({}, { first: 5, after: "1' OR 1=1" })).rejects.toMatchObject({ extensions: { code: 'INVALID_CURSOR' } });
    await expect(source.listApplications({}, { first: 5, after: "1' OR 1=1" })).rejects.not.toThrow(/OR 1=1/);
  });
});

describe('statistics', () => {
  const DIMENSION_FIELDS: Record<Exclude<StatisticsDimension, 'REGION'>, keyof ApplicationFixture['shared'] | 'specialty'> = {
    SERIES: 'series',
    SPECIALTY: 'specialty',
    LEVEL: 'level',
    REVIEW_KIND: 'reviewKind',
    STATUS: 'status',
  };

  /** The groups the fixture implies, counted here from the shared values written next to each row. */
  function expectedGroups(year: number | null, groupBy: StatisticsDimension[]): StatisticsGroup[] {
    const groups = new Map<string, StatisticsGroup>();
    for (const fixture of APPLICATIONS) {
      if (year !== null && fixture.sbnd !== year) continue;
      const group: StatisticsGroup = { series: null, specialty: null, level: null, reviewKind: null, status: null, count: 0 };
      for (const dimension of groupBy) {
        if (dimension === 'REGION') continue;
        const field = DIMENSION_FIELDS[dimension];
        if (field === 'specialty') group.specialty = fixture.zy;
        else Object.assign(group, { [field]: fixture.shared[field] });
      }
      const key = JSON.stringify({ ...group, count: 0 });
      const total = groups.get(key) ?? group;
      total.count += 1;
      groups.set(key, total);
    }
    return sortGroups([...groups.values()]);
  }

  const sortGroups = (groups: StatisticsGroup[]): StatisticsGroup[] =>
    [...groups].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  it.each<[number | null, StatisticsDimension[]]>([
    [null, []],
    [2024, []],
    [2024, ['SERIES']],
    [null, ['SERIES']],
    [2023, ['LEVEL']],
    [null, ['REVIEW_KIND']],
    [2024, ['STATUS']],
    [2024, ['SPECIALTY']],
    [2024, ['LEVEL', 'STATUS']],
    [null, ['REGION', 'SERIES']],
    [null, ['SERIES', 'SPECIALTY', 'LEVEL', 'REVIEW_KIND', 'STATUS']],
  ])('year %s grouped by %j', async (year, groupBy) => {
    expect(sortGroups(await source.statistics(year, groupBy))).toEqual(expectedGroups(year, groupBy));
  });

  it('adds together the groups of 工程, 工程系列 and 工程技术, and of every unknown series', async () => {
    const groups = await source.statistics(2024, ['SERIES']);
    const engineering = groups.filter((group) => group.series === 'ENGINEERING');
    const unknown = groups.filter((group) => group.series === 'UNKNOWN');
    expect(engineering).toHaveLength(1);
    expect(engineering[0]!.count).toBe(25);
    expect(unknown).toEqual([{ series: 'UNKNOWN', specialty: null, level: null, reviewKind: null, status: null, count: 2 }]);
  });

  it('counts in one SQL statement', async () => {
    expect(await statementsOf(() => source.statistics(null, ['SERIES', 'STATUS']))).toBe(1);
  });
});
