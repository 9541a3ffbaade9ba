/**
 * The portals' rows exactly as each portal stores them, without their keys:
 * the writer assigns those. Column names are the portals' own, so that DEMO_CAST reads like the
 * database, and each table's column list for the unnest insert sits next to its row type.
 */
import type { ColumnSpec } from './tableWriter.js';

// ---------------------------------------------------------------------------------------------
// bz

/** `ry_jbxx`, without `ryid`. */
export interface BzPersonRow {
  xm: string;
  xb: '男' | '女';
  mz: string;
  zzmm: string;
  /** As typed: lowercase x, spaces and full-width digits occur. */
  sfzh: string;
  gzdw: string;
  dwxz: string;
  szxs: string;
  /** `YYYY-MM-DD HH:MM:SS`, Beijing wall-clock. */
  lrsj: string;
}

/** `sb_sqs`, without `sqsid` and `ryid`. */
export interface BzApplicationRow {
  pcdm: string;
  sbnd: number;
  xl: string;
  zy: string;
  sbjb: string;
  pslb: string;
  zt: number;
  tjcs: number;
  zhtjsj: string | null;
  dbzt: string | null;
  /** numeric(8,2) as text, e.g. `380.00`. */
  jfje: string | null;
}

/** `ry_rzzg`, without `zgid` and `ryid`. */
export interface BzQualificationRow {
  zgmc: string;
  xl: string;
  zy: string;
  jb: string;
  qdsj: string;
  qdfs: string;
  pzwh: string;
  zsbh: string;
  qddq: '疆内' | '疆外';
}

/** `ry_ndkh`, without `ryid`. */
export interface BzAssessmentRow {
  khnd: number;
  khjg: string;
}

/** `cx_sxjl`, without `jlid` and `ryid`. */
export interface BzIntegrityRow {
  sxyy: string;
  cfrq: string;
  jzrq: string;
}

export const BZ_COLUMNS = {
  ry_jbxx: [
    { name: 'ryid', type: 'bigint' }, { name: 'xm', type: 'text' }, { name: 'xb', type: 'text' },
    { name: 'mz', type: 'text' }, { name: 'zzmm', type: 'text' }, { name: 'sfzh', type: 'text' },
    { name: 'gzdw', type: 'text' }, { name: 'dwxz', type: 'text' }, { name: 'szxs', type: 'text' },
    { name: 'lrsj', type: 'timestamp' },
  ],
  sb_sqs: [
    { name: 'sqsid', type: 'bigint' }, { name: 'ryid', type: 'bigint' }, { name: 'pcdm', type: 'text' },
    { name: 'sbnd', type: 'smallint' }, { name: 'xl', type: 'text' }, { name: 'zy', type: 'text' },
    { name: 'sbjb', type: 'text' }, { name: 'pslb', type: 'text' }, { name: 'zt', type: 'smallint' },
    { name: 'tjcs', type: 'smallint' }, { name: 'zhtjsj', type: 'timestamp' }, { name: 'dbzt', type: 'text' },
    { name: 'jfje', type: 'numeric' },
  ],
  ry_rzzg: [
    { name: 'zgid', type: 'bigint' }, { name: 'ryid', type: 'bigint' }, { name: 'zgmc', type: 'text' },
    { name: 'xl', type: 'text' }, { name: 'zy', type: 'text' }, { name: 'jb', type: 'text' },
    { name: 'qdsj', type: 'date' }, { name: 'qdfs', type: 'text' }, { name: 'pzwh', type: 'text' },
    { name: 'zsbh', type: 'text' }, { name: 'qddq', type: 'text' },
  ],
  ry_ndkh: [{ name: 'ryid', type: 'bigint' }, { name: 'khnd', type: 'smallint' }, { name: 'khjg', type: 'text' }],
  cx_sxjl: [
    { name: 'jlid', type: 'bigint' }, { name: 'ryid', type: 'bigint' }, { name: 'sxyy', type: 'text' },
    { name: 'cfrq', type: 'date' }, { name: 'jzrq', type: 'date' },
  ],
} as const satisfies Record<string, readonly ColumnSpec[]>;

// ---------------------------------------------------------------------------------------------
// aks

/** `applicant`, without `id`. */
export interface AksApplicantRow {
  /** 15 or 18 characters, upper or lower x. */
  id_card: string;
  full_name: string;
  /** GB/T 2261.1: 1 男, 2 女. */
  gender_code: number;
  /** GB/T 3304. */
  ethnic_code: string;
  /** GB/T 4762. */
  political_code: string;
  employer: string;
  /** 1 国有企业 · 2 民营企业 · 3 事业单位 · 4 机关 · 9 其他. */
  employer_kind: number;
  civil_servant: boolean;
  retired: boolean;
  sanction_until: string | null;
  /** timestamptz text with offset, e.g. `2024-07-25 09:30:00+08`. */
  created_at: string;
}

/** `batch`. */
export interface AksBatchRow {
  code: string;
  title: string;
  year: number;
  apply_from: string;
  apply_until: string;
  audit_from: string;
  audit_until: string;
  pay_from: string;
  pay_until: string;
}

/** `apply_record`, without `id` and `applicant_id`. */
export interface AksApplyRecordRow {
  batch_code: string;
  series_code: string;
  specialty: string;
  level_code: number;
  track: string;
  state: string;
  submit_count: number;
  submitted_at: string | null;
  fee_cents: number | null;
  defense_required: boolean;
}

/** `title_held`, without `id` and `applicant_id`. */
export interface AksTitleHeldRow {
  title_name: string;
  series_code: string;
  level_code: number;
  obtained_on: string;
  route: string;
  in_xinjiang: boolean;
  doc_no: string;
}

/** `assessment`, without `applicant_id`. */
export interface AksAssessmentRow {
  year: number;
  /** 1 优秀 · 2 合格 · 3 基本合格 · 4 不合格. */
  result: number;
}

/** `blacklist`, without `id` and `applicant_id`. */
export interface AksBlacklistRow {
  reason: string;
  listed_on: string;
  ban_years: number;
}

export const AKS_COLUMNS = {
  applicant: [
    { name: 'id', type: 'int' }, { name: 'id_card', type: 'text' }, { name: 'full_name', type: 'text' },
    { name: 'gender_code', type: 'smallint' }, { name: 'ethnic_code', type: 'text' },
    { name: 'political_code', type: 'text' }, { name: 'employer', type: 'text' },
    { name: 'employer_kind', type: 'smallint' }, { name: 'civil_servant', type: 'boolean' },
    { name: 'retired', type: 'boolean' }, { name: 'sanction_until', type: 'date' },
    { name: 'created_at', type: 'timestamptz' },
  ],
  batch: [
    { name: 'code', type: 'text' }, { name: 'title', type: 'text' }, { name: 'year', type: 'smallint' },
    { name: 'apply_from', type: 'timestamptz' }, { name: 'apply_until', type: 'timestamptz' },
    { name: 'audit_from', type: 'date' }, { name: 'audit_until', type: 'date' },
    { name: 'pay_from', type: 'date' }, { name: 'pay_until', type: 'date' },
  ],
  apply_record: [
    { name: 'id', type: 'int' }, { name: 'applicant_id', type: 'int' }, { name: 'batch_code', type: 'text' },
    { name: 'series_code', type: 'text' }, { name: 'specialty', type: 'text' }, { name: 'level_code', type: 'smallint' },
    { name: 'track', type: 'text' }, { name: 'state', type: 'text' }, { name: 'submit_count', type: 'smallint' },
    { name: 'submitted_at', type: 'timestamptz' }, { name: 'fee_cents', type: 'int' },
    { name: 'defense_required', type: 'boolean' },
  ],
  title_held: [
    { name: 'id', type: 'int' }, { name: 'applicant_id', type: 'int' }, { name: 'title_name', type: 'text' },
    { name: 'series_code', type: 'text' }, { name: 'level_code', type: 'smallint' }, { name: 'obtained_on', type: 'date' },
    { name: 'route', type: 'text' }, { name: 'in_xinjiang', type: 'boolean' }, { name: 'doc_no', type: 'text' },
  ],
  assessment: [{ name: 'applicant_id', type: 'int' }, { name: 'year', type: 'smallint' }, { name: 'result', type: 'smallint' }],
  blacklist: [
    { name: 'id', type: 'int' }, { name: 'applicant_id', type: 'int' }, { name: 'reason', type: 'text' },
    { name: 'listed_on', type: 'date' }, { name: 'ban_years', type: 'smallint' },
  ],
} as const satisfies Record<string, readonly ColumnSpec[]>;

// ---------------------------------------------------------------------------------------------
// wlmq

/** One entry of `"titleHistory"`. */
export interface WlmqTitleHistoryEntry {
  title: string;
  /** `YYYY-MM`. */
  obtainedAt: string;
  issuer: string;
  place: '疆内' | '疆外';
}

/** `"Declaration"`, without `"declarationNo"` (the writer numbers declarations per year). */
export interface WlmqDeclarationRow {
  certType: string;
  /** As typed: spaces, full-width digits and lowercase x occur. */
  certNo: string;
  name: string;
  sex: '男' | '女';
  nation: string;
  politics: string;
  unitName: string;
  unitCreditCode: string;
  zone: string;
  reviewYear: string;
  seriesName: string;
  majorName: string;
  targetTitle: string;
  way: string;
  flowState: string;
  returnTimes: number;
  titleHistory: readonly WlmqTitleHistoryEntry[];
  creditFlag: boolean;
  creditUntil: string | null;
  /** `YYYY-MM-DD HH:MM:SS`, Beijing wall-clock. */
  createdAt: string;
  updatedAt: string;
}

export const WLMQ_COLUMNS = {
  Declaration: [
    { name: '"declarationNo"', type: 'text' }, { name: '"certType"', type: 'text' }, { name: '"certNo"', type: 'text' },
    { name: '"name"', type: 'text' }, { name: '"sex"', type: 'text' }, { name: '"nation"', type: 'text' },
    { name: '"politics"', type: 'text' }, { name: '"unitName"', type: 'text' }, { name: '"unitCreditCode"', type: 'text' },
    { name: '"zone"', type: 'text' }, { name: '"reviewYear"', type: 'text' }, { name: '"seriesName"', type: 'text' },
    { name: '"majorName"', type: 'text' }, { name: '"targetTitle"', type: 'text' }, { name: '"way"', type: 'text' },
    { name: '"flowState"', type: 'text' }, { name: '"returnTimes"', type: 'int' }, { name: '"titleHistory"', type: 'jsonb' },
    { name: '"creditFlag"', type: 'boolean' }, { name: '"creditUntil"', type: 'date' }, { name: '"createdAt"', type: 'timestamp' },
    { name: '"updatedAt"', type: 'timestamp' },
  ],
} as const satisfies Record<string, readonly ColumnSpec[]>;

// ---------------------------------------------------------------------------------------------
// One person's rows in one portal: what the generator draws and what DEMO_CAST lists.

/** A bz person and everything bz holds about them. */
export interface BzPersonRecords {
  person: BzPersonRow;
  applications: readonly BzApplicationRow[];
  qualifications: readonly BzQualificationRow[];
  assessments: readonly BzAssessmentRow[];
  integrity: readonly BzIntegrityRow[];
}

/** An aks applicant and everything aks holds about them. */
export interface AksPersonRecords {
  applicant: AksApplicantRow;
  records: readonly AksApplyRecordRow[];
  titles: readonly AksTitleHeldRow[];
  assessments: readonly AksAssessmentRow[];
  blacklist: readonly AksBlacklistRow[];
}

/** A person's wlmq declarations: wlmq keeps the person inside each declaration. */
export interface WlmqPersonRecords {
  declarations: readonly WlmqDeclarationRow[];
}

/** Declaration numbers are per review year: `WLMQ2024-000123`. */
export function declarationNo(year: number, sequence: number): string {
  return `WLMQ${year}-${String(sequence).padStart(6, '0')}`;
}
