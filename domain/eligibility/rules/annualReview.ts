/**
 * ANNUAL_REVIEW: one title review per person per year, across regions.
 * notice 000 §五(五): "申报人员每人每年度只能参加一次职称评审，即参加本次专项评审的人员不再参加下半年的通用职称评审".
 *
 * It takes the cross-region verdict (issue 3: ALREADY_APPLIED / CLEAR / UNKNOWN and the applications
 * counted under domain/countingPolicy.ts) and leaves out the application being checked, so that a
 * person is never barred by their own application. Only a kind that is itself a review is limited:
 * an 初次确定 or 授予 is not a 评审 under the counting policy, so it neither counts nor is barred.
 */
import { REVIEW_KINDS } from '../../codes.js';
import { COUNTED_REVIEW_KINDS } from '../../countingPolicy.js';
import { isOwnApplication, type EligibilityContext } from '../context.js';
import { NOTICES, cite, outcome, reason } from '../reasons.js';
import type { RuleOutcome } from '../types.js';

const SOURCE = cite(NOTICES.BZ_2024_QUALITY_SUPERVISION_PRIVATE, '§五(五)');

export function checkAnnualReview(ctx: EligibilityContext): RuleOutcome {
  const { input, batch } = ctx;
  const annual = ctx.facts.annualReview;
  const region = input.region;
  if (!COUNTED_REVIEW_KINDS.has(input.reviewKind)) {
    return outcome('ANNUAL_REVIEW', [
      reason('ANNUAL_REVIEW_NOT_A_REVIEW', 'PASS', {
        zh: `“${REVIEW_KINDS[input.reviewKind]}”不属于职称评审，不受每年一次评审的限制（只有评审、民营企业专项评审和考评结合计入）`,
        en: `${input.reviewKind} is not a review, so the one-review-a-year limit does not apply (only 评审, 民营企业专项评审 and 考评结合 count)`,
      }, SOURCE, region),
    ]);
  }
  if (annual.year !== batch.year) {
    // A verdict for another year says nothing about this one.
    return outcome('ANNUAL_REVIEW', [
      reason('ANNUAL_REVIEW_WRONG_YEAR', 'UNKNOWN', {
        zh: `年度评审核查针对 ${annual.year} 年，而本批次为 ${batch.year} 年`,
        en: `The annual-review verdict is for ${annual.year}, but batch ${batch.code} is for ${batch.year}`,
      }, SOURCE, region),
    ]);
  }

  const own = input.applicationId;
  const others = annual.counted.filter((application) => !(own && isOwnApplication(application, region, own)));
  if (others.length > 0) {
    return outcome(
      'ANNUAL_REVIEW',
      others.map((application) =>
        reason('ANNUAL_REVIEW_ALREADY_APPLIED', 'FAIL', {
          zh: `${batch.year} 年度已在 ${application.region} 参加职称评审（申请 ${application.id}${application.batchCode ? `，批次 ${application.batchCode}` : ''}），每人每年度只能参加一次职称评审`,
          en: `Already taking part in a ${batch.year} title review in ${application.region} (application ${application.id}${application.batchCode ? `, batch ${application.batchCode}` : ''}); one review per person per year`,
        }, SOURCE, application.region),
      ),
    );
  }
  if (annual.verdict === 'ALREADY_APPLIED' && annual.counted.length === 0) {
    // The verdict says yes without naming the application: it may be the applicant's own.
    return outcome('ANNUAL_REVIEW', [
      reason(own ? 'ANNUAL_REVIEW_UNNAMED' : 'ANNUAL_REVIEW_ALREADY_APPLIED', own ? 'UNKNOWN' : 'FAIL', {
        zh: own
          ? `${batch.year} 年度已有计入的评审申请，但未列明，无法判断是否即本申请`
          : `${batch.year} 年度已参加职称评审，每人每年度只能参加一次职称评审`,
        en: own
          ? `A counted ${batch.year} review exists but is not listed, so it cannot be told apart from this application`
          : `Already taking part in a ${batch.year} title review; one review per person per year`,
      }, SOURCE, region),
    ]);
  }
  const missing = [...new Set([...annual.missingRegions, ...missingFromFacts(ctx)])];
  if (annual.verdict === 'UNKNOWN' || missing.length > 0) {
    return outcome(
      'ANNUAL_REVIEW',
      (missing.length > 0 ? missing : [region]).map((missingRegion) =>
        reason('ANNUAL_REVIEW_REGION_MISSING', 'UNKNOWN', {
          zh: missing.length > 0
            ? `${missingRegion} 未应答，无法确认 ${batch.year} 年度是否已在该地参加职称评审`
            : `无法确认 ${batch.year} 年度是否已参加职称评审（有申请的类别或状态无法识别）`,
          en: missing.length > 0
            ? `Region ${missingRegion} did not answer: whether the person already takes part in a ${batch.year} review there is not known`
            : `Whether the person already takes part in a ${batch.year} review is not known (an application's kind or status is unreadable)`,
        }, SOURCE, missingRegion),
      ),
    );
  }
  return outcome('ANNUAL_REVIEW', [
    reason('ANNUAL_REVIEW_CLEAR', 'PASS', {
      zh: `各地区均无 ${batch.year} 年度计入的其他评审申请`,
      en: `No other ${batch.year} review counted in any region`,
    }, SOURCE, region),
  ]);
}

// A region the facts mark missing is missing for this rule too, even if the verdict forgot it.
function missingFromFacts(ctx: EligibilityContext): string[] {
  return ctx.facts.regions.filter((region) => region.status === 'MISSING').map((region) => region.region);
}
