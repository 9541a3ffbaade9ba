import { describe, expect, it } from 'vitest';
import type { ApplicationStatus, ReviewKind, TitleLevel, TitleSeries } from '../../domain/codes.js';
import type { Blacklist, TitleHeld } from '../../generated/prisma/aks/client.js';
import {
  mapApplication,
  mapAssessment,
  mapIntegrityRecord,
  mapProfile,
  mapQualification,
  type ApplicantProfileRow,
  type ApplyRecordRow,
  type AssessmentRow,
  CODES,
} from '../../subgraphs/aks/mapping.js';
import { collectingReporter } from '../helpers/dataQuality.js';
import { reverseLookup } from '../../subgraphs/template/lookups.js';

// The kit's reverse look-ups over aks's tables.
const localSeriesCodes = (series: readonly TitleSeries[]) => reverseLookup(CODES.series, series);
const localLevelCodes = (levels: readonly TitleLevel[]) => reverseLookup(CODES.level, levels);
const localTracks = (kinds: readonly ReviewKind[]) => reverseLookup(CODES.reviewKind, kinds);
const localStates = (statuses: readonly ApplicationStatus[]) => reverseLookup(CODES.status, statuses);

const day = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

function applyRecord(overrides: Partial<ApplyRecordRow> = {}): ApplyRecordRow {
  return {
    id: 17,
    applicantId: 3,
    batchCode: 'AKS-2024-JXDZ-HG',
    seriesCode: 'ENG',
    specialty: '机械电子',
    levelCode: 420,
    track: 'general',
    state: 'paid',
    submitCount: 2,
    submittedAt: new Date('2024-08-01T10:30:05Z'),
    feeCents: 40000,
    defenseRequired: false,
    batch: { year: 2024 },
    ...overrides,
  };
}

function titleHeld(overrides: Partial<TitleHeld> = {}): TitleHeld {
  return {
    id: 8,
    applicantId: 3,
    titleName: '助理工程师',
    seriesCode: 'ENG',
    levelCode: 434,
    obtainedOn: day('2019-12-20'),
    route: 'review',
    inXinjiang: true,
    docNo: '阿地职改〔2019〕12号',
    ...overrides,
  };
}

function applicant(overrides: Partial<ApplicantProfileRow> = {}): ApplicantProfileRow {
  return {
    id: 3,
    fullName: '艾力',
    genderCode: 1,
    ethnicCode: '05',
    politicalCode: '13',
    employer: '阿克苏某化工有限公司',
    employerKind: 2,
    civilServant: false,
    retired: false,
    sanctionUntil: null,
    createdAt: new Date('2024-07-20T02:00:00Z'),
    ...overrides,
  };
}

function blacklist(overrides: Partial<Blacklist> = {}): Blacklist {
  return { id: 4, applicantId: 3, reason: '材料弄虚作假', listedOn: day('2024-07-15'), banYears: 5, ...overrides };
}

describe('aks applications', () => {
  it.each<[string | null, TitleSeries]>([
    ['ENG', 'ENGINEERING'],
    ['ECO', 'ECONOMICS'],
    ['ACC', 'ACCOUNTING'],
    ['AUD', 'AUDITING'],
    ['STA', 'STATISTICS'],
    ['eng', 'UNKNOWN'],
    ['MED', 'UNKNOWN'],
    [null, 'UNKNOWN'],
  ])('series_code %j is %s', (seriesCode, series) => {
    const report = collectingReporter();
    const application = mapApplication(applyRecord({ seriesCode }), report);
    expect(application.series).toBe(series);
    const issues = series === 'UNKNOWN' ? [{ field: 'series', localValue: seriesCode }] : [];
    expect(application.dataQuality).toEqual(issues);
    expect(report.events).toEqual(
      issues.map((issue) => ({ region: 'aks', table: 'apply_record', localId: '17', ...issue })),
    );
  });

  it.each<[number | null, TitleLevel]>([
    [411, 'SENIOR'],
    [412, 'ASSOCIATE_SENIOR'],
    [420, 'INTERMEDIATE'],
    [430, 'JUNIOR'],
    [434, 'ASSISTANT'],
    [435, 'TECHNICIAN'],
    [499, 'UNRATED'],
    [413, 'UNKNOWN'],
    [0, 'UNKNOWN'],
    [null, 'UNKNOWN'],
  ])('level_code %j is %s', (levelCode, level) => {
    const report = collectingReporter();
    const application = mapApplication(applyRecord({ levelCode }), report);
    expect(application.level).toBe(level);
    const issues = level === 'UNKNOWN' ? [{ field: 'level', localValue: levelCode === null ? null : String(levelCode) }] : [];
    expect(application.dataQuality).toEqual(issues);
    expect(report.events).toHaveLength(issues.length);
  });

  it.each<[string | null, ReviewKind, boolean]>([
    ['general', 'REVIEW', true],
    ['private_special', 'PRIVATE_ENTERPRISE_REVIEW', true],
    ['General', 'UNKNOWN', false],
    ['special', 'UNKNOWN', false],
    [null, 'UNKNOWN', false],
  ])('track %j is %s (a paid application counts: %s)', (track, reviewKind, counts) => {
    const report = collectingReporter();
    const application = mapApplication(applyRecord({ track, state: 'paid' }), report);
    expect(application.reviewKind).toBe(reviewKind);
    expect(application.countsTowardAnnualLimit).toBe(counts);
    const issues = reviewKind === 'UNKNOWN' ? [{ field: 'reviewKind', localValue: track }] : [];
    expect(application.dataQuality).toEqual(issues);
    expect(report.events).toHaveLength(issues.length);
  });

  it.each<[string | null, ApplicationStatus, boolean]>([
    ['draft', 'DRAFT', false],
    ['submitted', 'AWAITING_UNIT_AUDIT', true],
    ['unit_returned', 'RETURNED_BY_UNIT', true],
    ['committee_audit', 'AWAITING_COMMITTEE_AUDIT', true],
    ['committee_returned', 'RETURNED_BY_COMMITTEE', true],
    ['accepted', 'ACCEPTED', true],
    ['paid', 'PAID', true],
    ['passed', 'PASSED', true],
    ['failed', 'FAILED', true],
    ['withdrawn', 'WITHDRAWN', false],
    ['abandoned', 'ABANDONED', false],
    ['rejected', 'REJECTED', false],
    ['archived', 'UNKNOWN', false],
    ['PAID', 'UNKNOWN', false],
    [null, 'UNKNOWN', false],
  ])('state %j is %s (a general review counts: %s)', (state, status, counts) => {
    const report = collectingReporter();
    const application = mapApplication(applyRecord({ state, track: 'general' }), report);
    expect(application.status).toBe(status);
    expect(application.countsTowardAnnualLimit).toBe(counts);
    const issues = status === 'UNKNOWN' ? [{ field: 'status', localValue: state }] : [];
    expect(application.dataQuality).toEqual(issues);
    expect(report.events).toHaveLength(issues.length);
  });

  it.each([
    [true, 'REQUIRED'],
    [false, 'NOT_REQUIRED'],
    [null, null],
  ] as const)('defense_required %j is defence %j', (defenseRequired, defence) => {
    const report = collectingReporter();
    expect(mapApplication(applyRecord({ defenseRequired }), report).defence).toBe(defence);
    expect(report.events).toEqual([]);
  });

  it('takes the year from the batch, the time in Beijing time and the fee in fen', () => {
    const report = collectingReporter();
    const application = mapApplication(applyRecord({ batch: { year: 2023 } }), report);
    expect(application).toEqual({
      id: 'aks:17',
      region: 'aks',
      localId: '17',
      batchCode: 'AKS-2024-JXDZ-HG',
      year: 2023,
      series: 'ENGINEERING',
      specialty: '机械电子',
      level: 'INTERMEDIATE',
      reviewKind: 'REVIEW',
      status: 'PAID',
      submissionCount: 2,
      // submitted_at is timestamptz: 10:30:05 UTC is 18:30:05 in Beijing.
      submittedAt: '2024-08-01T18:30:05+08:00',
      returnCount: null,
      defence: 'NOT_REQUIRED',
      feePaidFen: 40000,
      countsTowardAnnualLimit: true,
      dataQuality: [],
    });
    expect(report.events).toEqual([]);
  });

  it('crosses midnight into the next Beijing day', () => {
    const application = mapApplication(applyRecord({ submittedAt: new Date('2024-08-30T17:00:00Z') }), collectingReporter());
    expect(application.submittedAt).toBe('2024-08-31T01:00:00+08:00');
  });

  it('keeps a draft with nothing filled in, reporting every field it cannot fill', () => {
    const report = collectingReporter();
    const application = mapApplication(
      applyRecord({
        seriesCode: null,
        specialty: null,
        levelCode: null,
        track: null,
        state: null,
        submitCount: null,
        submittedAt: null,
        feeCents: null,
        defenseRequired: null,
      }),
      report,
    );
    expect(application).toMatchObject({
      series: 'UNKNOWN',
      level: 'UNKNOWN',
      reviewKind: 'UNKNOWN',
      status: 'UNKNOWN',
      submittedAt: null,
      feePaidFen: null,
      submissionCount: null,
      countsTowardAnnualLimit: false,
    });
    expect(application.dataQuality.map((issue) => issue.field).sort()).toEqual(['level', 'reviewKind', 'series', 'status']);
    expect(report.events).toHaveLength(4);
  });
});

describe('aks qualifications (title_held)', () => {
  it.each([
    ['review', 'REVIEW'],
    ['determination', 'INITIAL_DETERMINATION'],
    ['conferral', 'CONFERRAL'],
    ['exam', 'EXAM'],
    ['skill_bridge', 'SKILL_BRIDGE'],
    ['recognition', 'UNKNOWN'],
    [null, null],
  ] as const)('route %j is %j', (route, expected) => {
    const report = collectingReporter();
    const qualification = mapQualification(titleHeld({ route }), report);
    expect(qualification.route).toBe(expected);
    const issues = expected === 'UNKNOWN' ? [{ field: 'route', localValue: route }] : [];
    expect(qualification.dataQuality).toEqual(issues);
    expect(report.events).toEqual(issues.map((issue) => ({ region: 'aks', table: 'title_held', localId: '8', ...issue })));
  });

  it.each<[string | null, TitleSeries | null]>([
    ['ENG', 'ENGINEERING'],
    ['ECO', 'ECONOMICS'],
    ['ACC', 'ACCOUNTING'],
    ['AUD', 'AUDITING'],
    ['STA', 'STATISTICS'],
    ['XYZ', 'UNKNOWN'],
    [null, null],
  ])('series_code %j is %j', (seriesCode, series) => {
    const report = collectingReporter();
    const qualification = mapQualification(titleHeld({ seriesCode }), report);
    expect(qualification.series).toBe(series);
    expect(report.events).toHaveLength(series === 'UNKNOWN' ? 1 : 0);
  });

  it.each<[number | null, TitleLevel]>([
    [411, 'SENIOR'],
    [412, 'ASSOCIATE_SENIOR'],
    [420, 'INTERMEDIATE'],
    [430, 'JUNIOR'],
    [434, 'ASSISTANT'],
    [435, 'TECHNICIAN'],
    [499, 'UNRATED'],
    [436, 'UNKNOWN'],
    [null, 'UNKNOWN'],
  ])('level_code %j is %s', (levelCode, level) => {
    const report = collectingReporter();
    const qualification = mapQualification(titleHeld({ levelCode }), report);
    expect(qualification.level).toBe(level);
    const issues = level === 'UNKNOWN' ? [{ field: 'level', localValue: levelCode === null ? null : String(levelCode) }] : [];
    expect(qualification.dataQuality).toEqual(issues);
    expect(report.events).toHaveLength(issues.length);
  });

  it.each([
    [true, true],
    [false, false],
    [null, null],
  ] as const)('in_xinjiang %j is obtainedInXinjiang %j', (inXinjiang, expected) => {
    expect(mapQualification(titleHeld({ inXinjiang }), collectingReporter()).obtainedInXinjiang).toBe(expected);
  });

  it('carries the name, the date and the approval document', () => {
    expect(mapQualification(titleHeld(), collectingReporter())).toEqual({
      region: 'aks',
      name: '助理工程师',
      series: 'ENGINEERING',
      specialty: null,
      level: 'ASSISTANT',
      obtainedOn: '2019-12-20',
      route: 'REVIEW',
      obtainedInXinjiang: true,
      approvalDocument: '阿地职改〔2019〕12号',
      certificateNumber: null,
      issuer: null,
      dataQuality: [],
    });
  });
});

describe('aks assessments', () => {
  it.each<[number | null, string]>([
    [1, 'EXCELLENT'],
    [2, 'PASS'],
    [3, 'BASIC_PASS'],
    [4, 'FAIL'],
    [0, 'UNKNOWN'],
    [5, 'UNKNOWN'],
    [null, 'UNKNOWN'],
  ])('result %j is %s', (result, expected) => {
    const report = collectingReporter();
    const row: AssessmentRow = { applicantId: 3, year: 2023, result };
    const assessment = mapAssessment(row, report);
    expect(assessment).toMatchObject({ region: 'aks', year: 2023, result: expected });
    const issues = expected === 'UNKNOWN' ? [{ field: 'result', localValue: result === null ? null : String(result) }] : [];
    expect(assessment.dataQuality).toEqual(issues);
    // The table has no key: applicant and year name the row.
    expect(report.events).toEqual(issues.map((issue) => ({ region: 'aks', table: 'assessment', localId: '3:2023', ...issue })));
  });
});

describe('aks integrity records (blacklist)', () => {
  it.each<[string | null, number | null, string | null, boolean]>([
    // notice 001 三(一): an individual is barred for 5 years from the day of listing.
    ['2024-07-15', 5, '2029-07-14', false],
    ['2024-07-15', 3, '2027-07-14', false],
    ['2024-01-01', 1, '2024-12-31', false],
    ['2024-03-01', 5, '2029-02-28', false],
    ['2024-02-29', 5, '2029-02-28', false],
    ['2024-02-29', 4, '2028-02-28', false],
    ['2024-07-15', null, null, true],
    [null, 5, null, true],
    [null, null, null, true],
  ])('listed on %j for %j years: barred until %j, open-ended %s', (listedOn, banYears, barredUntil, openEnded) => {
    const record = mapIntegrityRecord(blacklist({ listedOn: listedOn === null ? null : day(listedOn), banYears }));
    expect(record).toEqual({
      region: 'aks',
      reason: '材料弄虚作假',
      decidedOn: listedOn,
      barredUntil,
      openEnded,
      banYears,
    });
  });
});

describe('aks profiles (applicant)', () => {
  it.each([
    [0, 'NOT_KNOWN'],
    [1, 'MALE'],
    [2, 'FEMALE'],
    [9, 'NOT_STATED'],
    [3, 'UNKNOWN'],
    [null, 'UNKNOWN'],
  ] as const)('gender_code %j is %s', (genderCode, gender) => {
    const report = collectingReporter();
    const profile = mapProfile(applicant({ genderCode }), report);
    expect(profile.gender).toBe(gender);
    const issues = gender === 'UNKNOWN' ? [{ field: 'gender', localValue: genderCode === null ? null : String(genderCode) }] : [];
    expect(profile.dataQuality).toEqual(issues);
    expect(report.events).toEqual(issues.map((issue) => ({ region: 'aks', table: 'applicant', localId: '3', ...issue })));
  });

  it.each([
    [1, 'STATE_OWNED_ENTERPRISE'],
    [2, 'PRIVATE_ENTERPRISE'],
    [3, 'PUBLIC_INSTITUTION'],
    [4, 'GOVERNMENT_ORGAN'],
    [9, 'OTHER'],
    [5, 'UNKNOWN'],
    [null, null],
  ] as const)('employer_kind %j is %j', (employerKind, expected) => {
    const report = collectingReporter();
    const profile = mapProfile(applicant({ employerKind }), report);
    expect(profile.employerKind).toBe(expected);
    expect(profile.dataQuality).toEqual(expected === 'UNKNOWN' ? [{ field: 'employerKind', localValue: '5' }] : []);
    expect(report.events).toHaveLength(expected === 'UNKNOWN' ? 1 : 0);
  });

  it.each<[string | null, string | null, string | null]>([
    ['01', '01', '汉族'],
    ['02', '02', '蒙古族'],
    ['03', '03', '回族'],
    ['05', '05', '维吾尔族'],
    ['17', '17', '哈萨克族'],
    ['29', '29', '柯尔克孜族'],
    ['38', '38', '锡伯族'],
    ['56', '56', '基诺族'],
    ['57', null, null],
    ['00', null, null],
    ['5 ', null, null],
    [null, null, null],
  ])('ethnic_code %j is %j %j', (ethnicCode, code, label) => {
    const report = collectingReporter();
    const profile = mapProfile(applicant({ ethnicCode }), report);
    expect([profile.ethnicityCode, profile.ethnicity]).toEqual([code, label]);
    const issues = ethnicCode !== null && code === null ? [{ field: 'ethnicity', localValue: ethnicCode }] : [];
    expect(profile.dataQuality).toEqual(issues);
    expect(report.events).toHaveLength(issues.length);
  });

  it('knows every GB/T 3304 code from 01 to 56', () => {
    const report = collectingReporter();
    for (let n = 1; n <= 56; n++) {
      const code = String(n).padStart(2, '0');
      const profile = mapProfile(applicant({ ethnicCode: code }), report);
      expect(profile.ethnicityCode).toBe(code);
      expect(profile.ethnicity).toMatch(/族$/);
    }
    expect(report.events).toEqual([]);
  });

  it.each<[string | null, string | null, string | null]>([
    ['01', '01', '中共党员'],
    ['02', '02', '中共预备党员'],
    ['03', '03', '共青团员'],
    ['04', '04', '民革会员'],
    ['05', '05', '民盟盟员'],
    ['06', '06', '民建会员'],
    ['07', '07', '民进会员'],
    ['08', '08', '农工党党员'],
    ['09', '09', '致公党党员'],
    ['10', '10', '九三学社社员'],
    ['11', '11', '台盟盟员'],
    ['12', '12', '无党派人士'],
    ['13', '13', '群众'],
    ['14', null, null],
    ['1 ', null, null],
    [null, null, null],
  ])('political_code %j is %j %j', (politicalCode, code, label) => {
    const report = collectingReporter();
    const profile = mapProfile(applicant({ politicalCode }), report);
    expect([profile.politicalStatusCode, profile.politicalStatus]).toEqual([code, label]);
    const issues = politicalCode !== null && code === null ? [{ field: 'politicalStatus', localValue: politicalCode }] : [];
    expect(profile.dataQuality).toEqual(issues);
    expect(report.events).toHaveLength(issues.length);
  });

  it.each([
    [true, true, '2025-03-31'],
    [false, false, null],
    [null, null, null],
  ] as const)('civil_servant %j, retired %j, sanction until %j pass through', (civilServant, retired, sanctionUntil) => {
    const profile = mapProfile(
      applicant({ civilServant, retired, sanctionUntil: sanctionUntil === null ? null : day(sanctionUntil) }),
      collectingReporter(),
    );
    expect(profile).toMatchObject({ civilServant, retired, sanctionUntil });
  });

  it('maps a complete row with no issues', () => {
    const report = collectingReporter();
    expect(mapProfile(applicant(), report)).toEqual({
      name: '艾力',
      gender: 'MALE',
      ethnicityCode: '05',
      ethnicity: '维吾尔族',
      politicalStatusCode: '13',
      politicalStatus: '群众',
      employer: '阿克苏某化工有限公司',
      employerKind: 'PRIVATE_ENTERPRISE',
      location: null,
      civilServant: false,
      retired: false,
      sanctionUntil: null,
      dataQuality: [],
    });
    expect(report.events).toEqual([]);
  });
});

describe('aks reverse lookups for SQL filters', () => {
  it.each<[TitleSeries[], string[], boolean]>([
    [['ENGINEERING'], ['ENG'], false],
    [['ECONOMICS', 'STATISTICS'], ['ECO', 'STA'], false],
    [['ACCOUNTING', 'AUDITING'], ['ACC', 'AUD'], false],
    [['HEALTH'], [], false],
    [['UNKNOWN'], [], true],
    [['ENGINEERING', 'UNKNOWN'], ['ENG'], true],
    [[], [], false],
  ])('series %j → series_code %j, unknown %s', (series, values, unknown) => {
    expect(localSeriesCodes(series)).toEqual({ values, unknown, known: ['ENG', 'ECO', 'ACC', 'AUD', 'STA'] });
  });

  it.each<[TitleLevel[], number[], boolean]>([
    [['SENIOR'], [411], false],
    [['ASSOCIATE_SENIOR', 'INTERMEDIATE'], [412, 420], false],
    [['JUNIOR', 'ASSISTANT', 'TECHNICIAN'], [430, 434, 435], false],
    [['UNRATED'], [499], false],
    [['UNKNOWN'], [], true],
  ])('level %j → level_code %j, unknown %s', (levels, values, unknown) => {
    const filter = localLevelCodes(levels);
    expect([filter.values, filter.unknown]).toEqual([values, unknown]);
    expect(filter.known.sort()).toEqual([411, 412, 420, 430, 434, 435, 499]);
  });

  it.each<[ReviewKind[], string[], boolean]>([
    [['REVIEW'], ['general'], false],
    [['PRIVATE_ENTERPRISE_REVIEW'], ['private_special'], false],
    [['INITIAL_DETERMINATION', 'CONFERRAL', 'EXAM_AND_REVIEW', 'RECOGNITION'], [], false],
    [['UNKNOWN', 'REVIEW'], ['general'], true],
  ])('review kind %j → track %j, unknown %s', (kinds, values, unknown) => {
    expect(localTracks(kinds)).toEqual({ values, unknown, known: ['general', 'private_special'] });
  });

  it.each<[ApplicationStatus[], string[], boolean]>([
    [['DRAFT'], ['draft'], false],
    [['AWAITING_UNIT_AUDIT'], ['submitted'], false],
    [['RETURNED_BY_UNIT', 'RETURNED_BY_COMMITTEE'], ['unit_returned', 'committee_returned'], false],
    [['AWAITING_COMMITTEE_AUDIT', 'ACCEPTED', 'PAID'], ['committee_audit', 'accepted', 'paid'], false],
    [['PASSED', 'FAILED'], ['passed', 'failed'], false],
    [['WITHDRAWN', 'ABANDONED', 'REJECTED'], ['withdrawn', 'abandoned', 'rejected'], false],
    [['UNKNOWN'], [], true],
  ])('status %j → state %j, unknown %s', (statuses, values, unknown) => {
    const filter = localStates(statuses);
    expect([filter.values, filter.unknown]).toEqual([values, unknown]);
    expect(filter.known).toHaveLength(12);
  });
});
