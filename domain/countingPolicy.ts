/**
 * Which applications count toward the province-wide limit of one title review per person per year.
 *
 * The rule: "申报人员每人每年度只能参加一次职称评审，即参加本次专项评审的人员不再参加下半年的通用职称评审"
 * (notice 000 §五(五)).
 * It speaks of 评审 (review). The notices treat 初次确定 and 授予 as procedures apart from 评审
 * (notice 003 and notice 004 list 初次确定, 授予 and 评审
 * side by side; the roster's 备注 column in 004 附件5 tells them apart), and wlmq's 认定 is a
 * determination, not a review. None of them says whether those count. Our documented choice:
 *
 * - kinds that count: REVIEW (评审), PRIVATE_ENTERPRISE_REVIEW (民营企业专项评审), and
 *   EXAM_AND_REVIEW (考评结合, an exam plus a review, still a review);
 * - kinds that do not: INITIAL_DETERMINATION (初定), CONFERRAL (授予), RECOGNITION (认定);
 * - statuses that do not: DRAFT (never submitted), WITHDRAWN, ABANDONED (aks: not submitted by the
 *   deadline, which notice 001 §三 treats as giving up), REJECTED (不予受理: never taken into a
 *   review). Every other status, returned ones included, is taking part in that year's review.
 *
 * UNKNOWN kinds and statuses are neither counted nor cleared: they make a verdict UNKNOWN, never
 * CLEAR.
 */
import { APPLICATION_STATUSES, type ApplicationStatus, type ReviewKind } from './codes.js';

export const COUNTED_REVIEW_KINDS: ReadonlySet<ReviewKind> = new Set([
  'REVIEW',
  'PRIVATE_ENTERPRISE_REVIEW',
  'EXAM_AND_REVIEW',
]);

export const NOT_COUNTED_STATUSES: ReadonlySet<ApplicationStatus> = new Set([
  'DRAFT',
  'WITHDRAWN',
  'ABANDONED',
  'REJECTED',
]);

/** True when an application of this kind and status takes part in its year's review. */
export function countsTowardAnnualLimit(kind: ReviewKind, status: ApplicationStatus): boolean {
  return COUNTED_REVIEW_KINDS.has(kind) && status !== 'UNKNOWN' && !NOT_COUNTED_STATUSES.has(status);
}

/**
 * True when the application can be neither counted nor cleared: its kind is unknown, or it is a
 * review whose status is unknown. (A 授予 with an unknown status still never counts.)
 */
export function isUndecidable(kind: ReviewKind, status: ApplicationStatus): boolean {
  return kind === 'UNKNOWN' || (COUNTED_REVIEW_KINDS.has(kind) && status === 'UNKNOWN');
}

/**
 * The statuses that count, as a list: every status but the ones that do not and UNKNOWN. With
 * COUNTED_REVIEW_KINDS, the filter a region runs in SQL to list a year's counted applications
 * (RegionalSource.countedApplicationsInYear), so that SQL and countsTowardAnnualLimit agree.
 */
export const COUNTED_STATUSES: readonly ApplicationStatus[] = (Object.keys(APPLICATION_STATUSES) as ApplicationStatus[]).filter(
  (status) => status !== 'UNKNOWN' && !NOT_COUNTED_STATUSES.has(status),
);
