/**
 * bz (巴州职称管理系统): from the portal's pinyin-initial columns and Chinese labels
 * to the shared types. Pure functions, no I/O.
 *
 * Every coded column has one lookup table below; the kit's RowMapper (subgraphs/template/rowMapper.ts)
 * turns a value outside its table, or NULL in a column the portal always fills, into UNKNOWN (or
 * null for a yes/no), listed and reported. CODES gives the kit the tables its filters and
 * statistics read both ways.
 */
import { TITLE_SERIES, type ApplicationStatus, type AssessmentResult, type DefenceStatus, type EmployerKind, type Gender, type QualificationRoute, type ReviewKind, type TitleLevel, type TitleSeries } from '../../domain/codes.js';
import { ethnicityFromLabel, politicalStatusFromLabel } from '../../domain/nationalCodes.js';
import type { Application, Assessment, IntegrityRecord, PersonProfile, Qualification } from '../../domain/types.js';
import type { Application as ApplicationRow, IntegrityRecord as IntegrityRecordRow, Person as PersonRow, Qualification as QualificationRow } from '../../generated/prisma/bz/client.js';
import type { DataQualityReporter } from '../template/dataQuality.js';
import { isoDate, wallClockToBeijing } from '../../domain/time.js';
import type { ApplicationCodes } from '../template/lookups.js';
import { RowMapper, sharedApplication, sharedProfile } from '../template/rowMapper.js';

export const REGION = 'bz';

// ---------------------------------------------------------------------------------------------
// Lookup tables: every local value the bz portal is known to store.

/**
 * `xl` 系列. The portal types the short label the notices use (工程, 经济, 会计, 审计, 统计), or the
 * national label (工程技术, 卫生技术, …), with or without the suffix 系列 (the notices write
 * "工程系列", e.g. notice 000 title, notice 003 §一).
 */
export const SERIES_BY_LABEL: ReadonlyMap<string, TitleSeries> = (() => {
  const named: Array<[string, TitleSeries]> = [
    ['工程', 'ENGINEERING'],
    ['经济', 'ECONOMICS'],
    ['会计', 'ACCOUNTING'],
    ['审计', 'AUDITING'],
    ['统计', 'STATISTICS'],
  ];
  for (const [series, label] of Object.entries(TITLE_SERIES)) {
    if (series !== 'UNKNOWN') named.push([label, series as TitleSeries]);
  }
  return new Map(named.flatMap(([label, series]) => [[label, series] as const, [`${label}系列`, series] as const]));
})();

/** `sb_sqs.sbjb` and `ry_rzzg.jb`, level labels of GB/T 12407-2008. */
export const LEVEL_BY_LABEL: ReadonlyMap<string, TitleLevel> = new Map([
  ['员级', 'TECHNICIAN'],
  ['助理级', 'ASSISTANT'],
  ['初级', 'JUNIOR'],
  ['中级', 'INTERMEDIATE'],
  ['副高级', 'ASSOCIATE_SENIOR'],
  ['正高级', 'SENIOR'],
]);

/**
 * `sb_sqs.pslb` 评审类别. 民营专项 is notice 000's 民营企业专项职称评审; 初定 and 授予 are the
 * 初次确定 and 授予 that notices 003 and 004 §一 offer beside 评审.
 */
export const REVIEW_KIND_BY_LABEL: ReadonlyMap<string, ReviewKind> = new Map([['评审', 'REVIEW'], ['民营专项', 'PRIVATE_ENTERPRISE_REVIEW'], ['初定', 'INITIAL_DETERMINATION'], ['授予', 'CONFERRAL']]);

/** `sb_sqs.zt` 状态. bz has no "abandoned" state: ABANDONED never comes from bz. */
export const STATUS_BY_CODE: ReadonlyMap<number, ApplicationStatus> = new Map([
  [0, 'DRAFT'],
  [1, 'AWAITING_UNIT_AUDIT'],
  [2, 'RETURNED_BY_UNIT'],
  [3, 'AWAITING_COMMITTEE_AUDIT'],
  [4, 'RETURNED_BY_COMMITTEE'],
  [5, 'ACCEPTED'],
  [6, 'PAID'],
  [7, 'PASSED'],
  [8, 'FAILED'],
  [9, 'WITHDRAWN'],
  [10, 'REJECTED'],
]);

/** `sb_sqs.dbzt` 答辩状态. */
export const DEFENCE_BY_LABEL: ReadonlyMap<string, DefenceStatus> = new Map([['免答辩', 'EXEMPT'], ['待答辩', 'PENDING'], ['已答辩', 'DONE']]);

/** `ry_rzzg.qdfs` 取得方式. */
export const ROUTE_BY_LABEL: ReadonlyMap<string, QualificationRoute> = new Map([
  ['评审', 'REVIEW'],
  ['初定', 'INITIAL_DETERMINATION'],
  ['授予', 'CONFERRAL'],
  ['考试', 'EXAM'],
  ['认定', 'RECOGNITION'],
]);

/** `ry_rzzg.qddq` 取得地区: whether the title was obtained in Xinjiang. */
export const IN_XINJIANG_BY_LABEL: ReadonlyMap<string, boolean> = new Map([
  ['疆内', true],
  ['疆外', false],
]);

/** `ry_ndkh.khjg` 考核结果. */
export const ASSESSMENT_RESULT_BY_LABEL: ReadonlyMap<string, AssessmentResult> = new Map([['优秀', 'EXCELLENT'], ['合格', 'PASS'], ['基本合格', 'BASIC_PASS'], ['不合格', 'FAIL']]);

/** `ry_jbxx.dwxz` 单位性质. */
export const EMPLOYER_KIND_BY_LABEL: ReadonlyMap<string, EmployerKind> = new Map([
  ['民营企业', 'PRIVATE_ENTERPRISE'],
  ['国有企业', 'STATE_OWNED_ENTERPRISE'],
  ['事业单位', 'PUBLIC_INSTITUTION'],
  ['机关', 'GOVERNMENT_ORGAN'],
  ['其他', 'OTHER'],
]);

/** `ry_jbxx.xb` 性别, to GB/T 2261.1. */
export const GENDER_BY_LABEL: ReadonlyMap<string, Gender> = new Map([['男', 'MALE'], ['女', 'FEMALE']]);

/** The tables behind an application's coded fields, for the kit's filters and statistics. */
export const CODES = {
  series: SERIES_BY_LABEL,
  level: LEVEL_BY_LABEL,
  reviewKind: REVIEW_KIND_BY_LABEL,
  status: STATUS_BY_CODE,
} satisfies ApplicationCodes;

// ---------------------------------------------------------------------------------------------
// Row mappers.

/** `jfje` numeric(8,2) in CNY to whole fen; the string form avoids binary rounding of the decimal. */
function yuanToFen(amount: { toFixed(digits: number): string } | null): number | null {
  if (amount === null) return null;
  return Math.round(Number(amount.toFixed(2)) * 100);
}

/** An application (`sb_sqs`). */
export function mapApplication(row: ApplicationRow, report: DataQualityReporter): Application {
  const localId = row.id.toString();
  const map = new RowMapper(report, REGION, 'sb_sqs', localId);
  const coded = map.applicationCodes(CODES, row);
  // The portal leaves 答辩状态 empty until the committee decides whether a defence is needed
  // (drafts, applications still in audit): an empty one is "not decided yet", which the shared
  // schema says with null, not a gap in the data.
  const defence = map.optional('defence', DEFENCE_BY_LABEL, row.defenceStatus);
  const submittedAt = wallClockToBeijing(row.lastSubmittedAt);
  return sharedApplication(REGION, localId, {
    ...coded, batchCode: row.batchCode, year: row.year, specialty: row.specialty,
    submissionCount: row.submissionCount, submittedAt, returnCount: null, defence, feePaidFen: yuanToFen(row.feePaid),
  }, map);
}

/** A qualification held (`ry_rzzg`). bz records no issuer. */
export function mapQualification(row: QualificationRow, report: DataQualityReporter): Qualification {
  const map = new RowMapper(report, REGION, 'ry_rzzg', row.id.toString());
  const series = map.required('series', SERIES_BY_LABEL, row.series);
  const level = map.required('level', LEVEL_BY_LABEL, row.level);
  const route = map.required('route', ROUTE_BY_LABEL, row.route);
  // 疆内 or 疆外 decides how many title documents an applicant uploads (notices 000, 001, 003,
  // 004), so an empty one is a gap to report.
  const where = row.obtainedWhere;
  const inXinjiang = map.checked('obtainedInXinjiang', where, where === null ? null : IN_XINJIANG_BY_LABEL.get(where), true);
  return {
    region: REGION,
    name: row.name,
    series,
    specialty: row.specialty,
    level,
    obtainedOn: isoDate(row.obtainedOn),
    route,
    obtainedInXinjiang: inXinjiang,
    approvalDocument: row.approvalDoc,
    certificateNumber: row.certificateNo,
    issuer: null,
    dataQuality: map.issues,
  };
}

/** An integrity record (`cx_sxjl`). `jzrq` is the last barred day; NULL means no end was set. */
export function mapIntegrityRecord(row: IntegrityRecordRow): IntegrityRecord {
  return {
    region: REGION,
    reason: row.reason,
    decidedOn: isoDate(row.decidedOn),
    barredUntil: isoDate(row.barredUntil),
    openEnded: row.barredUntil === null,
    banYears: null,
  };
}

/** A row of `ry_ndkh`, which has no key: Prisma ignores the model, so it is read with SQL. */
export interface AssessmentRow {
  ryid: bigint;
  khnd: number | null;
  khjg: string | null;
}

/** An annual assessment (`ry_ndkh`). Its events name the row by person and year, `<ryid>/<khnd>`. */
export function mapAssessment(row: AssessmentRow, report: DataQualityReporter): Assessment {
  const map = new RowMapper(report, REGION, 'ry_ndkh', `${row.ryid}/${row.khnd ?? ''}`);
  return {
    region: REGION,
    year: row.khnd,
    result: map.required('result', ASSESSMENT_RESULT_BY_LABEL, row.khjg),
    dataQuality: map.issues,
  };
}

/** The columns of `ry_jbxx` a profile is made from (never `sfzh`). */
export type ProfileRow = Pick<
  PersonRow,
  'id' | 'name' | 'gender' | 'ethnicity' | 'politicalStatus' | 'employer' | 'employerKind' | 'county'
>;

/**
 * A person's profile (`ry_jbxx`). bz records no civil-servant, retirement or sanction fields.
 * Ethnicity and political status labels outside GB/T 3304 / 4762 leave code and label null.
 */
export function mapProfile(row: ProfileRow, report: DataQualityReporter): PersonProfile {
  const map = new RowMapper(report, REGION, 'ry_jbxx', row.id.toString());
  const gender = map.required('gender', GENDER_BY_LABEL, row.gender);
  // The portal always fills 民族 and 政治面貌, so an empty one is a gap too.
  const ethnicity = map.checked('ethnicity', row.ethnicity, ethnicityFromLabel(row.ethnicity), true);
  const political = map.checked('politicalStatus', row.politicalStatus, politicalStatusFromLabel(row.politicalStatus), true);
  const employerKind = map.required('employerKind', EMPLOYER_KIND_BY_LABEL, row.employerKind);
  return sharedProfile({
    name: row.name, gender, ethnicity, politicalStatus: political, employer: row.employer, employerKind,
    location: row.county, civilServant: null, retired: null, sanctionUntil: null,
  }, map);
}
