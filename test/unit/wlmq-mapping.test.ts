import { describe, expect, it } from 'vitest';
import type {
  ApplicationStatus,
  Gender,
  ReviewKind,
  TitleLevel,
  TitleSeries,
} from '../../domain/codes.js';
import { collectingReporter } from '../helpers/dataQuality.js';
import { reverseLookup } from '../../subgraphs/template/lookups.js';
import {
  mapApplication,
  mapIntegrityRecord,
  mapProfile,
  mapQualification,
  mapTitleHistory,
  NON_RESIDENT_CERT_TYPES,
  parseReviewYear,
  type DeclarationApplicationRow,
  type DeclarationProfileRow,
  type JsonValue,
  CODES,
} from '../../subgraphs/wlmq/mapping.js';

// The kit's reverse look-ups over wlmq's tables.
const localSeriesNames = (series: readonly TitleSeries[]) => reverseLookup(CODES.series, series);
const localTargetTitles = (levels: readonly TitleLevel[]) => reverseLookup(CODES.level, levels);
const localWays = (kinds: readonly ReviewKind[]) => reverseLookup(CODES.reviewKind, kinds);
const localFlowStates = (statuses: readonly ApplicationStatus[]) => reverseLookup(CODES.status, statuses);

const LOCAL_ID = 'WLMQ2024-000123';

function applicationRow(overrides: Partial<DeclarationApplicationRow> = {}): DeclarationApplicationRow {
  return {
    declarationNo: LOCAL_ID,
    reviewYear: '2024年度',
    seriesName: '工程',
    majorName: '机械',
    targetTitle: '工程师',
    way: '评审',
    flowState: '审核通过',
    returnTimes: 1,
    ...overrides,
  };
}

function profileRow(overrides: Partial<DeclarationProfileRow> = {}): DeclarationProfileRow {
  return {
    declarationNo: LOCAL_ID,
    name: '古丽娜尔',
    sex: '女',
    nation: '维吾尔族',
    politics: '群众',
    unitName: '新疆某某科技有限公司',
    zone: '头屯河区',
    ...overrides,
  };
}

/** The one event a single unmapped value must produce, and its entry in `dataQuality`. */
function expectOneIssue(
  reporter: ReturnType<typeof collectingReporter>,
  dataQuality: readonly { field: string; localValue: string | null }[],
  field: string,
  localValue: string | null,
): void {
  expect(dataQuality).toEqual([{ field, localValue }]);
  expect(reporter.events).toEqual([{ region: 'wlmq', table: 'Declaration', localId: LOCAL_ID, field, localValue }]);
}

describe('wlmq application mapping', () => {
  it('maps a complete declaration to the shared application', () => {
    const reporter = collectingReporter();
    expect(mapApplication(applicationRow(), reporter)).toEqual({
      id: 'wlmq:WLMQ2024-000123',
      region: 'wlmq',
      localId: LOCAL_ID,
      batchCode: null,
      year: 2024,
      series: 'ENGINEERING',
      specialty: '机械',
      level: 'INTERMEDIATE',
      reviewKind: 'REVIEW',
      status: 'ACCEPTED',
      submissionCount: null,
      submittedAt: null,
      returnCount: 1,
      defence: null,
      feePaidFen: null,
      countsTowardAnnualLimit: true,
      dataQuality: [],
    });
    expect(reporter.events).toEqual([]);
  });

  it.each<[string, TitleSeries]>([
    ['工程', 'ENGINEERING'],
    ['经济', 'ECONOMICS'],
    ['会计', 'ACCOUNTING'],
    ['审计', 'AUDITING'],
    ['统计', 'STATISTICS'],
  ])('seriesName %s is %s', (seriesName, series) => {
    const reporter = collectingReporter();
    const application = mapApplication(applicationRow({ seriesName }), reporter);
    expect(application.series).toBe(series);
    expect(application.dataQuality).toEqual([]);
    expect(reporter.events).toEqual([]);
  });

  // Every title the portal is known to store, then titles the same rule reads that the list does not show.
  it.each<[string, TitleLevel]>([
    ['正高级工程师', 'SENIOR'],
    ['高级工程师', 'ASSOCIATE_SENIOR'],
    ['工程师', 'INTERMEDIATE'],
    ['助理工程师', 'ASSISTANT'],
    ['技术员', 'TECHNICIAN'],
    ['高级经济师', 'ASSOCIATE_SENIOR'],
    ['经济师', 'INTERMEDIATE'],
    ['助理经济师', 'ASSISTANT'],
    ['高级会计师', 'ASSOCIATE_SENIOR'],
    ['会计师', 'INTERMEDIATE'],
    ['助理会计师', 'ASSISTANT'],
    ['高级审计师', 'ASSOCIATE_SENIOR'],
    ['审计师', 'INTERMEDIATE'],
    ['助理审计师', 'ASSISTANT'],
    ['高级统计师', 'ASSOCIATE_SENIOR'],
    ['统计师', 'INTERMEDIATE'],
    ['助理统计师', 'ASSISTANT'],
    ['正高级经济师', 'SENIOR'],
    ['正高级会计师', 'SENIOR'],
    ['正高级审计师', 'SENIOR'],
    ['正高级统计师', 'SENIOR'],
  ])('targetTitle %s is level %s', (targetTitle, level) => {
    const reporter = collectingReporter();
    const application = mapApplication(applicationRow({ targetTitle }), reporter);
    expect(application.level).toBe(level);
    expect(reporter.events).toEqual([]);
  });

  it.each<[string, ReviewKind, boolean]>([
    ['评审', 'REVIEW', true],
    ['考评结合', 'EXAM_AND_REVIEW', true],
    ['认定', 'RECOGNITION', false],
  ])('way %s is %s (counts toward the annual limit: %s)', (way, reviewKind, counts) => {
    const reporter = collectingReporter();
    const application = mapApplication(applicationRow({ way, flowState: '评审通过' }), reporter);
    expect(application.reviewKind).toBe(reviewKind);
    expect(application.countsTowardAnnualLimit).toBe(counts);
    expect(reporter.events).toEqual([]);
  });

  it.each<[string, ApplicationStatus, boolean]>([
    ['暂存', 'DRAFT', false],
    ['待单位审核', 'AWAITING_UNIT_AUDIT', true],
    ['单位退回', 'RETURNED_BY_UNIT', true],
    ['待评审机构审核', 'AWAITING_COMMITTEE_AUDIT', true],
    ['评审机构退回', 'RETURNED_BY_COMMITTEE', true],
    ['审核通过', 'ACCEPTED', true],
    ['已缴费', 'PAID', true],
    ['评审通过', 'PASSED', true],
    ['评审不通过', 'FAILED', true],
    ['已撤回', 'WITHDRAWN', false],
    ['不予受理', 'REJECTED', false],
  ])('flowState %s is %s (a 评审 counts: %s)', (flowState, status, counts) => {
    const reporter = collectingReporter();
    const application = mapApplication(applicationRow({ flowState, way: '评审' }), reporter);
    expect(application.status).toBe(status);
    expect(application.countsTowardAnnualLimit).toBe(counts);
    expect(reporter.events).toEqual([]);
  });

  it.each<[keyof DeclarationApplicationRow, string | null, keyof ReturnType<typeof mapApplication>, string]>([
    ['seriesName', '工程技术', 'series', 'series'],
    ['seriesName', null, 'series', 'series'],
    ['targetTitle', '主任医师', 'level', 'level'],
    ['targetTitle', '医师', 'level', 'level'],
    ['targetTitle', '高级技师', 'level', 'level'],
    ['targetTitle', ' 工程师', 'level', 'level'],
    ['targetTitle', '经济员', 'level', 'level'],
    ['targetTitle', null, 'level', 'level'],
    ['way', '民营专项', 'reviewKind', 'reviewKind'],
    ['way', null, 'reviewKind', 'reviewKind'],
    ['flowState', '待评委会审核', 'status', 'status'],
    ['flowState', null, 'status', 'status'],
  ])('%s %j is kept as UNKNOWN, listed and reported once', (column, localValue, sharedField, issueField) => {
    const reporter = collectingReporter();
    const application = mapApplication(applicationRow({ [column]: localValue }), reporter);
    expect(application[sharedField]).toBe('UNKNOWN');
    expectOneIssue(reporter, application.dataQuality, issueField, localValue);
  });

  it('never counts an application whose kind is unknown, and never clears a review of unknown status', () => {
    const reporter = collectingReporter();
    expect(mapApplication(applicationRow({ way: '其他' }), reporter).countsTowardAnnualLimit).toBe(false);
    expect(mapApplication(applicationRow({ flowState: '其他' }), reporter).countsTowardAnnualLimit).toBe(false);
  });

  it.each<[string | null]>([['２０２４年度'], ['24年度'], ['年度'], ['2024-2025'], [''], [null]])(
    'reviewYear %j gives year null, listed and reported once',
    (reviewYear) => {
      const reporter = collectingReporter();
      const application = mapApplication(applicationRow({ reviewYear }), reporter);
      expect(application.year).toBeNull();
      expectOneIssue(reporter, application.dataQuality, 'year', reviewYear);
    },
  );

  it('keeps every unknown value of one row, each listed and reported', () => {
    const reporter = collectingReporter();
    const application = mapApplication(
      applicationRow({ reviewYear: null, seriesName: null, targetTitle: null, way: null, flowState: null }),
      reporter,
    );
    expect(application.dataQuality.map((issue) => issue.field)).toEqual(['year', 'series', 'level', 'reviewKind', 'status']);
    expect(reporter.events).toHaveLength(5);
    expect(application.countsTowardAnnualLimit).toBe(false);
  });

  it('copies returnTimes and majorName as they are, null included', () => {
    const application = mapApplication(applicationRow({ returnTimes: null, majorName: null }), collectingReporter());
    expect(application.returnCount).toBeNull();
    expect(application.specialty).toBeNull();
  });
});

describe('parseReviewYear', () => {
  it.each<[string | null, number | null]>([
    ['2024年度', 2024],
    ['2024年', 2024],
    ['2024', 2024],
    [' 2024 年度 ', 2024],
    ['\t2023\n', 2023],
    ['\u30002024年度\u3000', 2024],
    ['0000', 0],
    ['2024年度年度', null],
    ['2024 年 度', null],
    ['2024\u00a0年度', null],
    ['２０２４年度', null],
    ['20245', null],
    ['2024年度（下半年）', null],
    ['', null],
    [null, null],
  ])('%j → %j', (text, year) => {
    expect(parseReviewYear(text)).toBe(year);
  });
});

describe('wlmq profile mapping', () => {
  it('maps a declaration to the person as it records them', () => {
    const reporter = collectingReporter();
    expect(mapProfile(profileRow(), reporter)).toEqual({
      name: '古丽娜尔',
      gender: 'FEMALE',
      ethnicityCode: '05',
      ethnicity: '维吾尔族',
      politicalStatusCode: '13',
      politicalStatus: '群众',
      employer: '新疆某某科技有限公司',
      employerKind: null,
      location: '头屯河区',
      civilServant: null,
      retired: null,
      sanctionUntil: null,
      dataQuality: [],
    });
    expect(reporter.events).toEqual([]);
  });

  it.each<[string, Gender]>([
    ['男', 'MALE'],
    ['女', 'FEMALE'],
  ])('sex %s is %s', (sex, gender) => {
    expect(mapProfile(profileRow({ sex }), collectingReporter()).gender).toBe(gender);
  });

  it.each<[string | null]>([['男性'], ['M'], [null]])('sex %j is UNKNOWN, listed and reported once', (sex) => {
    const reporter = collectingReporter();
    const profile = mapProfile(profileRow({ sex }), reporter);
    expect(profile.gender).toBe('UNKNOWN');
    expectOneIssue(reporter, profile.dataQuality, 'gender', sex);
  });

  it.each<[string, string, string]>([
    ['汉族', '01', '汉族'],
    ['维吾尔族', '05', '维吾尔族'],
    ['哈萨克族', '17', '哈萨克族'],
    ['回族', '03', '回族'],
    ['蒙古族', '02', '蒙古族'],
    ['锡伯', '38', '锡伯族'],
  ])('nation %s is GB/T 3304 %s %s', (nation, code, label) => {
    const profile = mapProfile(profileRow({ nation }), collectingReporter());
    expect([profile.ethnicityCode, profile.ethnicity]).toEqual([code, label]);
  });

  it.each<[string, string, string]>([
    ['中共党员', '01', '中共党员'],
    ['中共预备党员', '02', '中共预备党员'],
    ['共青团员', '03', '共青团员'],
    ['民革', '04', '民革会员'],
    ['九三学社社员', '10', '九三学社社员'],
    ['无党派人士', '12', '无党派人士'],
    ['群众', '13', '群众'],
  ])('politics %s is GB/T 4762 %s %s', (politics, code, label) => {
    const profile = mapProfile(profileRow({ politics }), collectingReporter());
    expect([profile.politicalStatusCode, profile.politicalStatus]).toEqual([code, label]);
  });

  it.each<[keyof DeclarationProfileRow, string, 'ethnicity' | 'politicalStatus']>([
    ['nation', '外籍', 'ethnicity'],
    ['politics', '民主人士', 'politicalStatus'],
  ])('an unlisted %s label %s keeps the label without a code, listed and reported once', (column, label, field) => {
    const reporter = collectingReporter();
    const profile = mapProfile(profileRow({ [column]: label }), reporter);
    expect(profile[field]).toBe(label);
    expect(profile[`${field}Code`]).toBeNull();
    expectOneIssue(reporter, profile.dataQuality, field, label);
  });

  it('leaves an unrecorded ethnicity and political status null, with nothing to report', () => {
    const reporter = collectingReporter();
    const profile = mapProfile(profileRow({ nation: null, politics: null }), reporter);
    expect([profile.ethnicityCode, profile.ethnicity, profile.politicalStatusCode, profile.politicalStatus]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(reporter.events).toEqual([]);
  });

  it.each<[string | null]>([['自贸区经开片区'], ['头屯河区'], [null]])('zone %j is the location', (zone) => {
    expect(mapProfile(profileRow({ zone }), collectingReporter()).location).toBe(zone);
  });
});

describe('wlmq certificate types', () => {
  it.each<[string, boolean]>([
    ['居民身份证', false],
    ['护照', true],
    ['港澳居民来往内地通行证', true],
  ])('certType %s is a document without a resident ID number: %s', (certType, nonResident) => {
    expect(NON_RESIDENT_CERT_TYPES.includes(certType)).toBe(nonResident);
  });
});

describe('wlmq qualifications from titleHistory', () => {
  it.each<[string, TitleLevel, TitleSeries]>([
    ['正高级工程师', 'SENIOR', 'ENGINEERING'],
    ['高级工程师', 'ASSOCIATE_SENIOR', 'ENGINEERING'],
    ['工程师', 'INTERMEDIATE', 'ENGINEERING'],
    ['助理工程师', 'ASSISTANT', 'ENGINEERING'],
    ['技术员', 'TECHNICIAN', 'ENGINEERING'],
    ['高级经济师', 'ASSOCIATE_SENIOR', 'ECONOMICS'],
    ['经济师', 'INTERMEDIATE', 'ECONOMICS'],
    ['助理经济师', 'ASSISTANT', 'ECONOMICS'],
    ['高级会计师', 'ASSOCIATE_SENIOR', 'ACCOUNTING'],
    ['会计师', 'INTERMEDIATE', 'ACCOUNTING'],
    ['助理会计师', 'ASSISTANT', 'ACCOUNTING'],
    ['高级审计师', 'ASSOCIATE_SENIOR', 'AUDITING'],
    ['审计师', 'INTERMEDIATE', 'AUDITING'],
    ['助理审计师', 'ASSISTANT', 'AUDITING'],
    ['高级统计师', 'ASSOCIATE_SENIOR', 'STATISTICS'],
    ['统计师', 'INTERMEDIATE', 'STATISTICS'],
    ['助理统计师', 'ASSISTANT', 'STATISTICS'],
  ])('title %s is %s in %s', (title, level, series) => {
    const reporter = collectingReporter();
    const qualification = mapQualification(LOCAL_ID, { title, obtainedAt: '2019-12', issuer: '乌鲁木齐市人社局', place: '疆内' }, reporter);
    expect(qualification).toEqual({
      region: 'wlmq',
      name: title,
      series,
      specialty: null,
      level,
      obtainedOn: '2019-12',
      route: null,
      obtainedInXinjiang: true,
      approvalDocument: null,
      certificateNumber: null,
      issuer: '乌鲁木齐市人社局',
      dataQuality: [],
    });
    expect(reporter.events).toEqual([]);
  });

  it.each<[string | null | undefined, boolean | null]>([
    ['疆内', true],
    ['疆外', false],
    [null, null],
    [undefined, null],
  ])('place %j is obtainedInXinjiang %j', (place, inXinjiang) => {
    const reporter = collectingReporter();
    const element = place === undefined ? { title: '工程师' } : { title: '工程师', place };
    expect(mapQualification(LOCAL_ID, element, reporter).obtainedInXinjiang).toBe(inXinjiang);
    expect(reporter.events).toEqual([]);
  });

  it.each<[string | null | undefined, string | null]>([
    ['2019-12', '2019-12'],
    ['2019-12-01', '2019-12-01'],
    [null, null],
    [undefined, null],
  ])('obtainedAt %j is kept as given: %j', (obtainedAt, obtainedOn) => {
    const reporter = collectingReporter();
    const element = obtainedAt === undefined ? { title: '工程师' } : { title: '工程师', obtainedAt };
    expect(mapQualification(LOCAL_ID, element, reporter).obtainedOn).toBe(obtainedOn);
    expect(reporter.events).toEqual([]);
  });

  it.each<[string, JsonValue, string, string | null]>([
    ['an unlisted place', { title: '工程师', place: '国外' }, 'obtainedInXinjiang', '国外'],
    ['a place that is not text', { title: '工程师', place: 1 }, 'obtainedInXinjiang', '(number)'],
    ['an unreadable month', { title: '工程师', obtainedAt: '2019年12月' }, 'obtainedOn', '2019年12月'],
    ['a month that is not text', { title: '工程师', obtainedAt: 201912 }, 'obtainedOn', '(number)'],
  ])('%s is null, listed and reported once, and the title is kept', (_case, element, field, localValue) => {
    const reporter = collectingReporter();
    const qualification = mapQualification(LOCAL_ID, element, reporter);
    expect(qualification.level).toBe('INTERMEDIATE');
    expect(qualification[field as 'obtainedOn' | 'obtainedInXinjiang']).toBeNull();
    expectOneIssue(reporter, qualification.dataQuality, field, localValue);
  });

  it.each<[string, JsonValue, string | null, string | null]>([
    ['an unknown title', { title: '主治医师', obtainedAt: '2018-06' }, '主治医师', '主治医师'],
    ['a title with a stray space', { title: '工程师 ' }, '工程师 ', '工程师 '],
    ['no title', { obtainedAt: '2018-06' }, null, null],
    ['a null title', { title: null }, null, null],
    ['a title that is not text', { title: 3 }, null, '(number)'],
    ['a bare string', '工程师', null, '(string)'],
    ['a number', 42, null, '(number)'],
    ['JSON null', null, null, '(null)'],
    ['an array', ['工程师'], null, '(array)'],
  ])('%s is kept as a qualification of level UNKNOWN, listed and reported once', (_case, element, name, localValue) => {
    const reporter = collectingReporter();
    const qualification = mapQualification(LOCAL_ID, element, reporter);
    expect(qualification.level).toBe('UNKNOWN');
    expect(qualification.series).toBeNull();
    expect(qualification.name).toBe(name);
    expectOneIssue(reporter, qualification.dataQuality, 'level', localValue);
  });

  it('keeps the month and place of an element whose title is unknown', () => {
    const qualification = mapQualification(LOCAL_ID, { title: '主治医师', obtainedAt: '2018-06', place: '疆外' }, collectingReporter());
    expect([qualification.obtainedOn, qualification.obtainedInXinjiang]).toEqual(['2018-06', false]);
  });

  it('maps every element of a history, malformed ones kept, identical ones once', () => {
    const reporter = collectingReporter();
    const engineer = { title: '工程师', obtainedAt: '2019-12', issuer: '乌鲁木齐市人社局', place: '疆内' };
    const qualifications = mapTitleHistory(
      { declarationNo: LOCAL_ID, titleHistory: [{ title: '助理工程师', obtainedAt: '2014-12' }, engineer, 7, { ...engineer }] },
      reporter,
    );
    expect(qualifications.map((q) => [q.name, q.level])).toEqual([
      ['助理工程师', 'ASSISTANT'],
      ['工程师', 'INTERMEDIATE'],
      [null, 'UNKNOWN'],
    ]);
    expect(reporter.events).toEqual([
      { region: 'wlmq', table: 'Declaration', localId: LOCAL_ID, field: 'level', localValue: '(number)' },
    ]);
  });

  it.each<[JsonValue]>([[null], [[]]])('history %j is no qualifications and nothing to report', (titleHistory) => {
    const reporter = collectingReporter();
    expect(mapTitleHistory({ declarationNo: LOCAL_ID, titleHistory }, reporter)).toEqual([]);
    expect(reporter.events).toEqual([]);
  });

  it.each<[JsonValue, string]>([
    [{ title: '工程师' }, '(object)'],
    ['工程师', '(string)'],
    [2019, '(number)'],
    [true, '(boolean)'],
  ])('a history that is not an array, %j, is one data-quality event', (titleHistory, localValue) => {
    const reporter = collectingReporter();
    expect(mapTitleHistory({ declarationNo: LOCAL_ID, titleHistory }, reporter)).toEqual([]);
    expect(reporter.events).toEqual([
      { region: 'wlmq', table: 'Declaration', localId: LOCAL_ID, field: 'qualifications', localValue },
    ]);
  });
});

describe('wlmq integrity records', () => {
  it.each<[boolean | null, Date | null, ReturnType<typeof mapIntegrityRecord>]>([
    [
      true,
      new Date(Date.UTC(2027, 11, 31)),
      { region: 'wlmq', reason: null, decidedOn: null, barredUntil: '2027-12-31', openEnded: false, banYears: null },
    ],
    [true, null, { region: 'wlmq', reason: null, decidedOn: null, barredUntil: null, openEnded: true, banYears: null }],
    [false, new Date(Date.UTC(2027, 11, 31)), null],
    [false, null, null],
    [null, null, null],
  ])('creditFlag %j with creditUntil %j is %j', (creditFlag, creditUntil, record) => {
    expect(mapIntegrityRecord({ declarationNo: LOCAL_ID, creditFlag, creditUntil })).toEqual(record);
  });
});

describe('wlmq reverse lookups for SQL filters', () => {
  it.each<[string, () => { values: string[]; unknown: boolean; known: string[] }, string[], boolean, number]>([
    ['series ENGINEERING', () => localSeriesNames(['ENGINEERING']), ['工程'], false, 5],
    ['series ECONOMICS and UNKNOWN', () => localSeriesNames(['ECONOMICS', 'UNKNOWN']), ['经济'], true, 5],
    ['series HEALTH, which wlmq never records', () => localSeriesNames(['HEALTH']), [], false, 5],
    [
      'level ASSOCIATE_SENIOR',
      () => localTargetTitles(['ASSOCIATE_SENIOR']),
      ['高级工程师', '高级经济师', '高级会计师', '高级审计师', '高级统计师'],
      false,
      21,
    ],
    ['level TECHNICIAN', () => localTargetTitles(['TECHNICIAN']), ['技术员'], false, 21],
    ['level UNKNOWN alone', () => localTargetTitles(['UNKNOWN']), [], true, 21],
    ['kind EXAM_AND_REVIEW and RECOGNITION', () => localWays(['EXAM_AND_REVIEW', 'RECOGNITION']), ['考评结合', '认定'], false, 3],
    ['status RETURNED_BY_COMMITTEE', () => localFlowStates(['RETURNED_BY_COMMITTEE']), ['评审机构退回'], false, 11],
    ['status ABANDONED, which wlmq never records', () => localFlowStates(['ABANDONED']), [], false, 11],
  ])('%s', (_case, lookup, values, unknown, knownCount) => {
    const filter = lookup();
    expect(filter.values.slice().sort()).toEqual(values.slice().sort());
    expect(filter.unknown).toBe(unknown);
    expect(filter.known).toHaveLength(knownCount);
  });
});
