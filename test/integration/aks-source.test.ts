import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApplicationStatus, ReviewKind, TitleLevel, TitleSeries } from '../../domain/codes.js';
import { checkCharacter } from '../../domain/idNumber.js';
import { PrismaClient } from '../../generated/prisma/aks/client.js';
import { createAksSource } from '../../subgraphs/aks/source.js';
import { collectingReporter } from '../helpers/dataQuality.js';
import type { ApplicationFilter, RegionalSource, StatisticsGroup } from '../../subgraphs/template/source.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

// ---------------------------------------------------------------------------------------------
// People, with ID numbers in the forms the aks portal holds.

/** An 18-character number whose check character is `wanted`, from a 14-digit prefix. */
function numberEndingIn(prefix14: string, wanted: string): string {
  for (let sequence = 0; sequence < 1000; sequence++) {
    const body = prefix14 + String(sequence).padStart(3, '0');
    if (checkCharacter(body) === wanted) return body + wanted;
  }
  throw new Error('no sequence gives that check character');
}

/** The old 15-digit form of an 18-character number born in the 1900s. */
const fifteenDigitForm = (normalised: string): string => normalised.slice(0, 6) + normalised.slice(8, 17);

const ALI = numberEndingIn('65290119850315', 'X');
const BAHA = numberEndingIn('65290119900704', '7');
const CHEN = numberEndingIn('65290119760101', '3');
const NOBODY = numberEndingIn('65010119990909', '1');

const PEOPLE = [
  // Ali twice: an 18-character row with a lowercase x and the row migrated from the old system.
  { id: 1, idCard: ALI.toLowerCase(), name: '阿里', gender: 1, ethnic: '05', political: '01', kind: 2 },
  { id: 2, idCard: fifteenDigitForm(ALI), name: '阿里', gender: 1, ethnic: '05', political: '01', kind: 2 },
  { id: 3, idCard: BAHA, name: '巴哈', gender: 2, ethnic: '17', political: '13', kind: 3 },
  { id: 4, idCard: fifteenDigitForm(CHEN), name: '陈', gender: 1, ethnic: '01', political: '03', kind: 1 },
  // Codes no table knows.
  { id: 5, idCard: numberEndingIn('65290119881111', '5'), name: '某', gender: 7, ethnic: '99', political: '20', kind: 6 },
  // Nothing but the person: no applications, titles, assessments or records.
  { id: 6, idCard: numberEndingIn('65290119950505', '8'), name: '无', gender: 2, ethnic: '03', political: '13', kind: 9 },
  // Ali's body with a wrong check character: not a valid number, so nobody's.
  { id: 7, idCard: ALI.slice(0, 17) + (ALI.endsWith('0') ? '1' : '0'), name: '错', gender: 1, ethnic: '01', political: '13', kind: 1 },
] as const;

const BATCH_YEAR: Record<string, number> = { 'AKS-2023-GC': 2023, 'AKS-2024-JXDZ-HG': 2024, 'AKS-2024-MYZX': 2024 };
const BATCHES = Object.keys(BATCH_YEAR);

// ---------------------------------------------------------------------------------------------
// Applications: every local value, known or not, in rotation. The test's own expectation of what
// each local value means, written out apart from the mapping under test.

const SERIES: [string | null, TitleSeries][] = [
  ['ENG', 'ENGINEERING'], ['ECO', 'ECONOMICS'], ['ACC', 'ACCOUNTING'], ['AUD', 'AUDITING'], ['STA', 'STATISTICS'],
  ['MED', 'UNKNOWN'], [null, 'UNKNOWN'], ['ENG', 'ENGINEERING'],
];
const SPECIALTIES = ['机械电子', '化工（含制药）', '会计', null];
const LEVELS: [number | null, TitleLevel][] = [
  [411, 'SENIOR'], [412, 'ASSOCIATE_SENIOR'], [420, 'INTERMEDIATE'], [430, 'JUNIOR'], [434, 'ASSISTANT'],
  [435, 'TECHNICIAN'], [499, 'UNRATED'], [999, 'UNKNOWN'], [null, 'UNKNOWN'],
];
const TRACKS: [string | null, ReviewKind][] = [
  ['general', 'REVIEW'], ['private_special', 'PRIVATE_ENTERPRISE_REVIEW'], ['special', 'UNKNOWN'], [null, 'UNKNOWN'],
  ['general', 'REVIEW'],
];
const STATES: [string | null, ApplicationStatus][] = [
  ['draft', 'DRAFT'], ['submitted', 'AWAITING_UNIT_AUDIT'], ['unit_returned', 'RETURNED_BY_UNIT'],
  ['committee_audit', 'AWAITING_COMMITTEE_AUDIT'], ['committee_returned', 'RETURNED_BY_COMMITTEE'],
  ['accepted', 'ACCEPTED'], ['paid', 'PAID'], ['passed', 'PASSED'], ['failed', 'FAILED'], ['withdrawn', 'WITHDRAWN'],
  ['abandoned', 'ABANDONED'], ['rejected', 'REJECTED'], ['archived', 'UNKNOWN'], [null, 'UNKNOWN'],
];
const APPLICANTS_WITH_APPLICATIONS = [1, 2, 3, 4, 5];

interface Fixture {
  id: number;
  applicantId: number;
  batchCode: string;
  year: number;
  seriesCode: string | null;
  series: TitleSeries;
  specialty: string | null;
  levelCode: number | null;
  level: TitleLevel;
  track: string | null;
  reviewKind: ReviewKind;
  state: string | null;
  status: ApplicationStatus;
}

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

// Keys with gaps, so that paging cannot rely on consecutive numbers.
const APPLICATIONS: Fixture[] = Array.from({ length: 37 }, (_, i) => {
  const batchCode = pick(BATCHES, i);
  const [seriesCode, series] = pick(SERIES, i);
  const [levelCode, level] = pick(LEVELS, i);
  const [track, reviewKind] = pick(TRACKS, i);
  const [state, status] = pick(STATES, i);
  return {
    id: 100 + i * 7,
    applicantId: pick(APPLICANTS_WITH_APPLICATIONS, i),
    batchCode,
    year: BATCH_YEAR[batchCode]!,
    seriesCode,
    series,
    specialty: pick(SPECIALTIES, i),
    levelCode,
    level,
    track,
    reviewKind,
    state,
    status,
  };
});

async function seed(db: TestDatabase): Promise<void> {
  for (const p of PEOPLE) {
    await db.sql.query(
      `INSERT INTO applicant (id, id_card, full_name, gender_code, ethnic_code, political_code, employer, employer_kind,
                              civil_servant, retired, sanction_until, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, '阿克苏某企业', $7, false, false, $8, '2024-07-20T02:00:00Z')`,
      [p.id, p.idCard, p.name, p.gender, p.ethnic, p.political, p.kind, p.id === 3 ? '2025-06-30' : null],
    );
  }
  for (const [code, year] of Object.entries(BATCH_YEAR)) {
    await db.sql.query('INSERT INTO batch (code, title, year) VALUES ($1, $2, $3)', [code, `${year} 职称评审`, year]);
  }
  for (const a of APPLICATIONS) {
    await db.sql.query(
      `INSERT INTO apply_record (id, applicant_id, batch_code, series_code, specialty, level_code, track, state,
                                 submit_count, submitted_at, fee_cents, defense_required)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, '2024-08-30T10:00:00Z', 40000, true)`,
      [a.id, a.applicantId, a.batchCode, a.seriesCode, a.specialty, a.levelCode, a.track, a.state],
    );
  }
  await db.sql.exec(`
    INSERT INTO title_held (id, applicant_id, title_name, series_code, level_code, obtained_on, route, in_xinjiang, doc_no) VALUES
      (11, 1, '助理工程师', 'ENG', 434, '2016-12-01', 'review', true, '阿地职改〔2016〕3号'),
      (12, 1, '工程师', 'ENG', 420, '2020-12-01', 'skill_bridge', false, NULL),
      (13, 3, '会计师', 'ACC', 420, '2019-05-20', 'exam', true, NULL),
      (14, 5, '某师', 'XYZ', 777, NULL, 'bought', NULL, NULL);
    INSERT INTO assessment (applicant_id, year, result) VALUES
      (1, 2023, 2), (1, 2022, 1), (3, 2023, 3), (5, 2023, 8);
    INSERT INTO blacklist (id, applicant_id, reason, listed_on, ban_years) VALUES
      (21, 4, '申报材料弄虚作假', '2024-07-15', 5),
      (22, 4, '平台黑名单', '2022-01-10', NULL);
  `);
}

// ---------------------------------------------------------------------------------------------

let db: TestDatabase;
let prisma: PrismaClient<'query'>;
let statements = 0;
const report = collectingReporter();
let source: RegionalSource;

beforeAll(async () => {
  db = await createTestDatabase('aks');
  await seed(db);
  prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: db.url, max: 2 }),
    log: [{ emit: 'event', level: 'query' }],
  });
  prisma.$on('query', () => {
    statements += 1;
  });
  source = createAksSource(prisma, report);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

beforeEach(() => {
  report.events.length = 0;
});

/** How many SQL statements `work` issues. */
async function statementsOf(work: () => Promise<unknown>): Promise<number> {
  const before = statements;
  await work();
  return statements - before;
}

const localIdsOf = (map: Map<string, { localId: string }[]>, key: string): string[] =>
  (map.get(key) ?? []).map((person) => person.localId);

describe('findPeople', () => {
  it('finds a person by the normalised number, whatever form the portal stored', async () => {
    const people = await source.findPeople([ALI, BAHA, CHEN, NOBODY]);
    expect([...people.keys()]).toEqual([ALI, BAHA, CHEN, NOBODY]);
    // Row 1 holds a lowercase x, row 2 the 15-digit form; row 7 (wrong check character) is nobody's.
    expect(localIdsOf(people, ALI)).toEqual(['1', '2']);
    expect(localIdsOf(people, BAHA)).toEqual(['3']);
    expect(localIdsOf(people, CHEN)).toEqual(['4']);
    expect(people.get(NOBODY)).toEqual([]);
  });

  it('reads the profile columns with their types', async () => {
    const people = await source.findPeople([BAHA]);
    expect(people.get(BAHA)).toEqual([
      {
        localId: '3',
        updatedAt: '2024-07-20T10:00:00+08:00',
        profile: {
          name: '巴哈',
          gender: 'FEMALE',
          ethnicityCode: '17',
          ethnicity: '哈萨克族',
          politicalStatusCode: '13',
          politicalStatus: '群众',
          employer: '阿克苏某企业',
          employerKind: 'PUBLIC_INSTITUTION',
          location: null,
          civilServant: false,
          retired: false,
          sanctionUntil: '2025-06-30',
          dataQuality: [],
        },
      },
    ]);
  });

  it('keeps a person with unknown codes, reporting each code and never the number', async () => {
    const unknown = PEOPLE[4].idCard;
    const [person] = (await source.findPeople([unknown])).get(unknown) ?? [];
    expect(person?.profile).toMatchObject({ gender: 'UNKNOWN', ethnicityCode: null, politicalStatusCode: null, employerKind: 'UNKNOWN' });
    expect(person?.profile.dataQuality).toHaveLength(4);
    expect(report.events.map((event) => [event.table, event.localId, event.field, event.localValue])).toEqual([
      ['applicant', '5', 'ethnicity', '99'],
      ['applicant', '5', 'politicalStatus', '20'],
      ['applicant', '5', 'gender', '7'],
      ['applicant', '5', 'employerKind', '6'],
    ]);
    expect(JSON.stringify(report.events)).not.toContain(unknown.slice(6, 14));
  });

  it('issues one statement for 1 number and for 20', async () => {
    const twenty = [ALI, BAHA, CHEN, ...Array.from({ length: 17 }, (_, i) => numberEndingIn(`650101200001${String(i).padStart(2, '0')}`, '1'))];
    expect(await statementsOf(() => source.findPeople([ALI]))).toBe(1);
    expect(await statementsOf(() => source.findPeople(twenty))).toBe(1);
  });
});

describe('batch methods', () => {
  const ONE = ['1'];
  const TWENTY = ['1', '2', '3', '4', '5', '6', ...Array.from({ length: 14 }, (_, i) => String(1000 + i))];

  it.each([
    ['qualificationsOf', (keys: string[]) => source.qualificationsOf(keys)],
    ['integrityRecordsOf', (keys: string[]) => source.integrityRecordsOf(keys)],
    ['assessmentsOf', (keys: string[]) => source.assessmentsOf(keys)],
  ] as const)('%s gives every key an entry and issues as many statements for 20 keys as for 1', async (_, load) => {
    const forOne = await statementsOf(() => load(ONE));
    let result = new Map<string, unknown[]>();
    const forTwenty = await statementsOf(async () => {
      result = await load([...TWENTY, 'not-a-key', '007']);
    });
    expect(forOne).toBeGreaterThan(0);
    expect(forTwenty).toBe(forOne);
    expect([...result.keys()]).toEqual([...TWENTY, 'not-a-key', '007']);
    expect(result.get('6')).toEqual([]);
    expect(result.get('not-a-key')).toEqual([]);
    expect(result.get('007')).toEqual([]);
  });

  it('applicationsByIdNumber gives each person their applications of every year, with the batch year', async () => {
    const IDLE = PEOPLE[5].idCard;
    const byPerson = await source.applicationsByIdNumber([ALI, BAHA, IDLE]);
    // Ali is applicants 1 and 2 (the migrated 15-digit row), in applicant order.
    for (const [idNumber, applicantIds] of [[ALI, [1, 2]], [BAHA, [3]]] as const) {
      const expected = applicantIds.flatMap((applicantId) => APPLICATIONS.filter((a) => a.applicantId === applicantId));
      const got = byPerson.get(idNumber) ?? [];
      expect(got.map((a) => a.localId)).toEqual(expected.map((a) => String(a.id)));
      expect(got.map((a) => a.year)).toEqual(expected.map((a) => a.year));
      expect(got.map((a) => a.series)).toEqual(expected.map((a) => a.series));
    }
    expect(new Set(byPerson.get(ALI)?.map((a) => a.year))).toEqual(new Set([2023, 2024]));
    expect(byPerson.get(IDLE)).toEqual([]);
    const first = byPerson.get(ALI)?.[0];
    expect(first).toMatchObject({
      id: 'aks:100',
      region: 'aks',
      batchCode: 'AKS-2023-GC',
      year: 2023,
      submittedAt: '2024-08-30T18:00:00+08:00',
      feePaidFen: 40000,
      submissionCount: 1,
      defence: 'REQUIRED',
    });
  });

  it('qualificationsOf maps the titles, keeping unknown codes', async () => {
    const byApplicant = await source.qualificationsOf(['1', '5']);
    expect(byApplicant.get('1')?.map((q) => [q.name, q.level, q.route, q.obtainedOn, q.obtainedInXinjiang])).toEqual([
      ['助理工程师', 'ASSISTANT', 'REVIEW', '2016-12-01', true],
      ['工程师', 'INTERMEDIATE', 'SKILL_BRIDGE', '2020-12-01', false],
    ]);
    expect(byApplicant.get('5')).toEqual([
      expect.objectContaining({
        series: 'UNKNOWN',
        level: 'UNKNOWN',
        route: 'UNKNOWN',
        dataQuality: [
          { field: 'series', localValue: 'XYZ' },
          { field: 'level', localValue: '777' },
          { field: 'route', localValue: 'bought' },
        ],
      }),
    ]);
    expect(report.events.map((event) => event.localId)).toEqual(['14', '14', '14']);
  });

  it('integrityRecordsOf gives the last barred day, or open-ended without ban_years', async () => {
    const byApplicant = await source.integrityRecordsOf(['4']);
    expect(byApplicant.get('4')).toEqual([
      { region: 'aks', reason: '申报材料弄虚作假', decidedOn: '2024-07-15', barredUntil: '2029-07-14', openEnded: false, banYears: 5 },
      { region: 'aks', reason: '平台黑名单', decidedOn: '2022-01-10', barredUntil: null, openEnded: true, banYears: null },
    ]);
  });

  it('assessmentsOf reads the keyless table, keeping an unknown result', async () => {
    const byApplicant = await source.assessmentsOf(['1', '5']);
    expect(byApplicant.get('1')?.map((a) => [a.year, a.result])).toEqual([
      [2022, 'EXCELLENT'],
      [2023, 'PASS'],
    ]);
    expect(byApplicant.get('5')).toEqual([
      { region: 'aks', year: 2023, result: 'UNKNOWN', dataQuality: [{ field: 'result', localValue: '8' }] },
    ]);
    expect(report.events).toEqual([
      { region: 'aks', table: 'assessment', localId: '5:2023', field: 'result', localValue: '8' },
    ]);
  });
});

describe('listApplications and countApplications', () => {
  const cases: [string, ApplicationFilter, (a: Fixture) => boolean][] = [
    ['no filter', {}, () => true],
    ['year 2024', { year: 2024 }, (a) => a.year === 2024],
    ['year 2023', { year: 2023 }, (a) => a.year === 2023],
    ['a year with no batch', { year: 2019 }, () => false],
    ['series ENGINEERING', { series: ['ENGINEERING'] }, (a) => a.seriesCode === 'ENG'],
    ['series UNKNOWN (MED and NULL)', { series: ['UNKNOWN'] }, (a) => a.seriesCode === 'MED' || a.seriesCode === null],
    ['series ACCOUNTING or UNKNOWN', { series: ['ACCOUNTING', 'UNKNOWN'] }, (a) => a.series === 'ACCOUNTING' || a.series === 'UNKNOWN'],
    ['series HEALTH (no local code)', { series: ['HEALTH'] }, () => false],
    ['specialty', { specialty: ['机械电子', '会计'] }, (a) => a.specialty === '机械电子' || a.specialty === '会计'],
    ['level INTERMEDIATE or UNRATED', { level: ['INTERMEDIATE', 'UNRATED'] }, (a) => a.levelCode === 420 || a.levelCode === 499],
    ['level UNKNOWN (999 and NULL)', { level: ['UNKNOWN'] }, (a) => a.levelCode === 999 || a.levelCode === null],
    ['review kind PRIVATE_ENTERPRISE_REVIEW', { reviewKind: ['PRIVATE_ENTERPRISE_REVIEW'] }, (a) => a.track === 'private_special'],
    ['review kind UNKNOWN', { reviewKind: ['UNKNOWN'] }, (a) => a.track === 'special' || a.track === null],
    ['status PAID or PASSED', { status: ['PAID', 'PASSED'] }, (a) => a.state === 'paid' || a.state === 'passed'],
    ['status UNKNOWN', { status: ['UNKNOWN'] }, (a) => a.state === 'archived' || a.state === null],
    [
      'year 2024, series ENGINEERING, review kind REVIEW',
      { year: 2024, series: ['ENGINEERING'], reviewKind: ['REVIEW'] },
      (a) => a.year === 2024 && a.series === 'ENGINEERING' && a.reviewKind === 'REVIEW',
    ],
  ];

  it.each(cases)('%s: pages of 4 cover every match once, in key order, and the count agrees', async (_, filter, matches) => {
    const expected = APPLICATIONS.filter(matches).map((a) => String(a.id));
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const page = await source.listApplications(filter, { first: 4, after });
      seen.push(...page.items.map((a) => a.localId));
      if (page.items.length > 0) after = page.items.at(-1)!.localId;
      if (!page.hasNextPage) break;
      expect(page.items).toHaveLength(4);
    }
    expect(seen).toEqual(expected);
    expect(await source.countApplications(filter)).toBe(expected.length);
  });

  it('keeps rows with unknown values as UNKNOWN, with their issues, and reports them', async () => {
    const page = await source.listApplications({}, { first: 100, after: null });
    expect(page.items).toHaveLength(APPLICATIONS.length);
    expect(page.hasNextPage).toBe(false);
    for (const [i, fixture] of APPLICATIONS.entries()) {
      const application = page.items[i]!;
      expect([application.series, application.level, application.reviewKind, application.status]).toEqual([
        fixture.series,
        fixture.level,
        fixture.reviewKind,
        fixture.status,
      ]);
      expect(application.year).toBe(fixture.year);
    }
    const unknownLevels = APPLICATIONS.filter((a) => a.level === 'UNKNOWN').length;
    expect(report.events.filter((event) => event.field === 'level')).toHaveLength(unknownLevels);
  });

  it('issues the same statements for a page of 1 as for a page of 30', async () => {
    const one = await statementsOf(() => source.listApplications({ year: 2024 }, { first: 1, after: null }));
    const thirty = await statementsOf(() => source.listApplications({ year: 2024 }, { first: 30, after: null }));
    expect(thirty).toBe(one);
  });

  it('refuses a cursor that names no application key', async () => {
    await expect(source.listApplications({}, { first: 4, after: 'abc' })).rejects.toMatchObject({ extensions: { code: 'INVALID_CURSOR' } });
  });
});

describe('statistics', () => {
  /** The expected groups, counted here from the fixtures. */
  function expectedGroups(year: number | null, key: (a: Fixture) => Omit<StatisticsGroup, 'count'>): StatisticsGroup[] {
    const counts = new Map<string, StatisticsGroup>();
    for (const a of APPLICATIONS.filter((a) => year === null || a.year === year)) {
      const group = key(a);
      const id = JSON.stringify(group);
      const existing = counts.get(id);
      if (existing) existing.count += 1;
      else counts.set(id, { ...group, count: 1 });
    }
    return [...counts.values()];
  }

  const none = { series: null, specialty: null, level: null, reviewKind: null, status: null };
  const sortGroups = (groups: StatisticsGroup[]): StatisticsGroup[] =>
    [...groups].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  it('merges MED and NULL series into one UNKNOWN group', async () => {
    const groups = await source.statistics(null, ['SERIES']);
    expect(sortGroups(groups)).toEqual(sortGroups(expectedGroups(null, (a) => ({ ...none, series: a.series }))));
    const unknown = groups.filter((g) => g.series === 'UNKNOWN');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]?.count).toBe(APPLICATIONS.filter((a) => a.seriesCode === 'MED' || a.seriesCode === null).length);
  });

  it('groups a year by level and status, through the batch year', async () => {
    const groups = await source.statistics(2024, ['REGION', 'LEVEL', 'STATUS']);
    expect(sortGroups(groups)).toEqual(
      sortGroups(expectedGroups(2024, (a) => ({ ...none, level: a.level, status: a.status }))),
    );
    expect(groups.reduce((sum, g) => sum + g.count, 0)).toBe(APPLICATIONS.filter((a) => a.year === 2024).length);
  });

  it('groups by review kind and specialty, merging general rows and unknown tracks', async () => {
    const groups = await source.statistics(2023, ['REVIEW_KIND', 'SPECIALTY']);
    expect(sortGroups(groups)).toEqual(
      sortGroups(expectedGroups(2023, (a) => ({ ...none, reviewKind: a.reviewKind, specialty: a.specialty }))),
    );
  });

  it('gives one total without dimensions (REGION is constant within the region)', async () => {
    expect(await source.statistics(null, [])).toEqual([{ ...none, count: APPLICATIONS.length }]);
    expect(await source.statistics(2023, ['REGION'])).toEqual([
      { ...none, count: APPLICATIONS.filter((a) => a.year === 2023).length },
    ]);
  });

  it('answers an unknown year with no groups', async () => {
    expect(await source.statistics(2019, ['SERIES'])).toEqual([]);
  });
});

describe('ping', () => {
  it('resolves while the database answers', async () => {
    await expect(source.ping()).resolves.toBeUndefined();
  });
});
