/**
 * aks (阿克苏地区职称评审系统) rows to the shared types. Pure: no I/O.
 *
 * Every local value the aks portal is known to store is in a table below; the kit's RowMapper
 * (subgraphs/template/rowMapper.ts) keeps a value outside them as UNKNOWN, listed and reported.
 * CODES gives the kit the tables its filters and statistics read both ways.
 */
import { TITLE_LEVELS, type ApplicationStatus, type AssessmentResult, type DefenceStatus, type EmployerKind, type Gender, type QualificationRoute, type ReviewKind, type TitleLevel, type TitleSeries } from '../../domain/codes.js';
import { ethnicityFromCode, politicalStatusFromCode } from '../../domain/nationalCodes.js';
import type { Application, Assessment, IntegrityRecord, PersonProfile, Qualification } from '../../domain/types.js';
import type { Applicant, ApplyRecord, Batch, Blacklist, TitleHeld } from '../../generated/prisma/aks/client.js';
import type { DataQualityReporter } from '../template/dataQuality.js';
import { instantToBeijing, isoDate, lastDayOfTerm } from '../../domain/time.js';
import type { ApplicationCodes } from '../template/lookups.js';
import { RowMapper, sharedApplication, sharedProfile } from '../template/rowMapper.js';

export const REGION = 'aks';

/** The portal tables, as data-quality events name them. */
export const TABLES = {
  applicant: 'applicant',
  applyRecord: 'apply_record',
  titleHeld: 'title_held',
  assessment: 'assessment',
  blacklist: 'blacklist',
} as const;

// ---------------------------------------------------------------------------------------------
// Lookup tables: local value → shared value.

/** series_code. */
export const SERIES: ReadonlyMap<string, TitleSeries> = new Map([
  ['ENG', 'ENGINEERING'],
  ['ECO', 'ECONOMICS'],
  ['ACC', 'ACCOUNTING'],
  ['AUD', 'AUDITING'],
  ['STA', 'STATISTICS'],
]);

/** level_code: GB/T 12407 numeric codes, stored as smallint (domain/codes.ts TITLE_LEVELS). */
export const LEVELS: ReadonlyMap<number, TitleLevel> = new Map(
  Object.entries(TITLE_LEVELS).flatMap(([level, { code }]) =>
    code === null ? [] : [[Number(code), level as TitleLevel] as const],
  ),
);

/** track. */
export const REVIEW_KINDS: ReadonlyMap<string, ReviewKind> = new Map([
  ['general', 'REVIEW'],
  ['private_special', 'PRIVATE_ENTERPRISE_REVIEW'],
]);

/** state. */
export const STATUSES: ReadonlyMap<string, ApplicationStatus> = new Map([
  ['draft', 'DRAFT'],
  ['submitted', 'AWAITING_UNIT_AUDIT'],
  ['unit_returned', 'RETURNED_BY_UNIT'],
  ['committee_audit', 'AWAITING_COMMITTEE_AUDIT'],
  ['committee_returned', 'RETURNED_BY_COMMITTEE'],
  ['accepted', 'ACCEPTED'],
  ['paid', 'PAID'],
  ['passed', 'PASSED'],
  ['failed', 'FAILED'],
  ['withdrawn', 'WITHDRAWN'],
  // Not submitted to the committee's first audit by the deadline: notice 001
  // 二(一) and 四(三) ("逾期未补正的，视为放弃申报").
  ['abandoned', 'ABANDONED'],
  ['rejected', 'REJECTED'],
]);

/** title_held.route. */
export const ROUTES: ReadonlyMap<string, QualificationRoute> = new Map([
  ['review', 'REVIEW'],
  ['determination', 'INITIAL_DETERMINATION'],
  ['conferral', 'CONFERRAL'],
  ['exam', 'EXAM'],
  ['skill_bridge', 'SKILL_BRIDGE'],
]);

/** assessment.result. */
export const ASSESSMENT_RESULTS: ReadonlyMap<number, AssessmentResult> = new Map([
  [1, 'EXCELLENT'],
  [2, 'PASS'],
  [3, 'BASIC_PASS'],
  [4, 'FAIL'],
]);

/** applicant.employer_kind. */
export const EMPLOYER_KINDS: ReadonlyMap<number, EmployerKind> = new Map([
  [1, 'STATE_OWNED_ENTERPRISE'],
  [2, 'PRIVATE_ENTERPRISE'],
  [3, 'PUBLIC_INSTITUTION'],
  [4, 'GOVERNMENT_ORGAN'],
  [9, 'OTHER'],
]);

/** applicant.gender_code, GB/T 2261.1. */
export const GENDERS: ReadonlyMap<number, Gender> = new Map([
  [0, 'NOT_KNOWN'],
  [1, 'MALE'],
  [2, 'FEMALE'],
  [9, 'NOT_STATED'],
]);

/** The tables behind an application's coded fields, for the kit's filters and statistics. */
export const CODES = { series: SERIES, level: LEVELS, reviewKind: REVIEW_KINDS, status: STATUSES } satisfies ApplicationCodes;

// ---------------------------------------------------------------------------------------------
// Rows to shared types.

/** An apply_record with the year of its batch (the portal keeps the review year there only). */
export type ApplyRecordRow = ApplyRecord & { batch: Pick<Batch, 'year'> };

function defenceOf(required: boolean | null): DefenceStatus | null {
  if (required === null) return null;
  return required ? 'REQUIRED' : 'NOT_REQUIRED';
}

export function mapApplication(row: ApplyRecordRow, report: DataQualityReporter): Application {
  const localId = String(row.id);
  const map = new RowMapper(report, REGION, TABLES.applyRecord, localId);
  const coded = map.applicationCodes(CODES, { series: row.seriesCode, level: row.levelCode, reviewKind: row.track, status: row.state });
  const submittedAt = instantToBeijing(row.submittedAt);
  return sharedApplication(REGION, localId, {
    ...coded, batchCode: row.batchCode, year: row.batch.year, specialty: row.specialty,
    submissionCount: row.submitCount, submittedAt, returnCount: null, defence: defenceOf(row.defenseRequired), feePaidFen: row.feeCents,
  }, map);
}

export function mapQualification(row: TitleHeld, report: DataQualityReporter): Qualification {
  const map = new RowMapper(report, REGION, TABLES.titleHeld, String(row.id));
  return {
    region: REGION,
    name: row.titleName,
    series: map.optional('series', SERIES, row.seriesCode),
    specialty: null,
    level: map.required('level', LEVELS, row.levelCode),
    obtainedOn: isoDate(row.obtainedOn),
    route: map.optional('route', ROUTES, row.route),
    obtainedInXinjiang: row.inXinjiang,
    approvalDocument: row.docNo,
    certificateNumber: null,
    issuer: null,
    dataQuality: map.issues,
  };
}

/**
 * A blacklist row. The ban runs `ban_years` years from the day of listing, so its last barred day
 * is the day before the listing's anniversary (notice 001 三(一): "个人五年内不得申报"). Without
 * ban_years, or without a listing date to count from, the portal gives no end: the bar is
 * open-ended and treated as in force.
 */
export function mapIntegrityRecord(row: Blacklist): IntegrityRecord {
  const end = row.listedOn !== null && row.banYears !== null ? lastDayOfTerm(row.listedOn, row.banYears) : null;
  return {
    region: REGION,
    reason: row.reason,
    decidedOn: isoDate(row.listedOn),
    barredUntil: isoDate(end),
    openEnded: end === null,
    banYears: row.banYears,
  };
}

/** An assessment row, read with SQL: the table has no key, so Prisma ignores its model. */
export interface AssessmentRow {
  applicantId: number | null;
  year: number | null;
  result: number | null;
}

export function mapAssessment(row: AssessmentRow, report: DataQualityReporter): Assessment {
  // No key of its own: the applicant and year name the row in reports.
  const map = new RowMapper(report, REGION, TABLES.assessment, `${row.applicantId}:${row.year}`);
  return {
    region: REGION,
    year: row.year,
    result: map.required('result', ASSESSMENT_RESULTS, row.result),
    dataQuality: map.issues,
  };
}

/** An applicant row without its ID number: a profile never needs it, so it is never read for one. */
export type ApplicantProfileRow = Omit<Applicant, 'idNumber'>;

export function mapProfile(row: ApplicantProfileRow, report: DataQualityReporter): PersonProfile {
  const map = new RowMapper(report, REGION, TABLES.applicant, String(row.id));
  const ethnicity = map.checked('ethnicity', row.ethnicCode, ethnicityFromCode(row.ethnicCode));
  const political = map.checked('politicalStatus', row.politicalCode, politicalStatusFromCode(row.politicalCode));
  const gender = map.required('gender', GENDERS, row.genderCode);
  const employerKind = map.optional('employerKind', EMPLOYER_KINDS, row.employerKind);
  return sharedProfile({
    name: row.fullName, gender, ethnicity, politicalStatus: political, employer: row.employer, employerKind,
    location: null, civilServant: row.civilServant, retired: row.retired, sanctionUntil: isoDate(row.sanctionUntil),
  }, map);
}
