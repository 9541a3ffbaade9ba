/**
 * wlmq (乌鲁木齐市职称评审系统) declarations to the shared types. Pure: no I/O.
 *
 * The portal keeps one row per declaration (申报) in "Declaration", with the person's details
 * copied into each and their earlier titles as a JSON array.
 * Every local value the wlmq portal is known to store is in a table below. Values are matched exactly as
 * stored, as the kit's SQL filters match them, so a filter and a mapped row never disagree. The
 * kit's RowMapper (subgraphs/template/rowMapper.ts) keeps a value outside them as UNKNOWN, listed
 * and reported; CODES gives the kit the tables its filters and statistics read both ways.
 */
import type { ApplicationStatus, Gender, ReviewKind, TitleLevel, TitleSeries } from '../../domain/codes.js';
import { ethnicityFromLabel, politicalStatusFromLabel } from '../../domain/nationalCodes.js';
import type { Application, IntegrityRecord, PersonProfile, Qualification } from '../../domain/types.js';
import type { Declaration } from '../../generated/prisma/wlmq/client.js';
import type { DataQualityReporter } from '../template/dataQuality.js';
import { isoDate } from '../../domain/time.js';
import type { ApplicationCodes } from '../template/lookups.js';
import { dedupeIdentical } from '../template/keys.js';
import { jsonKind, RowMapper, sharedApplication, sharedProfile } from '../template/rowMapper.js';

export const REGION = 'wlmq';

/** The portal's one table, as data-quality events name it. */
export const TABLE = 'Declaration';

// ---------------------------------------------------------------------------------------------
// Lookup tables: local value → shared value.

/** "seriesName". */
export const SERIES: ReadonlyMap<string, TitleSeries> = new Map([
  ['工程', 'ENGINEERING'],
  ['经济', 'ECONOMICS'],
  ['会计', 'ACCOUNTING'],
  ['审计', 'AUDITING'],
  ['统计', 'STATISTICS'],
]);

/** "way". 考评结合 is an exam plus a review, still a review; 认定 is a determination. */
export const REVIEW_KINDS: ReadonlyMap<string, ReviewKind> = new Map([
  ['评审', 'REVIEW'],
  ['考评结合', 'EXAM_AND_REVIEW'],
  ['认定', 'RECOGNITION'],
]);

/** "flowState". wlmq says 评审机构 where the other portals say 评委会 (notice 002 四(二)). */
export const STATUSES: ReadonlyMap<string, ApplicationStatus> = new Map([
  ['暂存', 'DRAFT'],
  ['待单位审核', 'AWAITING_UNIT_AUDIT'],
  ['单位退回', 'RETURNED_BY_UNIT'],
  ['待评审机构审核', 'AWAITING_COMMITTEE_AUDIT'],
  ['评审机构退回', 'RETURNED_BY_COMMITTEE'],
  ['审核通过', 'ACCEPTED'],
  ['已缴费', 'PAID'],
  ['评审通过', 'PASSED'],
  ['评审不通过', 'FAILED'],
  ['已撤回', 'WITHDRAWN'],
  ['不予受理', 'REJECTED'],
]);

/** "sex". */
export const GENDERS: ReadonlyMap<string, Gender> = new Map([
  ['男', 'MALE'],
  ['女', 'FEMALE'],
]);

/** "titleHistory"[].place: 取得地区. */
export const PLACES: ReadonlyMap<string, boolean> = new Map([
  ['疆内', true],
  ['疆外', false],
]);

/** "certType" values that are not a resident ID card: such a declaration has no ID number to match. */
export const NON_RESIDENT_CERT_TYPES: readonly string[] = ['护照', '港澳居民来往内地通行证'];

export interface TitleReading {
  level: TitleLevel;
  series: TitleSeries;
}

// The title's name carries its level: 正高级… / 高级… / 助理… / …师 / 技术员. The rule only applies
// to the professions of the series wlmq reviews (notice 002 一: 经济, 审计, 会计,
// 统计 and 工程), because elsewhere the shape misleads: 医师 is a junior title, 技师 a skilled
// worker's grade, not a professional title.
const PROFESSIONS: readonly (readonly [string, TitleSeries])[] = [
  ['工程师', 'ENGINEERING'],
  ['经济师', 'ECONOMICS'],
  ['会计师', 'ACCOUNTING'],
  ['审计师', 'AUDITING'],
  ['统计师', 'STATISTICS'],
];
const LEVEL_PREFIXES: readonly (readonly [string, TitleLevel])[] = [
  ['正高级', 'SENIOR'],
  ['高级', 'ASSOCIATE_SENIOR'],
  ['', 'INTERMEDIATE'],
  ['助理', 'ASSISTANT'],
];

/**
 * Every title name the rule reads, with its level and series: each level prefix on each profession,
 * plus 技术员 (the engineering series' 员级). Finite, so the SQL filters can list the names exactly.
 */
export const TITLES: ReadonlyMap<string, TitleReading> = new Map([
  ...PROFESSIONS.flatMap(([profession, series]) =>
    LEVEL_PREFIXES.map(([prefix, level]) => [`${prefix}${profession}`, { level, series }] as const),
  ),
  ['技术员', { level: 'TECHNICIAN', series: 'ENGINEERING' }],
]);

/** "targetTitle" → level, by the title rule. */
export const LEVELS: ReadonlyMap<string, TitleLevel> = new Map(
  [...TITLES].map(([title, { level }]) => [title, level]),
);

// ---------------------------------------------------------------------------------------------
// The review year.

// PostgreSQL's [[:space:]] is the server locale's iswspace(). In C.UTF-8 (our servers, and glibc's
// Unicode locales) that is these characters; JavaScript's \s differs (it adds U+00A0, U+2007,
// U+202F and U+FEFF), so the class is spelled out. The parity test runs it against the server.
const SQL_SPACE = '[\\t\\n\\v\\f\\r \\u1680\\u2000-\\u2006\\u2008-\\u200a\\u2028\\u2029\\u205f\\u3000]';
const REVIEW_YEAR = new RegExp(`^${SQL_SPACE}*([0-9]{4})${SQL_SPACE}*(?:年度|年)?${SQL_SPACE}*$`);

/**
 * `2024年度` → 2024, or null when the text is not a year. Agrees exactly with the SQL function
 * gateway.wlmq_review_year (prisma/wlmq/migrations/20261121000000_gateway_lookup), which the year
 * filters and statistics use: a row is in a year's list exactly when its mapped year is that year.
 */
export function parseReviewYear(text: string | null): number | null {
  const match = text === null ? null : REVIEW_YEAR.exec(text);
  return match ? Number(match[1]) : null;
}

/** The tables behind an application's coded fields, for the kit's filters and statistics. */
export const CODES = { series: SERIES, level: LEVELS, reviewKind: REVIEW_KINDS, status: STATUSES } satisfies ApplicationCodes;

// ---------------------------------------------------------------------------------------------
// Rows to shared types.

/** The columns an application is read from. */
export type DeclarationApplicationRow = Pick<
  Declaration,
  'declarationNo' | 'reviewYear' | 'seriesName' | 'majorName' | 'targetTitle' | 'way' | 'flowState' | 'returnTimes'
>;

/** A declaration is the application: the portal has no batch, submission count, time, defence or fee. */
export function mapApplication(row: DeclarationApplicationRow, report: DataQualityReporter): Application {
  const localId = row.declarationNo;
  const map = new RowMapper(report, REGION, TABLE, localId);
  const year = parseReviewYear(row.reviewYear);
  if (year === null) map.issue('year', row.reviewYear);
  const coded = map.applicationCodes(CODES, { series: row.seriesName, level: row.targetTitle, reviewKind: row.way, status: row.flowState });
  return sharedApplication(REGION, localId, {
    ...coded, batchCode: null, year, specialty: row.majorName,
    submissionCount: null, submittedAt: null, returnCount: row.returnTimes, defence: null, feePaidFen: null,
  }, map);
}

/** The JSON values Prisma hands back for a jsonb column. */
export type JsonValue = Declaration['titleHistory'];

type JsonObject = { readonly [key: string]: JsonValue | undefined };

function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MONTH_OR_DAY = /^[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?$/;

/**
 * One element of "titleHistory": `{"title": "工程师", "obtainedAt": "2019-12", "issuer": "…",
 * "place": "疆内"|"疆外"}`. Level and series come from the title's name; the month is kept as the
 * portal gives it; the portal does not record the route. An element that is not an object, has no
 * title or an unknown one is kept with level UNKNOWN, never dropped.
 */
export function mapQualification(declarationNo: string, element: JsonValue, report: DataQualityReporter): Qualification {
  const map = new RowMapper(report, REGION, TABLE, declarationNo);
  const qualification: Qualification = {
    region: REGION,
    name: null,
    series: null,
    specialty: null,
    level: 'UNKNOWN',
    obtainedOn: null,
    route: null,
    obtainedInXinjiang: null,
    approvalDocument: null,
    certificateNumber: null,
    issuer: null,
    dataQuality: map.issues,
  };
  if (!isJsonObject(element)) {
    // Only the element's JSON type is reported: its content is free text typed by the applicant.
    map.issue('level', `(${jsonKind(element)})`);
    return qualification;
  }
  const { title, obtainedAt, issuer, place } = element;
  if (typeof title === 'string') {
    const reading = TITLES.get(title);
    qualification.name = title;
    qualification.series = reading?.series ?? null;
    qualification.level = map.required('level', LEVELS, title);
  } else {
    map.issue('level', title === undefined || title === null ? null : `(${jsonKind(title)})`);
  }
  if (typeof obtainedAt === 'string' && MONTH_OR_DAY.test(obtainedAt)) {
    qualification.obtainedOn = obtainedAt;
  } else if (obtainedAt !== undefined && obtainedAt !== null) {
    map.issue('obtainedOn', typeof obtainedAt === 'string' ? obtainedAt : `(${jsonKind(obtainedAt)})`);
  }
  if (typeof place === 'string') {
    qualification.obtainedInXinjiang = map.checked('obtainedInXinjiang', place, PLACES.get(place));
  } else if (place !== undefined && place !== null) {
    map.issue('obtainedInXinjiang', `(${jsonKind(place)})`);
  }
  qualification.issuer = typeof issuer === 'string' ? issuer : null;
  return qualification;
}

/** The columns qualifications are read from. */
export type DeclarationTitleHistoryRow = Pick<Declaration, 'declarationNo' | 'titleHistory'>;

/**
 * All titles of one declaration, identical entries once. NULL (or JSON null) is no history; a
 * value that is not an array is one data-quality event and no qualifications, since there is no
 * element to keep.
 */
export function mapTitleHistory(row: DeclarationTitleHistoryRow, report: DataQualityReporter): Qualification[] {
  const history = row.titleHistory;
  if (history === null) return [];
  if (!Array.isArray(history)) {
    new RowMapper(report, REGION, TABLE, row.declarationNo).issue('qualifications', `(${jsonKind(history)})`);
    return [];
  }
  return dedupeIdentical(history.map((element) => mapQualification(row.declarationNo, element, report)));
}

/** The columns an integrity record is read from. */
export type DeclarationCreditRow = Pick<Declaration, 'declarationNo' | 'creditFlag' | 'creditUntil'>;

/**
 * "creditFlag" true is one record, barred to "creditUntil" (read as the last barred day,
 * inclusive). Flagged without an end date, the bar is open-ended and treated as in force.
 * Not flagged, or NULL, is no record. The portal keeps no reason
 * or decision date.
 */
export function mapIntegrityRecord(row: DeclarationCreditRow): IntegrityRecord | null {
  if (row.creditFlag !== true) return null;
  return {
    region: REGION,
    reason: null,
    decidedOn: null,
    barredUntil: isoDate(row.creditUntil),
    openEnded: row.creditUntil === null,
    banYears: null,
  };
}

/** The columns a profile is read from: never the ID number. */
export type DeclarationProfileRow = Pick<
  Declaration,
  'declarationNo' | 'name' | 'sex' | 'nation' | 'politics' | 'unitName' | 'zone'
>;

/**
 * The person as one declaration records them. The portal records no employer kind, civil-servant
 * or retirement flag, or sanction; "zone" (片区) is the location.
 */
export function mapProfile(row: DeclarationProfileRow, report: DataQualityReporter): PersonProfile {
  const map = new RowMapper(report, REGION, TABLE, row.declarationNo);
  const ethnicity = map.checked('ethnicity', row.nation, ethnicityFromLabel(row.nation));
  const political = map.checked('politicalStatus', row.politics, politicalStatusFromLabel(row.politics));
  const gender = map.required('gender', GENDERS, row.sex);
  // An unlisted label is still the portal's own words: kept for display, without a code.
  return sharedProfile({
    name: row.name, gender, ethnicity, politicalStatus: political, employer: row.unitName, employerKind: null,
    location: row.zone, civilServant: null, retired: null, sanctionUntil: null,
  }, map, { ethnicity: row.nation, politicalStatus: row.politics });
}
