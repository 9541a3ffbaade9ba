/**
 * What every region's generator shares: the drawing context, the writer contract, and draws that
 * do not depend on a portal's format (when titles are approved, which years are assessed, firm
 * names, the rate of codes no mapping knows).
 */
import type { SqlClient } from '../platform/database/sql.js';
import { dayNumber, formatDay } from '../domain/time.js';
import type { CastMember } from './cast.js';
import type { Persona } from './population.js';
import type { Random, Weighted } from './random.js';

export type DemoRegion = 'bz' | 'aks' | 'wlmq';

export interface DrawContext {
  /** The region's own stream: every draw about this region's rows comes from it, in order. */
  random: Random;
  /**
   * The latest review year written. Its applications are still in progress (a spread of open
   * states); earlier years are decided (mostly passed or failed).
   */
  currentYear: number;
}

/** One portal's side of the generator. `R` is one person's rows in that portal. */
export interface RegionGenerator<R> {
  region: DemoRegion;
  /** The portal's tables, as SQL names, parents first. */
  portalTables: readonly string[];
  /** The cast member's rows in this portal, if they have any. */
  castRecords(member: CastMember): R | undefined;
  /**
   * One person's rows with exactly `years.length` applications, one per year, years ascending.
   * `crossRegion`: the person also applies in another region, so must be recorded by their
   * resident ID number.
   */
  drawPerson(context: DrawContext, person: Persona, years: readonly number[], crossRegion: boolean): R;
  applicationCount(records: R): number;
  createWriter(): RegionWriter<R>;
}

export interface RegionWriter<R> {
  /** Rows written before any person: aks batches. */
  writeReferenceData(sql: SqlClient, years: readonly number[]): Promise<void>;
  /** Buffers one person's rows, assigning their keys. */
  add(records: R): void;
  /** Rows buffered and not yet written. */
  readonly pendingRows: number;
  flush(sql: SqlClient): Promise<void>;
  /** Flushes and moves the serial sequences past the keys written. */
  finish(sql: SqlClient): Promise<void>;
  /** Rows written per table. */
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * Share of values no mapping knows (typos, codes of newer portal versions): such
 * values occur in real portal data; the subgraphs must keep and report them.
 */
export const UNKNOWN_CODE_RATE = 0.005;

/** A day in the last weeks of `year`, when titles of that year's reviews are approved. */
export function approvalDate(random: Random, year: number): string {
  return formatDay(dayNumber(year, random.int(11, 12), random.int(1, 28)));
}

/** A date within `year`. */
export function dateIn(random: Random, year: number): string {
  return formatDay(dayNumber(year, 1, 1) + random.int(0, 364));
}

/**
 * The years whose annual assessment an application of `year` shows: the three before it
 * (notice 003 §五(一)10, 004 §五(一)10: 近三年年度考核; 000 附件1 §10: 2021—2023 for 2024).
 */
export function assessedYears(year: number): number[] {
  return [year - 3, year - 2, year - 1];
}

/** 年度考核 results in the order 优秀, 合格, 基本合格, 不合格, weighted as a typical workforce. */
export const ASSESSMENT_MIX: Weighted<'优秀' | '合格' | '基本合格' | '不合格'> = [
  ['优秀', 15], ['合格', 80], ['基本合格', 3.5], ['不合格', 1.5],
];

/** The year a title was obtained: some years before the first application, never before age 21. */
export function priorTitleYear(random: Random, firstYear: number, birthYear: number, yearsBefore: readonly [number, number]): number {
  return Math.max(birthYear + 21, firstYear - random.int(yearsBefore[0], yearsBefore[1]));
}

const FIRM_WORDS = [
  '鑫源', '华通', '恒达', '天正', '金桥', '昆仑', '众和', '宏远', '利民', '天元', '新丝路', '广汇', '瀚海', '西域',
  '天山', '丝路', '绿洲', '胡杨', '雪莲', '中泰', '荣盛', '安信', '诚达', '顺通', '嘉禾', '博远', '正信', '华瑞',
];
const FIRM_SUFFIXES: Weighted<string> = [['有限公司', 6], ['有限责任公司', 3], ['股份有限公司', 1]];

/** An invented firm: place, trade name, industry, legal form. */
export function firmName(random: Random, place: string, industry: string): string {
  return `${place}${random.pick(FIRM_WORDS)}${industry}${random.weighted(FIRM_SUFFIXES)}`;
}

/** Province abbreviations for approval documents of titles obtained outside Xinjiang. */
export const OTHER_PROVINCE_ABBREVIATIONS = ['豫', '川', '甘', '陕', '鲁', '苏', '冀', '鄂', '湘', '皖', '渝', '京'];

/** A document number such as `巴职改办字〔2017〕41号`. */
export function documentNumber(random: Random, issuer: string, year: number): string {
  return `${issuer}〔${year}〕${random.int(1, 120)}号`;
}

/**
 * Moves each serial's sequence past the explicit keys written, so that the portal's own inserts
 * (which take the default) never collide with them.
 */
export async function setSequences(sql: SqlClient, serials: ReadonlyArray<readonly [string, string, number]>): Promise<void> {
  for (const [table, column, last] of serials) {
    // setval(seq, 1, false) leaves an unused sequence starting at 1.
    await sql.query('SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)', [table, column, Math.max(last, 1), last > 0]);
  }
}
