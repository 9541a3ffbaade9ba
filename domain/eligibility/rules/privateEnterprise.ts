/**
 * PRIVATE_ENTERPRISE_REVIEW: a 民营企业专项评审 is for 初级 and 中级 only, and for staff of private
 * enterprises only. This holds for any such review, whatever a batch's data says:
 * - notice 000 §一: "营业执照在巴州范围内注册的民营企业中从事相关工作的专业技术人员"
 *   and §四(一): "符合专项评审工程系列质量技术监督专业中、初级职称评审条件的可选择申报评审相应级别的职称";
 * - notice 001 §一: "民营企业专项评审仅限初、中级职称".
 * 001 does not say in words that the unit must be private: the review's name does. 000 says both.
 */
import { EMPLOYER_KINDS } from '../../codes.js';
import { LEVEL_NAMES, unknownBecause, type EligibilityContext } from '../context.js';
import { NOTICES, cite, notApplicable, outcome, reason } from '../reasons.js';
import type { Reason, RuleOutcome, SourceRef } from '../types.js';

function sources(ctx: EligibilityContext): { level: SourceRef; employer: SourceRef } {
  // bz's own notice says it for bz; 001 is the only other notice that speaks of the special review.
  if (ctx.batch.notice === NOTICES.BZ_2024_QUALITY_SUPERVISION_PRIVATE) {
    return {
      level: cite(NOTICES.BZ_2024_QUALITY_SUPERVISION_PRIVATE, '§四(一)'),
      employer: cite(NOTICES.BZ_2024_QUALITY_SUPERVISION_PRIVATE, '§一'),
    };
  }
  return {
    level: cite(NOTICES.AKS_2024_MECHANICAL_CHEMICAL, '§一'),
    employer: cite(NOTICES.AKS_2024_MECHANICAL_CHEMICAL, '§一'),
  };
}

export function checkPrivateEnterpriseReview(ctx: EligibilityContext): RuleOutcome {
  if (ctx.input.reviewKind !== 'PRIVATE_ENTERPRISE_REVIEW') return notApplicable('PRIVATE_ENTERPRISE_REVIEW');
  const region = ctx.input.region;
  const source = sources(ctx);
  const reasons: Reason[] = [];

  if (ctx.level === null) {
    reasons.push(
      reason('PRIVATE_ENTERPRISE_LEVEL_UNRECOGNISED', 'UNKNOWN', {
        zh: `无法识别申报级别“${ctx.input.level}”；民营企业专项评审仅限初、中级`,
        en: `The level ${ctx.input.level} is not recognised; the private-enterprise special review is for junior and intermediate only`,
      }, source.level, region),
    );
  } else if (ctx.level !== 'JUNIOR' && ctx.level !== 'INTERMEDIATE') {
    reasons.push(
      reason('PRIVATE_ENTERPRISE_LEVEL', 'FAIL', {
        zh: `民营企业专项评审仅限初、中级职称，不受理${LEVEL_NAMES[ctx.level].zh}`,
        en: `The private-enterprise special review is for junior and intermediate titles only, not ${LEVEL_NAMES[ctx.level].en}`,
      }, source.level, region),
    );
  }

  const employer = ctx.employerKind;
  if (!employer.known) {
    const why = unknownBecause(employer.because, region);
    reasons.push(
      reason('PRIVATE_ENTERPRISE_EMPLOYER_NEEDED', 'UNKNOWN', {
        zh: `民营企业专项评审仅限民营企业专业技术人员，无法确定单位性质（${why.zh}）`,
        en: `The private-enterprise special review is for private-enterprise staff only, and the unit kind is not known (${why.en})`,
      }, source.employer, region),
    );
  } else if (employer.value !== 'PRIVATE_ENTERPRISE') {
    reasons.push(
      reason(employer.value === 'OTHER' ? 'PRIVATE_ENTERPRISE_EMPLOYER_UNCLEAR' : 'PRIVATE_ENTERPRISE_EMPLOYER',
        // 其他 may be a private firm under another label: a clerk must look, so UNKNOWN, not FAIL.
        employer.value === 'OTHER' ? 'UNKNOWN' : 'FAIL',
        {
          zh: `民营企业专项评审仅限民营企业专业技术人员，申报人单位性质为${EMPLOYER_KINDS[employer.value]}`,
          en: `The private-enterprise special review is for private-enterprise staff only; the applicant's unit is ${employer.value}`,
        },
        source.employer,
        region,
      ),
    );
  }
  return outcome('PRIVATE_ENTERPRISE_REVIEW', reasons);
}
