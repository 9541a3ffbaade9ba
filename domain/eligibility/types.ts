/**
 * The eligibility pre-check's public types: what a client asks (EligibilityInput), what the regions
 * answered (EligibilityFacts), and what the check answers (EligibilityResult). Every reason names the
 * notice (issuer, title, date) and section it comes from, so a clerk can read the sentence for themself.
 */
import type {
  EmployerKind,
  RegionCode,
  ReviewKind,
  TitleLevel,
  TitleSeries,
} from '../codes.js';
import type { PortalRecords } from '../regions.js';
import type { Application, Assessment, IntegrityRecord, PersonProfile } from '../types.js';
import type { DefenceExemptionFlag, ReviewBatch, ScheduledWindow } from './reviewBatch.js';

/**
 * Where a rule comes from, cited the way the notice's readers cite it: issuer, title, date of
 * issue and section. `notice` is this project's key of the notice (`000`–`004`, docs/eligibility.md),
 * for code and tests; clients are not shown it.
 */
export interface SourceRef {
  notice: string;
  issuer: string;
  title: string;
  /** `YYYY-MM-DD`. */
  issuedOn: string;
  /** e.g. `§三(一)`, `附件1 一、10`. */
  section: string;
}

/** One rule's answer. UNKNOWN is never folded into PASS. */
export type RuleVerdict = 'PASS' | 'FAIL' | 'UNKNOWN';

/** The overall answer. */
export type EligibilityVerdict = 'ELIGIBLE' | 'INELIGIBLE' | 'UNKNOWN';

/** The rules, one code each; docs/eligibility.md describes every one. */
export type RuleName =
  | 'BATCH'
  | 'BATCH_SCOPE'
  | 'ANNUAL_REVIEW'
  | 'INTEGRITY_BAN'
  | 'SUBMISSION_LIMIT'
  | 'APPLICATION_WINDOW'
  | 'PRIVATE_ENTERPRISE_REVIEW'
  | 'EXCLUDED_PERSON'
  | 'ANNUAL_ASSESSMENT'
  | 'DEFENCE'
  | 'FEE';

/** Why a rule answered as it did, in words a clerk can act on. */
export interface Reason {
  /** Stable, e.g. `INTEGRITY_BAN_ACTIVE`; docs/eligibility.md lists them. */
  code: string;
  /** The verdict this reason supports. */
  verdict: RuleVerdict;
  messageZh: string;
  messageEn: string;
  /** The notice and section; null where the reason comes from no notice (a batch the notices do not open). */
  source: SourceRef | null;
  /** The region whose data (or whose notice) triggered it. */
  region: RegionCode;
}

export interface RuleOutcome {
  rule: RuleName;
  verdict: RuleVerdict;
  /**
   * FAIL and UNKNOWN always carry at least one reason. PASS carries one when the rule checked
   * something worth telling, and none when the rule does not apply (e.g. no application id given).
   */
  reasons: Reason[];
}

/**
 * What the client asks. Flat, because GraphQL input types cannot be unions: either `batchCode`, or
 * `year` + `series` + `specialty` to find the batch among the region's notices.
 */
export interface EligibilityInput {
  /** The region applied in: `bz`, `aks`, `wlmq`. */
  region: RegionCode;
  /** The portal's batch code, e.g. `AKS-2024-JXDZ-HG`. */
  batchCode?: string | null;
  year?: number | null;
  series?: TitleSeries | null;
  specialty?: string | null;
  /** The level applied for. 助理级 and 员级 are 初级 (GB/T 12407: 434 and 435 under 430). */
  level: TitleLevel;
  reviewKind: ReviewKind;
  /**
   * County (bz 所在县市, e.g. `若羌县`) or zone (wlmq 片区). When absent, the applying region's
   * profile gives it, where that portal records it.
   */
  location?: string | null;
  /** 单位性质. When absent, the applying region's profile gives it, where that portal records it. */
  employerKind?: EmployerKind | null;
  /**
   * The portal's own key of the application being checked (`1042`, or the global `bz:1042`). It is
   * left out of the one-review-a-year count, and its own submissions are checked against the limit.
   */
  applicationId?: string | null;
  /** Circumstances the notices exempt from the defence (答辩), as the applicant declares them. */
  defenceExemptions?: readonly DefenceExemptionFlag[] | null;
}

/** What a portal records at all, by design. */
export type { PortalRecords };

/** A region that answered. `profile` is null when the region holds nothing on the person. */
export interface RegionAnswer {
  region: RegionCode;
  status: 'ANSWERED';
  profile: PersonProfile | null;
  applications: readonly Application[];
  integrityRecords: readonly IntegrityRecord[];
  assessments: readonly Assessment[];
  /** What this portal records; defaults to PORTAL_RECORDS[region], or everything for a region not listed. */
  records?: PortalRecords;
}

/** A region that did not answer (down, timed out, errored). Never read as "nothing found". */
export interface RegionMissing {
  region: RegionCode;
  status: 'MISSING';
}

export type RegionFacts = RegionAnswer | RegionMissing;

/** The cross-region annual-review verdict (issue 3), for the batch's year. */
export interface AnnualReviewFacts {
  year: number;
  verdict: 'ALREADY_APPLIED' | 'CLEAR' | 'UNKNOWN';
  /** The applications that count toward the limit that year, in any region. */
  counted: readonly Application[];
  missingRegions: readonly RegionCode[];
}

export interface EligibilityFacts {
  /** One entry per configured region. */
  regions: readonly RegionFacts[];
  annualReview: AnnualReviewFacts;
}

/** The fee that applies, in fen; null when the notice gives none (never read as free). */
export interface FeeDecision {
  fen: number | null;
  source: SourceRef | null;
  reason: Reason;
}

/** Whether a defence (答辩) is required; null when it depends on a fact not known. */
export interface DefenceDecision {
  required: boolean | null;
  /** The exemption that applied, if any: its code (e.g. `LOCATION`, `VILLAGE_RESIDENT_WORK`) and source. */
  exemption: { code: string; source: SourceRef } | null;
  reason: Reason;
}

export interface BatchWindows {
  /** Windows open at the check instant. */
  open: ScheduledWindow[];
  /** The windows that open next (several when they open together, e.g. 001's pay and paper windows). */
  next: ScheduledWindow[];
}

export interface EligibilityResult {
  verdict: EligibilityVerdict;
  /** The batch checked against; null when none could be found. */
  batch: ReviewBatch | null;
  /** The check instant, ISO-8601. */
  checkedAt: string;
  outcomes: RuleOutcome[];
  /** Every reason of every outcome, fee and defence included, in rule order. */
  reasons: Reason[];
  /** Null when no batch was found. */
  fee: FeeDecision | null;
  defence: DefenceDecision | null;
  windows: BatchWindows;
}
