/**
 * SUBMISSION_LIMIT: the application being checked may be submitted only so many times.
 * - MAX_SUBMISSIONS (001 §四(一) "提交评审委员会审核次数不得超过 3 次", §四(三) "补正上报的次数不得超过 3 次（含初次上报）";
 *   003 §四(三) and 004 §四(三) "提交次数不得超过3次"): at most 3 submissions including the first.
 *   The 3rd is allowed; a 4th is not.
 * - MAX_RETURNS (002 §四(二) "被退回超过 3 次的，将无法再提交申请"): read as written, the 4th return
 *   blocks; after 3 returns a 4th submission is still possible. wlmq counts returns, not submissions.
 *
 * A returned or draft application still needs a submission, so its next one is counted; one under
 * audit or beyond is judged by the submissions it has had. Applies only when the input names the
 * portal's application; a new application has made no submission yet.
 */
import { APPLICATION_STATUSES, type ApplicationStatus } from '../../codes.js';
import type { Application } from '../../types.js';
import type { EligibilityContext } from '../context.js';
import { SILENT_SECTION, citeBatch, notApplicable, outcome, reason } from '../reasons.js';
import type { SubmissionLimit } from '../reviewBatch.js';
import type { Reason, RuleOutcome } from '../types.js';

/** Statuses in which the applicant must submit again before anyone can accept the application. */
const AWAITING_SUBMISSION: ReadonlySet<ApplicationStatus> = new Set(['DRAFT', 'RETURNED_BY_UNIT', 'RETURNED_BY_COMMITTEE']);

type Judgement = { verdict: 'PASS' | 'FAIL' | 'UNKNOWN'; zh: string; en: string };

export function judgeSubmissions(limit: SubmissionLimit, application: Application): Judgement {
  const status = APPLICATION_STATUSES[application.status];
  if (limit.kind === 'MAX_RETURNS') {
    const returns = application.returnCount;
    if (returns === null) {
      return { verdict: 'UNKNOWN', zh: '平台未记录退回次数', en: 'The portal does not record how often it was returned' };
    }
    return returns > limit.max
      ? { verdict: 'FAIL', zh: `已被退回 ${returns} 次，超过 ${limit.max} 次，无法再提交申请`, en: `Returned ${returns} times, more than ${limit.max}: it can no longer be submitted` }
      : { verdict: 'PASS', zh: `已被退回 ${returns} 次，未超过 ${limit.max} 次`, en: `Returned ${returns} times, not more than ${limit.max}` };
  }
  const made = application.submissionCount;
  if (made === null) {
    return { verdict: 'UNKNOWN', zh: '平台未记录提交次数', en: 'The portal does not record how often it was submitted' };
  }
  const next = made + 1;
  const allowedNext = next <= limit.max;
  if (application.status === 'UNKNOWN') {
    // Whether one more submission is needed depends on the status; decide only where it does not matter.
    if (allowedNext) return { verdict: 'PASS', zh: `已提交 ${made} 次，再提交一次仍在 ${limit.max} 次以内`, en: `Submitted ${made} times; one more stays within ${limit.max}` };
    if (made > limit.max) return { verdict: 'FAIL', zh: `已提交 ${made} 次，超过 ${limit.max} 次`, en: `Submitted ${made} times, more than ${limit.max}` };
    return { verdict: 'UNKNOWN', zh: `已提交 ${made} 次，状态无法识别，无法判断是否还需再次提交`, en: `Submitted ${made} times and the status is unreadable: whether it needs another submission is not known` };
  }
  if (AWAITING_SUBMISSION.has(application.status)) {
    return allowedNext
      ? { verdict: 'PASS', zh: `状态“${status}”，已提交 ${made} 次，下次为第 ${next} 次，未超过 ${limit.max} 次（含首次）`, en: `Status ${application.status}, submitted ${made} times: the next is submission ${next} of at most ${limit.max}` }
      : { verdict: 'FAIL', zh: `状态“${status}”，已提交 ${made} 次，再次提交将是第 ${next} 次，超过 ${limit.max} 次（含首次），不予受理`, en: `Status ${application.status}, submitted ${made} times: another would be submission ${next}, over the limit of ${limit.max} including the first` };
  }
  return made <= limit.max
    ? { verdict: 'PASS', zh: `已提交 ${made} 次，未超过 ${limit.max} 次（含首次）`, en: `Submitted ${made} times, within ${limit.max} including the first` }
    : { verdict: 'FAIL', zh: `已提交 ${made} 次，超过 ${limit.max} 次（含首次）`, en: `Submitted ${made} times, more than ${limit.max} including the first` };
}

export function checkSubmissionLimit(ctx: EligibilityContext): RuleOutcome {
  const { batch, input } = ctx;
  const region = input.region;
  const own = ctx.ownApplication;
  if (own.state === 'NONE') return notApplicable('SUBMISSION_LIMIT');
  const limit = batch.submissionLimit;
  const source = citeBatch(batch, limit?.source ?? SILENT_SECTION);
  const single = (r: Reason): RuleOutcome => outcome('SUBMISSION_LIMIT', [r]);
  if (own.state === 'REGION_MISSING') {
    return single(reason('SUBMISSION_REGION_MISSING', 'UNKNOWN', {
      zh: `${region} 未应答，无法读取申请 ${input.applicationId} 的提交次数`,
      en: `Region ${region} did not answer: the submissions of application ${input.applicationId} cannot be read`,
    }, source, region));
  }
  if (own.state === 'NOT_FOUND') {
    return single(reason('SUBMISSION_APPLICATION_NOT_FOUND', 'UNKNOWN', {
      zh: `${region} 未找到此人的申请 ${input.applicationId}`,
      en: `Region ${region} holds no application ${input.applicationId} of this person`,
    }, source, region));
  }
  const application = own.application;
  if (application.batchCode !== null && application.batchCode !== batch.code) {
    return single(reason('SUBMISSION_APPLICATION_OTHER_BATCH', 'UNKNOWN', {
      zh: `申请 ${application.id} 属于批次 ${application.batchCode}，不是 ${batch.code}`,
      en: `Application ${application.id} belongs to batch ${application.batchCode}, not ${batch.code}`,
    }, source, region));
  }
  if (limit === null) {
    return single(reason('SUBMISSION_LIMIT_NOT_SET', 'PASS', {
      zh: '本批次通知未规定提交次数上限',
      en: `The notice of batch ${batch.code} sets no limit on submissions`,
    }, source, region));
  }
  const judgement = judgeSubmissions(limit, application);
  const code = { PASS: 'SUBMISSION_WITHIN_LIMIT', FAIL: 'SUBMISSION_LIMIT_EXCEEDED', UNKNOWN: 'SUBMISSION_COUNT_UNKNOWN' }[judgement.verdict];
  return single(reason(code, judgement.verdict, {
    zh: `申请 ${application.id}：${judgement.zh}`,
    en: `Application ${application.id}: ${judgement.en}`,
  }, source, region));
}
