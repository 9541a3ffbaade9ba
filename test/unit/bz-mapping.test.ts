import { describe, expect, it } from 'vitest';
import {
  APPLICATION_STATUSES,
  REVIEW_KINDS,
  TITLE_LEVELS,
  TITLE_SERIES,
  type ApplicationStatus,
  type AssessmentResult,
  type DefenceStatus,
  type EmployerKind,
  type Gender,
  type QualificationRoute,
  type ReviewKind,
  type TitleLevel,
  type TitleSeries,
} from '../../domain/codes.js';
import {
  Prisma,
  type Application as ApplicationRow,
  type IntegrityRecord as IntegrityRecordRow,
  type Qualification as QualificationRow,
} from '../../generated/prisma/bz/client.js';
import {
  mapApplication,
  mapAssessment,
  mapIntegrityRecord,
  mapProfile,
  mapQualification,
  type ProfileRow,
  CODES,
} from '../../subgraphs/bz/mapping.js';
import { collectingReporter } from '../helpers/dataQuality.js';
import { lookupShared, reverseLookup } from '../../subgraphs/template/lookups.js';

// The kit's code-table look-ups over bz's tables, both ways.
const seriesFromLocal = (xl: string | null) => lookupShared(CODES.series, xl);
const levelFromLocal = (sbjb: string | null) => lookupShared(CODES.level, sbjb);
const reviewKindFromLocal = (pslb: string | null) => lookupShared(CODES.reviewKind, pslb);
const statusFromLocal = (zt: number | null) => lookupShared(CODES.status, zt);
const localSeriesValues = (series: readonly TitleSeries[]) => reverseLookup(CODES.series, series);
const localLevelValues = (levels: readonly TitleLevel[]) => reverseLookup(CODES.level, levels);
const localReviewKindValues = (kinds: readonly ReviewKind[]) => reverseLookup(CODES.reviewKind, kinds);
const localStatusValues = (statuses: readonly ApplicationStatus[]) => reverseLookup(CODES.status, statuses);

function applicationRow(overrides: Partial<ApplicationRow> = {}): ApplicationRow {
  return {
    id: 1042n,
    personId: 7n,
    batchCode: 'BZ2024STHJ',
    year: 2024,
    series: '工程',
    specialty: '生态环境',
    level: '中级',
    reviewKind: '评审',
    status: 3,
    submissionCount: 1,
    lastSubmittedAt: new Date(Date.UTC(2024, 8, 8, 17, 30, 5)),
    defenceStatus: '待答辩',
    feePaid: new Prisma.Decimal('380.00'),
    ...overrides,
  };
}

function qualificationRow(overrides: Partial<QualificationRow> = {}): QualificationRow {
  return {
    id: 55n,
    personId: 7n,
    name: '工程师',
    series: '工程',
    specialty: '建筑',
    level: '中级',
    obtainedOn: new Date(Date.UTC(2019, 11, 20)),
    route: '评审',
    approvalDoc: '巴职改字〔2019〕12号',
    certificateNo: 'BZ2019-0001',
    obtainedWhere: '疆内',
    ...overrides,
  };
}

function profileRow(overrides: Partial<ProfileRow> = {}): ProfileRow {
  return {
    id: 7n,
    name: '张三',
    gender: '男',
    ethnicity: '汉族',
    politicalStatus: '群众',
    employer: '库尔勒某建筑公司',
    employerKind: '民营企业',
    county: '库尔勒市',
    ...overrides,
  };
}

const NATIONAL_SERIES = (Object.entries(TITLE_SERIES) as Array<[TitleSeries, string]>).filter(
  ([series]) => series !== 'UNKNOWN',
);

describe('bz application (sb_sqs)', () => {
  it('maps a complete row to the shared form', () => {
    const report = collectingReporter();
    expect(mapApplication(applicationRow(), report)).toEqual({
      id: 'bz:1042',
      region: 'bz',
      localId: '1042',
      batchCode: 'BZ2024STHJ',
      year: 2024,
      series: 'ENGINEERING',
      specialty: '生态环境',
      level: 'INTERMEDIATE',
      reviewKind: 'REVIEW',
      status: 'AWAITING_COMMITTEE_AUDIT',
      submissionCount: 1,
      // zhtjsj is the portal's Beijing wall clock: kept as is, with the +08:00 offset.
      submittedAt: '2024-09-08T17:30:05+08:00',
      returnCount: null,
      defence: 'PENDING',
      feePaidFen: 38000,
      countsTowardAnnualLimit: true,
      dataQuality: [],
    });
    expect(report.events).toEqual([]);
  });

  it.each<[string, TitleSeries]>([
    ['工程', 'ENGINEERING'],
    ['经济', 'ECONOMICS'],
    ['会计', 'ACCOUNTING'],
    ['审计', 'AUDITING'],
    ['统计', 'STATISTICS'],
    ['工程系列', 'ENGINEERING'],
    ['会计系列', 'ACCOUNTING'],
    ...NATIONAL_SERIES.map(([series, label]): [string, TitleSeries] => [label, series]),
    ...NATIONAL_SERIES.map(([series, label]): [string, TitleSeries] => [`${label}系列`, series]),
  ])('series xl %s → %s', (xl, series) => {
    const report = collectingReporter();
    const application = mapApplication(applicationRow({ series: xl }), report);
    expect(application.series).toBe(series);
    expect(application.dataQuality).toEqual([]);
    expect(report.events).toEqual([]);
  });

  it.each<[string, TitleLevel]>([
    ['员级', 'TECHNICIAN'],
    ['助理级', 'ASSISTANT'],
    ['初级', 'JUNIOR'],
    ['中级', 'INTERMEDIATE'],
    ['副高级', 'ASSOCIATE_SENIOR'],
    ['正高级', 'SENIOR'],
  ])('level sbjb %s → %s', (sbjb, level) => {
    const report = collectingReporter();
    expect(mapApplication(applicationRow({ level: sbjb }), report).level).toBe(level);
    expect(report.events).toEqual([]);
  });

  // Only a 评审 counts toward the one-review-a-year limit (domain/countingPolicy.ts).
  it.each<[string, ReviewKind, boolean]>([
    ['评审', 'REVIEW', true],
    ['民营专项', 'PRIVATE_ENTERPRISE_REVIEW', true],
    ['初定', 'INITIAL_DETERMINATION', false],
    ['授予', 'CONFERRAL', false],
  ])('review kind pslb %s → %s (counts: %s)', (pslb, kind, counts) => {
    const report = collectingReporter();
    const application = mapApplication(applicationRow({ reviewKind: pslb, status: 5 }), report);
    expect(application.reviewKind).toBe(kind);
    expect(application.countsTowardAnnualLimit).toBe(counts);
    expect(report.events).toEqual([]);
  });

  it.each<[number, ApplicationStatus, boolean]>([
    [0, 'DRAFT', false],
    [1, 'AWAITING_UNIT_AUDIT', true],
    [2, 'RETURNED_BY_UNIT', true],
    [3, 'AWAITING_COMMITTEE_AUDIT', true],
    [4, 'RETURNED_BY_COMMITTEE', true],
    [5, 'ACCEPTED', true],
    [6, 'PAID', true],
    [7, 'PASSED', true],
    [8, 'FAILED', true],
    [9, 'WITHDRAWN', false],
    [10, 'REJECTED', false],
  ])('status zt %i → %s (a 评审 counts: %s)', (zt, status, counts) => {
    const report = collectingReporter();
    const application = mapApplication(applicationRow({ status: zt }), report);
    expect(application.status).toBe(status);
    expect(application.countsTowardAnnualLimit).toBe(counts);
    expect(report.events).toEqual([]);
  });

  it.each<[string | null, DefenceStatus | null]>([
    ['免答辩', 'EXEMPT'],
    ['待答辩', 'PENDING'],
    ['已答辩', 'DONE'],
    // Not decided yet (drafts, audits in progress): null, not a data gap.
    [null, null],
  ])('defence dbzt %s → %s', (dbzt, defence) => {
    const report = collectingReporter();
    expect(mapApplication(applicationRow({ defenceStatus: dbzt }), report).defence).toBe(defence);
    expect(report.events).toEqual([]);
  });

  it.each<[string | null, number | null]>([
    ['380.00', 38000],
    ['220.00', 22000],
    ['100.5', 10050],
    ['0.01', 1],
    ['0.29', 29],
    ['999999.99', 99999999],
    [null, null],
  ])('fee jfje %s CNY → %s fen', (jfje, fen) => {
    const row = applicationRow({ feePaid: jfje === null ? null : new Prisma.Decimal(jfje) });
    expect(mapApplication(row, collectingReporter()).feePaidFen).toBe(fen);
  });

  it('keeps a NULL submission time, count and batch as null', () => {
    const application = mapApplication(
      applicationRow({ lastSubmittedAt: null, submissionCount: null, batchCode: null, status: 0 }),
      collectingReporter(),
    );
    expect(application).toMatchObject({ submittedAt: null, submissionCount: null, batchCode: null });
  });

  it.each<[keyof ApplicationRow, string, string | number | null]>([
    ['series', 'series', '工程技朮'],
    ['series', 'series', '系列'],
    ['series', 'series', '未知'],
    ['series', 'series', null],
    ['level', 'level', '高级'],
    ['level', 'level', '未定职级'],
    ['level', 'level', null],
    ['reviewKind', 'reviewKind', '考评结合'],
    ['reviewKind', 'reviewKind', null],
    ['status', 'status', 11],
    ['status', 'status', -1],
    ['status', 'status', null],
    ['defenceStatus', 'defence', '需答辩'],
  ])('keeps an unknown %s (%s = %s) as UNKNOWN, listed and reported once', (column, field, value) => {
    const report = collectingReporter();
    const application = mapApplication(applicationRow({ [column]: value }), report);
    expect(application[field as keyof typeof application]).toBe('UNKNOWN');
    const localValue = value === null ? null : String(value);
    expect(application.dataQuality).toEqual([{ field, localValue }]);
    expect(report.events).toEqual([{ region: 'bz', table: 'sb_sqs', localId: '1042', field, localValue }]);
  });

  it('never counts an application whose status is unknown', () => {
    const application = mapApplication(applicationRow({ status: 42 }), collectingReporter());
    expect(application.countsTowardAnnualLimit).toBe(false);
  });

  it('reports every unknown field of one row, each once', () => {
    const report = collectingReporter();
    const application = mapApplication(
      applicationRow({ series: null, level: 'X', reviewKind: null, status: null, defenceStatus: '?' }),
      report,
    );
    expect(application.dataQuality.map((issue) => issue.field)).toEqual([
      'series',
      'level',
      'reviewKind',
      'status',
      'defence',
    ]);
    expect(report.events).toHaveLength(5);
  });
});

describe('bz qualification (ry_rzzg)', () => {
  it('maps a complete row to the shared form', () => {
    const report = collectingReporter();
    expect(mapQualification(qualificationRow(), report)).toEqual({
      region: 'bz',
      name: '工程师',
      series: 'ENGINEERING',
      specialty: '建筑',
      level: 'INTERMEDIATE',
      obtainedOn: '2019-12-20',
      route: 'REVIEW',
      obtainedInXinjiang: true,
      approvalDocument: '巴职改字〔2019〕12号',
      certificateNumber: 'BZ2019-0001',
      issuer: null,
      dataQuality: [],
    });
    expect(report.events).toEqual([]);
  });

  it.each<[string, TitleLevel]>([
    ['员级', 'TECHNICIAN'],
    ['助理级', 'ASSISTANT'],
    ['初级', 'JUNIOR'],
    ['中级', 'INTERMEDIATE'],
    ['副高级', 'ASSOCIATE_SENIOR'],
    ['正高级', 'SENIOR'],
  ])('level jb %s → %s', (jb, level) => {
    expect(mapQualification(qualificationRow({ level: jb }), collectingReporter()).level).toBe(level);
  });

  it.each<[string, TitleSeries]>([
    ['工程', 'ENGINEERING'],
    ['经济系列', 'ECONOMICS'],
    ['卫生技术', 'HEALTH'],
  ])('series xl %s → %s', (xl, series) => {
    expect(mapQualification(qualificationRow({ series: xl }), collectingReporter()).series).toBe(series);
  });

  it.each<[string, QualificationRoute]>([
    ['评审', 'REVIEW'],
    ['初定', 'INITIAL_DETERMINATION'],
    ['授予', 'CONFERRAL'],
    ['考试', 'EXAM'],
    ['认定', 'RECOGNITION'],
  ])('route qdfs %s → %s', (qdfs, route) => {
    const report = collectingReporter();
    expect(mapQualification(qualificationRow({ route: qdfs }), report).route).toBe(route);
    expect(report.events).toEqual([]);
  });

  it.each<[string, boolean]>([
    ['疆内', true],
    ['疆外', false],
  ])('place qddq %s → obtainedInXinjiang %s', (qddq, inXinjiang) => {
    const report = collectingReporter();
    expect(mapQualification(qualificationRow({ obtainedWhere: qddq }), report).obtainedInXinjiang).toBe(inXinjiang);
    expect(report.events).toEqual([]);
  });

  it.each<[keyof QualificationRow, string, string | null, unknown]>([
    ['series', 'series', '工科', 'UNKNOWN'],
    ['series', 'series', null, 'UNKNOWN'],
    ['level', 'level', '高级', 'UNKNOWN'],
    ['level', 'level', null, 'UNKNOWN'],
    ['route', 'route', '技能人才贯通', 'UNKNOWN'],
    ['route', 'route', null, 'UNKNOWN'],
    ['obtainedWhere', 'obtainedInXinjiang', '国外', null],
    ['obtainedWhere', 'obtainedInXinjiang', null, null],
  ])('keeps an unknown %s (%s = %s) as %s, listed and reported once', (column, field, value, expected) => {
    const report = collectingReporter();
    const qualification = mapQualification(qualificationRow({ [column]: value }), report);
    expect(qualification[field as keyof typeof qualification]).toBe(expected);
    expect(qualification.dataQuality).toEqual([{ field, localValue: value }]);
    expect(report.events).toEqual([{ region: 'bz', table: 'ry_rzzg', localId: '55', field, localValue: value }]);
  });

  it('keeps empty free-text columns as null without reporting them', () => {
    const report = collectingReporter();
    const qualification = mapQualification(
      qualificationRow({ name: null, specialty: null, obtainedOn: null, approvalDoc: null, certificateNo: null }),
      report,
    );
    expect(qualification).toMatchObject({
      name: null,
      specialty: null,
      obtainedOn: null,
      approvalDocument: null,
      certificateNumber: null,
    });
    expect(report.events).toEqual([]);
  });
});

describe('bz integrity record (cx_sxjl)', () => {
  const row = (barredUntil: Date | null): IntegrityRecordRow => ({
    id: 3n,
    personId: 7n,
    reason: '提供虚假材料',
    decidedOn: new Date(Date.UTC(2024, 9, 8)),
    barredUntil,
  });

  it('keeps jzrq as the last barred day, inclusive', () => {
    expect(mapIntegrityRecord(row(new Date(Date.UTC(2027, 11, 31))))).toEqual({
      region: 'bz',
      reason: '提供虚假材料',
      decidedOn: '2024-10-08',
      barredUntil: '2027-12-31',
      openEnded: false,
      banYears: null,
    });
  });

  it('treats a NULL jzrq as a bar without end', () => {
    expect(mapIntegrityRecord(row(null))).toMatchObject({ barredUntil: null, openEnded: true });
  });
});

describe('bz annual assessment (ry_ndkh)', () => {
  it.each<[string, AssessmentResult]>([
    ['优秀', 'EXCELLENT'],
    ['合格', 'PASS'],
    ['基本合格', 'BASIC_PASS'],
    ['不合格', 'FAIL'],
  ])('result khjg %s → %s', (khjg, result) => {
    const report = collectingReporter();
    expect(mapAssessment({ ryid: 7n, khnd: 2023, khjg }, report)).toEqual({
      region: 'bz',
      year: 2023,
      result,
      dataQuality: [],
    });
    expect(report.events).toEqual([]);
  });

  it.each<[string | null]>([['良好'], ['称职'], [null]])('keeps result %s as UNKNOWN, listed and reported', (khjg) => {
    const report = collectingReporter();
    const assessment = mapAssessment({ ryid: 7n, khnd: 2022, khjg }, report);
    expect(assessment.result).toBe('UNKNOWN');
    expect(assessment.dataQuality).toEqual([{ field: 'result', localValue: khjg }]);
    // The table has no key: the event names the row by person and year.
    expect(report.events).toEqual([{ region: 'bz', table: 'ry_ndkh', localId: '7/2022', field: 'result', localValue: khjg }]);
  });
});

describe('bz profile (ry_jbxx)', () => {
  it('maps a complete row, with no civil-servant, retirement or sanction data', () => {
    const report = collectingReporter();
    expect(mapProfile(profileRow(), report)).toEqual({
      name: '张三',
      gender: 'MALE',
      ethnicityCode: '01',
      ethnicity: '汉族',
      politicalStatusCode: '13',
      politicalStatus: '群众',
      employer: '库尔勒某建筑公司',
      employerKind: 'PRIVATE_ENTERPRISE',
      location: '库尔勒市',
      civilServant: null,
      retired: null,
      sanctionUntil: null,
      dataQuality: [],
    });
    expect(report.events).toEqual([]);
  });

  it.each<[string, Gender]>([
    ['男', 'MALE'],
    ['女', 'FEMALE'],
  ])('gender xb %s → %s', (xb, gender) => {
    expect(mapProfile(profileRow({ gender: xb }), collectingReporter()).gender).toBe(gender);
  });

  it.each<[string, string]>([
    ['汉族', '01'],
    ['蒙古族', '02'],
    ['回族', '03'],
    ['维吾尔族', '05'],
    ['哈萨克族', '17'],
    ['柯尔克孜族', '29'],
  ])('ethnicity mz %s → GB/T 3304 %s', (mz, code) => {
    const report = collectingReporter();
    expect(mapProfile(profileRow({ ethnicity: mz }), report)).toMatchObject({ ethnicityCode: code, ethnicity: mz });
    expect(report.events).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['中共党员', '01', '中共党员'],
    ['中共预备党员', '02', '中共预备党员'],
    ['共青团员', '03', '共青团员'],
    ['九三学社', '10', '九三学社社员'],
    ['群众', '13', '群众'],
  ])('political status zzmm %s → GB/T 4762 %s', (zzmm, code, label) => {
    const report = collectingReporter();
    expect(mapProfile(profileRow({ politicalStatus: zzmm }), report)).toMatchObject({
      politicalStatusCode: code,
      politicalStatus: label,
    });
    expect(report.events).toEqual([]);
  });

  it.each<[string, EmployerKind]>([
    ['民营企业', 'PRIVATE_ENTERPRISE'],
    ['国有企业', 'STATE_OWNED_ENTERPRISE'],
    ['事业单位', 'PUBLIC_INSTITUTION'],
    ['机关', 'GOVERNMENT_ORGAN'],
    ['其他', 'OTHER'],
  ])('employer kind dwxz %s → %s', (dwxz, kind) => {
    const report = collectingReporter();
    expect(mapProfile(profileRow({ employerKind: dwxz }), report).employerKind).toBe(kind);
    expect(report.events).toEqual([]);
  });

  it.each([['库尔勒市'], ['轮台县'], ['尉犁县'], ['若羌县'], ['且末县'], ['焉耆县'], ['和静县'], ['和硕县'], ['博湖县']])(
    'county szxs %s is the location, as typed',
    (szxs) => {
      expect(mapProfile(profileRow({ county: szxs }), collectingReporter()).location).toBe(szxs);
    },
  );

  it.each<[keyof ProfileRow, string, string | null, Record<string, unknown>]>([
    ['gender', 'gender', '未知', { gender: 'UNKNOWN' }],
    ['gender', 'gender', null, { gender: 'UNKNOWN' }],
    ['ethnicity', 'ethnicity', '穿青人', { ethnicityCode: null, ethnicity: null }],
    ['ethnicity', 'ethnicity', null, { ethnicityCode: null, ethnicity: null }],
    ['politicalStatus', 'politicalStatus', '党外人士', { politicalStatusCode: null, politicalStatus: null }],
    ['politicalStatus', 'politicalStatus', null, { politicalStatusCode: null, politicalStatus: null }],
    ['employerKind', 'employerKind', '个体', { employerKind: 'UNKNOWN' }],
    ['employerKind', 'employerKind', null, { employerKind: 'UNKNOWN' }],
  ])('keeps an unknown %s (%s = %s) as unknown, listed and reported once', (column, field, value, expected) => {
    const report = collectingReporter();
    const profile = mapProfile(profileRow({ [column]: value }), report);
    expect(profile).toMatchObject(expected);
    expect(profile.dataQuality).toEqual([{ field, localValue: value }]);
    expect(report.events).toEqual([{ region: 'bz', table: 'ry_jbxx', localId: '7', field, localValue: value }]);
  });
});

describe('bz reverse lookups for SQL filters', () => {
  it('turns a series into every label the portal types for it', () => {
    expect(localSeriesValues(['ENGINEERING']).values.sort()).toEqual(['工程', '工程技术', '工程技术系列', '工程系列']);
    expect(localSeriesValues(['ECONOMICS', 'AUDITING']).values.sort()).toEqual(['审计', '审计系列', '经济', '经济系列']);
  });

  it.each((Object.keys(TITLE_SERIES) as TitleSeries[]).filter((series) => series !== 'UNKNOWN'))(
    'series %s: every local value returned maps back to it',
    (series) => {
      const { values } = localSeriesValues([series]);
      expect(values.length).toBeGreaterThanOrEqual(2);
      for (const value of values) expect(seriesFromLocal(value)).toBe(series);
    },
  );

  it.each(Object.keys(TITLE_LEVELS) as TitleLevel[])('level %s: every local value returned maps back to it', (level) => {
    for (const value of localLevelValues([level]).values) expect(levelFromLocal(value)).toBe(level);
  });

  it.each(Object.keys(REVIEW_KINDS) as ReviewKind[])('review kind %s: every local value returned maps back to it', (kind) => {
    for (const value of localReviewKindValues([kind]).values) expect(reviewKindFromLocal(value)).toBe(kind);
  });

  it.each(Object.keys(APPLICATION_STATUSES) as ApplicationStatus[])(
    'status %s: every local value returned maps back to it',
    (status) => {
      for (const value of localStatusValues([status]).values) expect(statusFromLocal(value)).toBe(status);
    },
  );

  it.each<[string, { values: unknown[]; unknown: boolean; known: unknown[] }, unknown[], boolean, number]>([
    ['level', localLevelValues(['SENIOR', 'ASSOCIATE_SENIOR']), ['副高级', '正高级'], false, 6],
    ['level UNKNOWN', localLevelValues(['UNKNOWN']), [], true, 6],
    ['level UNRATED (never in bz)', localLevelValues(['UNRATED']), [], false, 6],
    ['review kind', localReviewKindValues(['PRIVATE_ENTERPRISE_REVIEW', 'UNKNOWN']), ['民营专项'], true, 4],
    ['status', localStatusValues(['RETURNED_BY_UNIT', 'RETURNED_BY_COMMITTEE']), [2, 4], false, 11],
    ['status ABANDONED (never in bz)', localStatusValues(['ABANDONED']), [], false, 11],
    ['no values', localStatusValues([]), [], false, 11],
  ])('%s', (_name, filter, values, unknown, knownCount) => {
    expect([...filter.values].sort()).toEqual(values);
    expect(filter.unknown).toBe(unknown);
    expect(filter.known).toHaveLength(knownCount);
  });
});
