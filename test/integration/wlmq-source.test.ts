/**
 * The wlmq source against a real, migrated PostgreSQL database holding declarations in the portal's
 * own format (quoted camelCase, Chinese labels, messy ID numbers, JSON title history).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApplicationStatus, ReviewKind, TitleLevel, TitleSeries } from '../../domain/codes.js';
import { APPLICATION_STATUSES, REVIEW_KINDS, TITLE_LEVELS } from '../../domain/codes.js';
import type { Application } from '../../domain/types.js';
import { PrismaClient } from '../../generated/prisma/wlmq/client.js';
import { prismaAdapterFor } from '../../platform/database/adapter.js';
import { collectingReporter } from '../helpers/dataQuality.js';
import type { ApplicationFilter, RegionalSource, StatisticsGroup } from '../../subgraphs/template/source.js';
import { mapApplication, parseReviewYear } from '../../subgraphs/wlmq/mapping.js';
import { createWlmqSource } from '../../subgraphs/wlmq/source.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

// Valid resident ID numbers (check characters computed), and how the portal has them typed.
const ID_A = '650102199001011239';
const ID_B = '65010219860707001X';
const ID_PASSPORT = '650102198505054326';
const ID_PERMIT = '652901197811112226';
const ID_NO_CERT_TYPE = '652801199202021111';
const ID_NOBODY = '650104198808087654';

interface DeclarationFixture {
  declarationNo: string;
  certType?: string | null;
  certNo?: string;
  name?: string | null;
  sex?: string | null;
  nation?: string | null;
  politics?: string | null;
  unitName?: string | null;
  zone?: string | null;
  reviewYear: string | null;
  seriesName: string | null;
  majorName?: string | null;
  targetTitle: string | null;
  way: string | null;
  flowState: string | null;
  returnTimes?: number | null;
  /** JSON text, stored as jsonb. */
  titleHistory?: string | null;
  creditFlag?: boolean | null;
  creditUntil?: string | null;
  updatedAt?: string | null;
}

const ASSISTANT_ENGINEER = { title: '助理工程师', obtainedAt: '2019-12', issuer: '乌鲁木齐市人社局', place: '疆内' };
const ENGINEER = { title: '工程师', obtainedAt: '2023-12', issuer: '乌鲁木齐市人社局', place: '疆内' };

const PERSON_A: DeclarationFixture[] = [
  {
    declarationNo: 'WLMQ2022-000001',
    certType: '居民身份证',
    certNo: '６５０１０２１９９００１０１１２３９',
    name: '张伟',
    sex: '男',
    nation: '汉族',
    politics: '中共党员',
    unitName: '新疆甲科技有限公司',
    zone: '头屯河区',
    reviewYear: '2022年度',
    seriesName: '工程',
    majorName: '机械',
    targetTitle: '工程师',
    way: '评审',
    flowState: '评审不通过',
    returnTimes: 0,
    titleHistory: JSON.stringify([ASSISTANT_ENGINEER]),
    creditFlag: false,
    updatedAt: '2022-10-01 09:00:00',
  },
  {
    declarationNo: 'WLMQ2023-000002',
    certType: '居民身份证',
    certNo: ' 650102 19900101 1239 ',
    name: '张伟',
    sex: '男',
    nation: '汉族',
    politics: '中共党员',
    unitName: '新疆甲科技有限公司',
    zone: '头屯河区',
    reviewYear: '2023 年',
    seriesName: '工程',
    majorName: '机械',
    targetTitle: '工程师',
    way: '评审',
    flowState: '评审通过',
    returnTimes: 2,
    titleHistory: JSON.stringify([ASSISTANT_ENGINEER, 7]),
    creditFlag: true,
    creditUntil: '2026-12-31',
    updatedAt: '2023-10-01 09:00:00',
  },
  {
    declarationNo: 'WLMQ2024-000003',
    certType: '居民身份证',
    certNo: ID_A,
    name: '张伟',
    sex: '男',
    nation: '汉族',
    politics: '中共党员',
    unitName: '新疆乙能源有限公司',
    zone: '自贸区经开片区',
    reviewYear: '2024年度',
    seriesName: '工程',
    majorName: '机械',
    targetTitle: '高级工程师',
    way: '评审',
    flowState: '待评审机构审核',
    returnTimes: 1,
    titleHistory: JSON.stringify([ASSISTANT_ENGINEER, ENGINEER]),
    creditFlag: true,
    creditUntil: '2026-12-31',
    updatedAt: '2024-09-10 15:30:00',
  },
];

const OTHERS: DeclarationFixture[] = [
  {
    declarationNo: 'WLMQ2024-000004',
    certType: '居民身份证',
    certNo: '65010219860707001x',
    name: '古丽',
    sex: '女',
    nation: '维吾尔族',
    politics: '群众',
    reviewYear: '2024',
    seriesName: '经济',
    targetTitle: '高级经济师',
    way: '考评结合',
    flowState: '已缴费',
    // Not an array: one data-quality event, no qualifications.
    titleHistory: JSON.stringify({ title: '经济师' }),
    creditFlag: true,
    creditUntil: null,
  },
  {
    declarationNo: 'WLMQ2024-000005',
    certType: '护照',
    certNo: ID_PASSPORT,
    reviewYear: '2024年度',
    seriesName: '会计',
    targetTitle: '高级会计师',
    way: '评审',
    flowState: '审核通过',
  },
  {
    declarationNo: 'WLMQ2024-000006',
    certType: '港澳居民来往内地通行证',
    certNo: ID_PERMIT,
    reviewYear: '2024年',
    seriesName: '审计',
    targetTitle: '高级审计师',
    way: '认定',
    flowState: '评审通过',
  },
  {
    declarationNo: 'WLMQ2024-000007',
    certType: null,
    certNo: ID_NO_CERT_TYPE,
    reviewYear: '2024年度',
    seriesName: '统计',
    targetTitle: '高级统计师',
    way: '评审',
    flowState: '暂存',
    creditFlag: null,
  },
  // Values no mapping knows, and NULLs: kept as UNKNOWN.
  {
    declarationNo: 'WLMQ2024-000008',
    certNo: '6501',
    reviewYear: '２０２４年度',
    seriesName: '工程技术',
    targetTitle: '主任医师',
    way: '民营专项',
    flowState: '待评委会审核',
  },
  { declarationNo: 'WLMQ2024-000009', reviewYear: null, seriesName: null, targetTitle: null, way: null, flowState: null },
  {
    declarationNo: 'WLMQ2024-000010',
    reviewYear: ' 2024 年度',
    seriesName: '工程',
    targetTitle: '技术员',
    way: '评审',
    flowState: '其他状态',
  },
  {
    declarationNo: 'WLMQ2024-000011',
    reviewYear: '2024年度',
    seriesName: '工程',
    targetTitle: '助理工程师',
    way: '评审',
    flowState: '待评委会审核',
  },
  {
    declarationNo: 'WLMQ2024-000012',
    reviewYear: '2024年度',
    seriesName: '工程',
    targetTitle: '工程师',
    way: '评审',
    flowState: null,
  },
];

// Every listed title, flow state, way and series at least once, over two years.
const LISTED_TITLES = [
  '正高级工程师', '高级工程师', '工程师', '助理工程师', '技术员', '高级经济师', '经济师', '助理经济师', '高级会计师',
  '会计师', '助理会计师', '高级审计师', '审计师', '助理审计师', '高级统计师', '统计师', '助理统计师',
];
const LISTED_FLOW_STATES = [
  '暂存', '待单位审核', '单位退回', '待评审机构审核', '评审机构退回', '审核通过', '已缴费', '评审通过', '评审不通过',
  '已撤回', '不予受理',
];
const LISTED_WAYS = ['评审', '考评结合', '认定'];
const LISTED_SERIES = ['工程', '经济', '会计', '审计', '统计'];
const SPECIALTIES = ['机械', '电气', '建筑'];

const BULK: DeclarationFixture[] = LISTED_TITLES.map((targetTitle, i) => ({
  declarationNo: `WLMQ2024-1${String(i).padStart(5, '0')}`,
  reviewYear: i % 2 === 0 ? '2024年度' : '2023年度',
  seriesName: LISTED_SERIES[i % LISTED_SERIES.length]!,
  majorName: SPECIALTIES[i % SPECIALTIES.length]!,
  targetTitle,
  way: LISTED_WAYS[i % LISTED_WAYS.length]!,
  flowState: LISTED_FLOW_STATES[i % LISTED_FLOW_STATES.length]!,
}));

const FIXTURES = [...PERSON_A, ...OTHERS, ...BULK];
const ALL_IDS = FIXTURES.map((row) => row.declarationNo).sort();

const COLUMNS = [
  'declarationNo', 'certType', 'certNo', 'name', 'sex', 'nation', 'politics', 'unitName', 'zone', 'reviewYear',
  'seriesName', 'majorName', 'targetTitle', 'way', 'flowState', 'returnTimes', 'titleHistory', 'creditFlag',
  'creditUntil', 'updatedAt',
] as const;

function values(row: DeclarationFixture): unknown[] {
  const withDefaults: Record<(typeof COLUMNS)[number], unknown> = {
    certType: '居民身份证',
    certNo: 'E12345678',
    name: null,
    sex: null,
    nation: null,
    politics: null,
    unitName: null,
    zone: null,
    majorName: null,
    returnTimes: null,
    titleHistory: null,
    creditFlag: null,
    creditUntil: null,
    updatedAt: null,
    ...row,
  };
  return COLUMNS.map((column) => withDefaults[column]);
}

/** What the mapping makes of a fixture, to check that SQL filters agree with it row for row. */
function mapped(row: DeclarationFixture): Application {
  return mapApplication(
    {
      declarationNo: row.declarationNo,
      reviewYear: row.reviewYear,
      seriesName: row.seriesName,
      majorName: row.majorName ?? null,
      targetTitle: row.targetTitle,
      way: row.way,
      flowState: row.flowState,
      returnTimes: row.returnTimes ?? null,
    },
    () => {},
  );
}

let db: TestDatabase;
let prisma: PrismaClient<'query'>;
let statements = 0;
let reporter: ReturnType<typeof collectingReporter>;
let source: RegionalSource;

beforeAll(async () => {
  db = await createTestDatabase('wlmq');
  const placeholders = COLUMNS.map((column, i) => (column === 'titleHistory' ? `$${i + 1}::jsonb` : `$${i + 1}`));
  for (const row of FIXTURES) {
    await db.sql.query(
      `INSERT INTO "Declaration" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES (${placeholders.join(', ')})`,
      values(row),
    );
  }
  prisma = new PrismaClient({
    adapter: prismaAdapterFor({ kind: 'postgres', url: db.url, max: 2 }),
    log: [{ emit: 'event', level: 'query' }],
  });
  prisma.$on('query', () => {
    statements += 1;
  });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

beforeEach(() => {
  reporter = collectingReporter();
  source = createWlmqSource(prisma, reporter);
});

async function statementsOf(work: () => Promise<unknown>): Promise<number> {
  const before = statements;
  await work();
  return statements - before;
}

describe('findPeople', () => {
  it('finds every declaration of a person however the ID number was typed, and nobody under another document', async () => {
    const people = await source.findPeople([ID_A, ID_B, ID_PASSPORT, ID_PERMIT, ID_NO_CERT_TYPE, ID_NOBODY]);
    expect([...people.keys()]).toEqual([ID_A, ID_B, ID_PASSPORT, ID_PERMIT, ID_NO_CERT_TYPE, ID_NOBODY]);
    expect(people.get(ID_A)!.map((person) => person.localId)).toEqual(['WLMQ2022-000001', 'WLMQ2023-000002', 'WLMQ2024-000003']);
    expect(people.get(ID_B)!.map((person) => person.localId)).toEqual(['WLMQ2024-000004']);
    // A passport or permit holder has no resident ID number, even when the number typed is valid.
    expect(people.get(ID_PASSPORT)).toEqual([]);
    expect(people.get(ID_PERMIT)).toEqual([]);
    expect(people.get(ID_NO_CERT_TYPE)!.map((person) => person.localId)).toEqual(['WLMQ2024-000007']);
    expect(people.get(ID_NOBODY)).toEqual([]);
  });

  it("gives each declaration's own profile and its wall-clock update time in Beijing time", async () => {
    const [, , newest] = (await source.findPeople([ID_A])).get(ID_A)!;
    expect(newest).toEqual({
      localId: 'WLMQ2024-000003',
      updatedAt: '2024-09-10T15:30:00+08:00',
      profile: {
        name: '张伟',
        gender: 'MALE',
        ethnicityCode: '01',
        ethnicity: '汉族',
        politicalStatusCode: '01',
        politicalStatus: '中共党员',
        employer: '新疆乙能源有限公司',
        employerKind: null,
        location: '自贸区经开片区',
        civilServant: null,
        retired: null,
        sanctionUntil: null,
        dataQuality: [],
      },
    });
    const [other] = (await source.findPeople([ID_B])).get(ID_B)!;
    expect([other!.profile.gender, other!.profile.ethnicityCode, other!.updatedAt]).toEqual(['FEMALE', '05', null]);
  });

  it('reads the person through the ID-number expression index', async () => {
    const plan = await db.sql.transaction(async (tx) => {
      await tx.exec('SET LOCAL enable_seqscan = off');
      return tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT "declarationNo" FROM "Declaration" WHERE gateway.normalise_id_number("certNo") = ANY($1::text[])`,
        [[ID_A]],
      );
    });
    expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('gateway_declaration_id_number');
  });
});

describe('batch methods', () => {
  it('gives each declaration its one application, and an empty list for nobody', async () => {
    const byPerson = await source.applicationsByIdNumber([ID_A, ID_NOBODY]);
    expect([...byPerson.keys()]).toEqual([ID_A, ID_NOBODY]);
    expect(byPerson.get(ID_A)!.map((application) => application.localId)).toEqual(['WLMQ2022-000001', 'WLMQ2023-000002', 'WLMQ2024-000003']);
    expect(byPerson.get(ID_A)!.slice(2)).toEqual([
      {
        id: 'wlmq:WLMQ2024-000003',
        region: 'wlmq',
        localId: 'WLMQ2024-000003',
        batchCode: null,
        year: 2024,
        series: 'ENGINEERING',
        specialty: '机械',
        level: 'ASSOCIATE_SENIOR',
        reviewKind: 'REVIEW',
        status: 'AWAITING_COMMITTEE_AUDIT',
        submissionCount: null,
        submittedAt: null,
        returnCount: 1,
        defence: null,
        feePaidFen: null,
        countsTowardAnnualLimit: true,
        dataQuality: [],
      },
    ]);
    expect(reporter.events).toEqual([]);
    // 000008's number is no ID number: it is read through the list, as the one after 000007.
    const [unknown] = (await source.listApplications({}, { first: 1, after: 'WLMQ2024-000007' })).items;
    expect(unknown!.localId).toBe('WLMQ2024-000008');
    expect([unknown!.year, unknown!.series, unknown!.level, unknown!.reviewKind, unknown!.status]).toEqual([
      null,
      'UNKNOWN',
      'UNKNOWN',
      'UNKNOWN',
      'UNKNOWN',
    ]);
    expect(byPerson.get(ID_NOBODY)).toEqual([]);
    expect(reporter.events.map((event) => [event.localId, event.field, event.localValue])).toEqual([
      ['WLMQ2024-000008', 'year', '２０２４年度'],
      ['WLMQ2024-000008', 'series', '工程技术'],
      ['WLMQ2024-000008', 'level', '主任医师'],
      ['WLMQ2024-000008', 'reviewKind', '民营专项'],
      ['WLMQ2024-000008', 'status', '待评委会审核'],
    ]);
  });

  it("gives a person's titles once across their declarations, malformed ones kept", async () => {
    const keys = ['WLMQ2022-000001', 'WLMQ2023-000002', 'WLMQ2024-000003', 'WLMQ2024-000004', 'WLMQ2024-000005', 'WLMQ2099-999999'];
    const qualifications = await source.qualificationsOf(keys);
    expect([...qualifications.keys()]).toEqual(keys);
    const summary = (key: string) => qualifications.get(key)!.map((q) => [q.name, q.level, q.series, q.obtainedOn]);
    expect(summary('WLMQ2022-000001')).toEqual([['助理工程师', 'ASSISTANT', 'ENGINEERING', '2019-12']]);
    expect(summary('WLMQ2023-000002')).toEqual([[null, 'UNKNOWN', null, null]]);
    expect(summary('WLMQ2024-000003')).toEqual([['工程师', 'INTERMEDIATE', 'ENGINEERING', '2023-12']]);
    expect(qualifications.get('WLMQ2024-000004')).toEqual([]);
    expect(qualifications.get('WLMQ2024-000005')).toEqual([]);
    expect(qualifications.get('WLMQ2099-999999')).toEqual([]);
    expect(qualifications.get('WLMQ2022-000001')![0]).toMatchObject({
      region: 'wlmq',
      route: null,
      obtainedInXinjiang: true,
      issuer: '乌鲁木齐市人社局',
      dataQuality: [],
    });
    expect(reporter.events.map((event) => [event.localId, event.field, event.localValue])).toEqual([
      ['WLMQ2023-000002', 'level', '(number)'],
      ['WLMQ2024-000004', 'qualifications', '(object)'],
    ]);
  });

  it("leaves out what a person's earlier declaration already gave, whichever keys come in the batch", async () => {
    const alone = await source.qualificationsOf(['WLMQ2024-000003']);
    expect(alone.get('WLMQ2024-000003')!.map((q) => q.name)).toEqual(['工程师']);
    // The earlier declarations are only compared against: their issues are not reported for this key.
    expect(reporter.events).toEqual([]);
  });

  it('gives an integrity record for a flagged declaration once per person, open-ended without an end date', async () => {
    const keys = ['WLMQ2022-000001', 'WLMQ2023-000002', 'WLMQ2024-000003', 'WLMQ2024-000004', 'WLMQ2024-000007', 'WLMQ2099-999999'];
    const records = await source.integrityRecordsOf(keys);
    expect([...records.keys()]).toEqual(keys);
    expect(records.get('WLMQ2022-000001')).toEqual([]);
    expect(records.get('WLMQ2023-000002')).toEqual([
      { region: 'wlmq', reason: null, decidedOn: null, barredUntil: '2026-12-31', openEnded: false, banYears: null },
    ]);
    expect(records.get('WLMQ2024-000003')).toEqual([]);
    expect(records.get('WLMQ2024-000004')).toEqual([
      { region: 'wlmq', reason: null, decidedOn: null, barredUntil: null, openEnded: true, banYears: null },
    ]);
    expect(records.get('WLMQ2024-000007')).toEqual([]);
    expect(records.get('WLMQ2099-999999')).toEqual([]);
  });

  it('gives no assessments: the portal records none', async () => {
    const assessments = await source.assessmentsOf(['WLMQ2024-000003', 'WLMQ2099-999999']);
    expect([...assessments.entries()]).toEqual([
      ['WLMQ2024-000003', []],
      ['WLMQ2099-999999', []],
    ]);
  });

  const twentyKeys = [...ALL_IDS.slice(0, 15), 'WLMQ2099-000001', 'WLMQ2099-000002', 'WLMQ2099-000003', 'WLMQ2099-000004', 'WLMQ2099-000005'];
  const twentyIds = [ID_A, ID_B, ID_PASSPORT, ID_PERMIT, ID_NO_CERT_TYPE, ID_NOBODY, ...Array.from({ length: 14 }, (_, i) => `6501021990010${String(i).padStart(4, '0')}`)];

  it.each<[string, (s: RegionalSource, keys: readonly string[]) => Promise<unknown>, readonly string[], readonly string[], number]>([
    ['findPeople', (s, keys) => s.findPeople(keys), [ID_A], twentyIds, 1],
    ['applicationsByIdNumber', (s, keys) => s.applicationsByIdNumber(keys), [ID_A], twentyIds, 1],
    ['qualificationsOf', (s, keys) => s.qualificationsOf(keys), ['WLMQ2024-000003'], twentyKeys, 1],
    ['integrityRecordsOf', (s, keys) => s.integrityRecordsOf(keys), ['WLMQ2024-000003'], twentyKeys, 1],
    ['assessmentsOf', (s, keys) => s.assessmentsOf(keys), ['WLMQ2024-000003'], twentyKeys, 0],
  ])('%s issues the same number of statements for 1 key and for 20', async (_name, call, one, twenty, expected) => {
    expect(twenty).toHaveLength(20);
    expect(await statementsOf(() => call(source, one))).toBe(expected);
    expect(await statementsOf(() => call(source, twenty))).toBe(expected);
  });
});

describe('listApplications and countApplications', () => {
  async function listAll(filter: ApplicationFilter, first = 100): Promise<string[]> {
    const page = await source.listApplications(filter, { first, after: null });
    expect(page.hasNextPage).toBe(false);
    return page.items.map((item) => item.localId);
  }

  const expectedFor = (keep: (application: Application) => boolean): string[] =>
    FIXTURES.map(mapped).filter(keep).map((application) => application.localId).sort();

  it.each<[string, ApplicationFilter, string[]]>([
    ['year 2024, however the year is typed', { year: 2024 }, [
      'WLMQ2024-000003', 'WLMQ2024-000004', 'WLMQ2024-000005', 'WLMQ2024-000006', 'WLMQ2024-000007',
      'WLMQ2024-000010', 'WLMQ2024-000011', 'WLMQ2024-000012',
      ...BULK.filter((_, i) => i % 2 === 0).map((row) => row.declarationNo),
    ]],
    ['series UNKNOWN: an unlisted series and NULL', { series: ['UNKNOWN'] }, ['WLMQ2024-000008', 'WLMQ2024-000009']],
    ['level UNKNOWN: an unlisted title and NULL', { level: ['UNKNOWN'] }, ['WLMQ2024-000008', 'WLMQ2024-000009']],
    ['review kind UNKNOWN', { reviewKind: ['UNKNOWN'] }, ['WLMQ2024-000008', 'WLMQ2024-000009']],
    ['status UNKNOWN: two unlisted states and NULL', { status: ['UNKNOWN'] }, [
      'WLMQ2024-000008', 'WLMQ2024-000009', 'WLMQ2024-000010', 'WLMQ2024-000011', 'WLMQ2024-000012',
    ]],
    ['level TECHNICIAN', { level: ['TECHNICIAN'] }, ['WLMQ2024-000010', 'WLMQ2024-100004']],
    ['year 2024, engineering, awaiting the committee', { year: 2024, series: ['ENGINEERING'], status: ['AWAITING_COMMITTEE_AUDIT'] }, ['WLMQ2024-000003']],
    ['an empty list asks for nothing', { status: [] }, []],
  ])('%s', async (_case, filter, expected) => {
    expect(await listAll(filter)).toEqual([...expected].sort());
    expect(await source.countApplications(filter)).toBe(expected.length);
  });

  // Each shared value, UNKNOWN included, against what the mapping makes of each row: a filter in
  // SQL and the mapped rows must never disagree.
  type FilterCase = [string, ApplicationFilter, (application: Application) => boolean];
  const oneValueCases = <S extends string>(name: string, shared: readonly S[], filterOf: (value: S) => ApplicationFilter, of: (application: Application) => unknown): FilterCase[] =>
    shared.map((value) => [`${name} ${value}`, filterOf(value), (application) => of(application) === value]);

  it.each<FilterCase>([
    ...oneValueCases('level', Object.keys(TITLE_LEVELS) as TitleLevel[], (level) => ({ level: [level] }), (a) => a.level),
    ...oneValueCases(
      'series',
      ['ENGINEERING', 'ECONOMICS', 'ACCOUNTING', 'AUDITING', 'STATISTICS', 'HEALTH', 'UNKNOWN'] as TitleSeries[],
      (series) => ({ series: [series] }),
      (a) => a.series,
    ),
    ...oneValueCases('review kind', Object.keys(REVIEW_KINDS) as ReviewKind[], (kind) => ({ reviewKind: [kind] }), (a) => a.reviewKind),
    ...oneValueCases('status', Object.keys(APPLICATION_STATUSES) as ApplicationStatus[], (status) => ({ status: [status] }), (a) => a.status),
    ...[2022, 2023, 2024, 2025].map((year): FilterCase => [`year ${year}`, { year }, (a) => a.year === year]),
    ['specialty 机械 or 建筑', { specialty: ['机械', '建筑'] }, (a) => a.specialty === '机械' || a.specialty === '建筑'],
    ['levels SENIOR and UNKNOWN', { level: ['SENIOR', 'UNKNOWN'] }, (a) => a.level === 'SENIOR' || a.level === 'UNKNOWN'],
    ['no filter', {}, () => true],
  ])('%s matches exactly the rows the mapping gives that value', async (_case, filter, keep) => {
    const expected = expectedFor(keep);
    expect(await listAll(filter)).toEqual(expected);
    expect(await source.countApplications(filter)).toBe(expected.length);
  });

  it.each<[string, ApplicationFilter, number]>([
    ['everything, 4 at a time', {}, 4],
    ['year 2024, 3 at a time', { year: 2024 }, 3],
    ['status UNKNOWN, 2 at a time', { status: ['UNKNOWN'] }, 2],
    ['everything, 1 at a time', {}, 1],
  ])('pages through %s with no gaps or repeats', async (_case, filter, first) => {
    const all = await listAll(filter);
    expect(all.length).toBeGreaterThan(first);
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThanOrEqual(all.length);
      const page = await source.listApplications(filter, { first, after });
      expect(page.items.length).toBeLessThanOrEqual(first);
      seen.push(...page.items.map((item) => item.localId));
      if (!page.hasNextPage) break;
      expect(page.items).toHaveLength(first);
      after = page.items[page.items.length - 1]!.localId;
    }
    expect(seen).toEqual(all);
  });

  it('keeps rows with unknown values as UNKNOWN, listed and reported, never dropped', async () => {
    const page = await source.listApplications({}, { first: 100, after: null });
    expect(page.items.map((item) => item.localId)).toEqual(ALL_IDS);
    const nulls = page.items.find((item) => item.localId === 'WLMQ2024-000009')!;
    expect(nulls.dataQuality).toEqual([
      { field: 'year', localValue: null },
      { field: 'series', localValue: null },
      { field: 'level', localValue: null },
      { field: 'reviewKind', localValue: null },
      { field: 'status', localValue: null },
    ]);
    expect(reporter.events.filter((event) => event.localId === 'WLMQ2024-000009')).toHaveLength(5);
  });
});

describe('statistics', () => {
  const byKey = (groups: StatisticsGroup[]) =>
    Object.fromEntries(
      groups.map((group) => [[group.series, group.specialty, group.level, group.reviewKind, group.status].join('|'), group.count]),
    );

  /** The same groups counted from the mapped fixtures. */
  function expectedGroups(year: number | null, key: (application: Application) => string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const application of FIXTURES.map(mapped)) {
      if (year !== null && application.year !== year) continue;
      counts[key(application)] = (counts[key(application)] ?? 0) + 1;
    }
    return counts;
  }

  it('adds together local groups that map to the same shared value', async () => {
    const groups = await source.statistics(2024, ['STATUS']);
    const counts = byKey(groups);
    // 其他状态, 待评委会审核 and NULL are three local groups and one UNKNOWN.
    expect(counts['||||UNKNOWN']).toBe(3);
    expect(groups.filter((group) => group.status === 'UNKNOWN')).toHaveLength(1);
    expect(counts).toEqual(expectedGroups(2024, (a) => `||||${a.status}`));
    expect(groups.reduce((sum, group) => sum + group.count, 0)).toBe(await source.countApplications({ year: 2024 }));
  });

  it('groups by several dimensions, ignoring REGION', async () => {
    const groups = await source.statistics(2024, ['REGION', 'LEVEL', 'REVIEW_KIND']);
    const counts = byKey(groups);
    // 高级工程师, 高级会计师 and 高级统计师 by 评审 in 2024: three local groups, one shared group.
    expect(counts['||ASSOCIATE_SENIOR|REVIEW|']).toBe(3);
    expect(counts).toEqual(expectedGroups(2024, (a) => `||${a.level}|${a.reviewKind}|`));
    const bySeriesAndLevel = byKey(await source.statistics(2024, ['SERIES', 'LEVEL']));
    expect(bySeriesAndLevel).toEqual(expectedGroups(2024, (a) => `${a.series}||${a.level}||`));
  });

  it('counts every year, unreadable ones included, when no year is given', async () => {
    expect(await source.statistics(null, [])).toEqual([
      { series: null, specialty: null, level: null, reviewKind: null, status: null, count: FIXTURES.length },
    ]);
    const counts = byKey(await source.statistics(null, ['SPECIALTY', 'REVIEW_KIND']));
    expect(counts).toEqual(expectedGroups(null, (a) => `|${a.specialty ?? ''}||${a.reviewKind}|`));
  });

  it('has a total of 0 and no groups for a year without declarations', async () => {
    expect(await source.statistics(1999, [])).toEqual([
      { series: null, specialty: null, level: null, reviewKind: null, status: null, count: 0 },
    ]);
    expect(await source.statistics(1999, ['STATUS'])).toEqual([]);
  });
});

describe('parseReviewYear agrees with gateway.wlmq_review_year', () => {
  // Every character either side counts as a space, placed before, inside and after the year.
  const spaces = [
    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x180e,
    ...Array.from({ length: 11 }, (_, i) => 0x2000 + i),
    0x200b, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
  ].map((code) => String.fromCodePoint(code));
  const inputs = [
    '2024年度', '2024年', '2024', ' 2024 年度 ', '2024年度年度', '2024 年 度', '２０２４年度', '24年度', '20245',
    '2024年度（下半年）', '年度', '', '0000', '9999年', '2024\n', '\n2024', '2024年度\n\n', 'a2024', '2024度',
    ...spaces.flatMap((space) => [`${space}2024年度`, `2024${space}年度`, `2024年度${space}`]),
  ];

  it('on every input of the table', async () => {
    const { rows } = await db.sql.query<{ input: string; year: number | null }>(
      'SELECT input, gateway.wlmq_review_year(input) AS year FROM unnest($1::text[]) AS input',
      [inputs],
    );
    expect(rows).toHaveLength(inputs.length);
    const disagreements = rows.filter((row) => parseReviewYear(row.input) !== row.year);
    expect(disagreements).toEqual([]);
    // The table is worth something only if both answers occur.
    expect(rows.some((row) => row.year === null)).toBe(true);
    expect(rows.some((row) => row.year === 2024)).toBe(true);
  });

  it('on NULL', async () => {
    const { rows } = await db.sql.query<{ year: number | null }>('SELECT gateway.wlmq_review_year(NULL) AS year');
    expect(rows[0]!.year).toBeNull();
    expect(parseReviewYear(null)).toBeNull();
  });
});

describe('ping', () => {
  it('resolves while the database answers', async () => {
    await expect(source.ping()).resolves.toBeUndefined();
  });
});
