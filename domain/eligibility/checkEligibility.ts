/**
 * The eligibility pre-check: may this person apply for this batch, level and kind, and if not, why?
 * INELIGIBLE if any rule fails; else UNKNOWN if any rule could not decide; else ELIGIBLE. A region
 * that did not answer can therefore never yield ELIGIBLE.
 *
 * The fee and the defence are what applies, not conditions: they are answered beside the verdict and
 * never change it.
 */
import { buildContext, type EligibilityContext } from './context.js';
import { REVIEW_BATCHES, findBatch, type BatchLookup } from './batches.js';
import { reason, worst } from './reasons.js';
import type { ReviewBatch, ScheduledWindow } from './reviewBatch.js';
import { checkAnnualAssessment } from './rules/annualAssessment.js';
import { checkAnnualReview } from './rules/annualReview.js';
import { checkApplicationWindow } from './rules/applicationWindow.js';
import { checkBatchScope } from './rules/batchScope.js';
import { decideDefence } from './rules/defence.js';
import { checkExcludedPeople } from './rules/excludedPeople.js';
import { decideFee } from './rules/fee.js';
import { checkIntegrityBan } from './rules/integrityBan.js';
import { checkPrivateEnterpriseReview } from './rules/privateEnterprise.js';
import { checkSubmissionLimit } from './rules/submissionLimit.js';
import { parseInstant } from '../time.js';
import { opensAfter, windowPosition } from './windows.js';
import type {
  BatchWindows,
  EligibilityFacts,
  EligibilityInput,
  EligibilityResult,
  EligibilityVerdict,
  RuleOutcome,
  RuleVerdict,
} from './types.js';

/** The eligibility rules, in the order their reasons are listed. */
export const ELIGIBILITY_RULES: ReadonlyArray<(ctx: EligibilityContext) => RuleOutcome> = [
  checkBatchScope,
  checkPrivateEnterpriseReview,
  checkApplicationWindow,
  checkAnnualReview,
  checkIntegrityBan,
  checkExcludedPeople,
  checkSubmissionLimit,
  checkAnnualAssessment,
];

const VERDICTS: Record<RuleVerdict, EligibilityVerdict> = { PASS: 'ELIGIBLE', FAIL: 'INELIGIBLE', UNKNOWN: 'UNKNOWN' };

/** The batch's windows open at `now`, and those that open next (together, when they share a start). */
export function windowsAt(batch: ReviewBatch, now: Date): BatchWindows {
  const scheduled = batch.windows.filter((w): w is ScheduledWindow => w.status === 'SCHEDULED');
  const open = scheduled.filter((w) => windowPosition(w, now) === 'OPEN');
  const upcoming = scheduled.filter((w) => opensAfter(w, now));
  const first = Math.min(...upcoming.map((w) => parseInstant(w.opensAt)!.getTime()));
  return { open, next: upcoming.filter((w) => parseInstant(w.opensAt)!.getTime() === first) };
}

function batchNotFound(input: EligibilityInput, lookup: Extract<BatchLookup, { found: false }>, now: Date): EligibilityResult {
  const wanted = input.batchCode ?? `${input.year ?? '?'} ${input.series ?? '?'} ${input.specialty ?? ''}`.trim();
  const messages = {
    NOT_FOUND: { zh: `${input.region} 没有批次 ${wanted}`, en: `Region ${input.region} has no batch ${wanted}` },
    OTHER_REGION: {
      zh: `批次 ${wanted} 属于 ${lookup.candidates[0]?.region}，不属于 ${input.region}`,
      en: `Batch ${wanted} belongs to ${lookup.candidates[0]?.region}, not ${input.region}`,
    },
    AMBIGUOUS: {
      zh: `${wanted} 对应多个批次（${lookup.candidates.map((b) => b.code).join('、')}），请指定批次代码`,
      en: `${wanted} matches several batches (${lookup.candidates.map((b) => b.code).join(', ')}): give the batch code`,
    },
    NO_CRITERIA: { zh: '请提供批次代码，或年度与系列', en: 'Give the batch code, or the year and series' },
  }[lookup.problem];
  const reasons = [reason(`BATCH_${lookup.problem}`, 'UNKNOWN', messages, null, input.region)];
  return {
    verdict: 'UNKNOWN',
    batch: null,
    checkedAt: now.toISOString(),
    outcomes: [{ rule: 'BATCH', verdict: 'UNKNOWN', reasons }],
    reasons,
    fee: null,
    defence: null,
    windows: { open: [], next: [] },
  };
}

/**
 * Checks one application (or a would-be one) against its batch's notice and every region's facts.
 * `batches` defaults to the five notices; tests and new deployments may pass their own.
 */
export function checkEligibility(
  input: EligibilityInput,
  facts: EligibilityFacts,
  now: Date,
  batches: readonly ReviewBatch[] = REVIEW_BATCHES,
): EligibilityResult {
  const lookup = findBatch(input, batches);
  if (!lookup.found) return batchNotFound(input, lookup, now);
  const ctx = buildContext(input, lookup.batch, facts, now);
  const outcomes = ELIGIBILITY_RULES.map((rule) => rule(ctx));
  const fee = decideFee(ctx);
  const defence = decideDefence(ctx);
  return {
    verdict: VERDICTS[worst(outcomes.map((o) => o.verdict))],
    batch: lookup.batch,
    checkedAt: now.toISOString(),
    outcomes,
    reasons: [...outcomes.flatMap((o) => o.reasons), defence.reason, fee.reason],
    fee,
    defence,
    windows: windowsAt(lookup.batch, now),
  };
}
