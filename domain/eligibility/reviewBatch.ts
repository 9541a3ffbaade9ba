/**
 * A review batch (评审批次): one notice as data. batches.json holds the five notices; a new notice
 * is a new entry there, checked by parseReviewBatches at load. Every fact carries the section of
 * its notice (`source`), and the batch names its notice by issuer, title and date (`notice` is our key of it).
 */
import type { EmployerKind, RegionCode, ReviewKind, TitleSeries } from '../codes.js';

/** The broad levels a notice opens. 助理级 and 员级 are 初级 (GB/T 12407: 434 and 435 under 430). */
export const BATCH_LEVELS = ['JUNIOR', 'INTERMEDIATE', 'ASSOCIATE_SENIOR', 'SENIOR'] as const;
export type BatchLevel = (typeof BATCH_LEVELS)[number];

export const WINDOW_KINDS = [
  'APPLY', // 申报
  'AUDIT', // 审核
  'DETERMINATION', // 初定、授予
  'PAPER_MATERIALS', // 纸质材料报送
  'PAY', // 缴费
  'REVIEW', // 评审
  'DEFENCE', // 答辩
] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

/**
 * A window with dates. Both ends are inside, to the second: `closesAt` is the last second in
 * (001's 18:00:00 is in, 18:00:01 out; a window given as dates closes at 23:59:59 of its last day).
 */
export interface ScheduledWindow {
  kind: WindowKind;
  status: 'SCHEDULED';
  /** ISO-8601 instant with offset, whole seconds, e.g. `2024-07-22T00:00:00+08:00`. */
  opensAt: string;
  closesAt: string;
  /** The time zone the notice's times are in, e.g. `Asia/Shanghai`. */
  timeZone: string;
  /** The notice gives the date as provisional (拟定于). */
  tentative: boolean;
  source: string;
}

/** A window the notice announces later (另行通知). */
export interface UnannouncedWindow {
  kind: WindowKind;
  status: 'TO_BE_ANNOUNCED';
  source: string;
}

export type BatchWindow = ScheduledWindow | UnannouncedWindow;

/** What the batch opens: a series (or several), the specialties, kinds and levels, and who may apply. */
export interface BatchOffer {
  series: TitleSeries[];
  /** Null: every specialty of the series (全系列). */
  specialties: string[] | null;
  reviewKinds: ReviewKind[];
  levels: BatchLevel[];
  /** Null: no restriction in the notice. */
  employerKinds: EmployerKind[] | null;
  /** Counties or zones; null: no restriction in the notice. */
  locations: string[] | null;
  source: string;
}

export interface FeeEntry {
  levels: BatchLevel[];
  reviewKinds: ReviewKind[];
  /** Fen (CNY 0.01). */
  fen: number;
  source: string;
}

export interface FeeTable {
  /** Empty when the notice gives no fee: the fee is then unknown, never zero. */
  entries: FeeEntry[];
  /** The notice says fees will be announced later (另行通知). */
  announcedLater: boolean;
  /** The section that says so; null when the notice says nothing about fees. */
  source: string | null;
}

/** Circumstances the notices exempt from the defence, as an applicant declares them. */
export const DEFENCE_EXEMPTION_FLAGS = [
  'VILLAGE_RESIDENT_WORK', // “访惠聚”驻村、驻村管寺（驻村宗教、寺管会）
  'SOUTH_XINJIANG_PRESCHOOL_TEACHING', // 南疆学前教育支教
  'INLAND_SERVICE_MANAGEMENT', // 内地服务管理工作
  'POOR_VILLAGE_FIRST_SECRETARY', // 担任深度贫困村第一书记
  'GRASSROOTS_COOPERATIVE', // 下沉基层一线创办、领办合作社，进入村“两委”班子，参与合作社所在村农业生产组织管理
  'SECONDMENT_OR_STARTUP', // 到乡（镇）村和企业挂职、兼职和离岗创新创业
  'GRASSROOTS_UNIT', // 在基层单位工作 (003: 县级以上, 004: 县级以下)
] as const;
export type DefenceExemptionFlag = (typeof DEFENCE_EXEMPTION_FLAGS)[number];

export interface DefenceRequirement {
  reviewKinds: ReviewKind[];
  levels: BatchLevel[];
  source: string;
}

export type DefenceExemption =
  | { kind: 'LEVEL'; levels: BatchLevel[]; source: string }
  | { kind: 'LOCATION'; locations: string[]; source: string }
  | { kind: 'FLAG'; flag: DefenceExemptionFlag; source: string };

export interface DefenceRules {
  /** Who defends; anyone not listed does not. */
  required: DefenceRequirement[];
  exemptions: DefenceExemption[];
}

/**
 * MAX_SUBMISSIONS: at most `max` submissions including the first (001, 003, 004).
 * MAX_RETURNS: no submission after more than `max` returns (002: "被退回超过 3 次的，将无法再提交申请").
 */
export interface SubmissionLimit {
  kind: 'MAX_SUBMISSIONS' | 'MAX_RETURNS';
  max: number;
  /** The resubmission deadline after a return, as the notice words it, e.g. `48 小时`, `2 日`. */
  resubmitWithin: string;
  source: string;
}

export const EXCLUSION_KINDS = ['RETIRED', 'CIVIL_SERVANT', 'SANCTION_IN_FORCE'] as const;
export type ExclusionKind = (typeof EXCLUSION_KINDS)[number];

export interface Exclusion {
  kind: ExclusionKind;
  source: string;
}

export interface AssessmentDelay {
  result: 'BASIC_PASS' | 'FAIL';
  /** Years of delay for each such result; null when the notice delays without saying by how much. */
  years: number | null;
  source: string;
}

export interface AssessmentRule {
  /** The assessment years the notice asks about, inclusive. */
  fromYear: number;
  toYear: number;
  /** Empty when the notice asks for the forms but sets no delay. */
  delays: AssessmentDelay[];
  source: string;
}

export interface ReviewBatch {
  /** The portal's batch code, e.g. `AKS-2024-JXDZ-HG`. */
  code: string;
  region: RegionCode;
  year: number;
  title: string;
  issuer: string;
  /** `YYYY-MM-DD`. */
  issuedOn: string;
  /**
   * This project's key of the notice the batch comes from (`000`–`004`, listed in
   * docs/eligibility.md): an internal key for code and tests; clients see issuer, title and date.
   */
  notice: string;
  offers: BatchOffer[];
  /** Derived from `offers`: every series, level and kind the batch opens. */
  series: TitleSeries[];
  specialties: string[] | null;
  levels: BatchLevel[];
  reviewKinds: ReviewKind[];
  windows: BatchWindow[];
  fees: FeeTable;
  defence: DefenceRules;
  /** Null when the notice sets no limit. */
  submissionLimit: SubmissionLimit | null;
  exclusions: Exclusion[];
  /** Null when the notice says nothing of annual assessments. */
  assessments: AssessmentRule | null;
}
