/**
 * APPLICATION_WINDOW: an application is made inside the batch's 申报 window, e.g.
 * 001 §三(一) "2024 年 7 月 22 日—8 月 30 日 18:00，截止 8 月 30 日 18:00，未将申请书提交至评审委员会…进行第一次审核的，视为放弃本次申报资格";
 * 000 §三 and 003/004 §三 "须在规定时间内完成申报和缴费工作，逾期不予受理".
 *
 * Both ends are inside, to the second: 001's window takes 18:00:00 and refuses 18:00:01.
 *
 * What is checked against the window:
 * - a new application, or a draft: the check instant (`now`): it would be submitted now;
 * - an application already submitted: when it was submitted, so that a clerk checking it during the
 *   audit, after the window has closed, is not told it is late. The portals keep only the last
 *   submission: one made after the window by an application submitted more than once is a
 *   resubmission after a return, which the return deadline governs, not the window: UNKNOWN;
 * - a returned application: inside the window, fine; after it, the resubmission deadline (48 小时,
 *   2 日) runs from the return, which no portal records: UNKNOWN.
 */
import type { Application } from '../../types.js';
import type { EligibilityContext } from '../context.js';
import { citeBatch, outcome, reason } from '../reasons.js';
import type { ScheduledWindow } from '../reviewBatch.js';
import { formatLocal } from '../../time.js';
import { describeWindow, windowPosition } from '../windows.js';
import type { Reason, RuleOutcome } from '../types.js';

const RETURNED = new Set(['RETURNED_BY_UNIT', 'RETURNED_BY_COMMITTEE']);
const NOT_YET_SUBMITTED = new Set(['DRAFT', 'UNKNOWN']);

export function checkApplicationWindow(ctx: EligibilityContext): RuleOutcome {
  const { batch } = ctx;
  const region = ctx.input.region;
  const window = batch.windows.find((candidate) => candidate.kind === 'APPLY');
  // parseReviewBatches guarantees an APPLY window; this keeps the compiler and a hand-built batch honest.
  if (!window || window.status === 'TO_BE_ANNOUNCED') {
    return outcome('APPLICATION_WINDOW', [
      reason('APPLY_WINDOW_NOT_ANNOUNCED', 'UNKNOWN', {
        zh: '本批次申报时间另行通知，尚未公布',
        en: `The application window of batch ${batch.code} has not been announced`,
      }, citeBatch(batch, window?.source ?? batch.offers[0]!.source), region),
    ]);
  }
  const own = ctx.ownApplication.state === 'FOUND' ? ctx.ownApplication.application : null;
  if (own === null || NOT_YET_SUBMITTED.has(own.status)) return outcome('APPLICATION_WINDOW', [checkInstant(ctx, window)]);
  if (own.status === 'ABANDONED') {
    return outcome('APPLICATION_WINDOW', [
      reason('APPLY_ABANDONED', 'FAIL', {
        zh: `申请 ${own.id} 已因逾期未提交被视为放弃；申报时间 ${describeWindow(window)}`,
        en: `Application ${own.id} was treated as abandoned, not submitted in time; the window is ${describeWindow(window)}`,
      }, citeBatch(batch, window.source), region),
    ]);
  }
  if (RETURNED.has(own.status)) return outcome('APPLICATION_WINDOW', [checkResubmission(ctx, window, own)]);
  return outcome('APPLICATION_WINDOW', [checkSubmitted(ctx, window, own)]);
}

function checkInstant(ctx: EligibilityContext, window: ScheduledWindow): Reason {
  const { batch } = ctx;
  const at = formatLocal(ctx.now, window.timeZone);
  const span = describeWindow(window);
  const source = citeBatch(batch, window.source);
  const region = ctx.input.region;
  switch (windowPosition(window, ctx.now)) {
    case 'BEFORE':
      return reason('APPLY_WINDOW_NOT_OPEN', 'FAIL', {
        zh: `申报尚未开始：申报时间 ${span}，当前 ${at}`,
        en: `Applications have not opened: the window is ${span}; it is now ${at}`,
      }, source, region);
    case 'AFTER':
      return reason('APPLY_WINDOW_CLOSED', 'FAIL', {
        zh: `申报已截止：申报时间 ${span}，当前 ${at}，逾期不予受理`,
        en: `Applications have closed: the window was ${span}; it is now ${at}`,
      }, source, region);
    case 'OPEN':
      return reason('APPLY_WINDOW_OPEN', 'PASS', {
        zh: `在申报时间内：${span}`,
        en: `Within the application window ${span}`,
      }, source, region);
  }
}

function checkResubmission(ctx: EligibilityContext, window: ScheduledWindow, own: Application): Reason {
  if (windowPosition(window, ctx.now) !== 'AFTER') return checkInstant(ctx, window);
  const limit = ctx.batch.submissionLimit;
  const within = limit?.resubmitWithin;
  return reason('APPLY_RESUBMISSION_AFTER_WINDOW', 'UNKNOWN', {
    zh: `申请 ${own.id} 已被退回，申报时间 ${describeWindow(window)} 已过；${within ? `退回后须在 ${within}内修改提交，` : ''}平台未记录退回时间，请人工核对`,
    en: `Application ${own.id} was returned and the window ${describeWindow(window)} has passed;${within ? ` it must be resubmitted within ${within} of the return, and` : ''} no portal records when it was returned: check by hand`,
  }, ctx.batch.submissionLimit ? citeBatch(ctx.batch, ctx.batch.submissionLimit.source) : citeBatch(ctx.batch, window.source), ctx.input.region);
}

function checkSubmitted(ctx: EligibilityContext, window: ScheduledWindow, own: Application): Reason {
  const source = citeBatch(ctx.batch, window.source);
  const region = ctx.input.region;
  const span = describeWindow(window);
  const submittedAt = own.submittedAt === null ? null : new Date(own.submittedAt);
  if (submittedAt === null || Number.isNaN(submittedAt.getTime())) {
    return reason('APPLY_SUBMISSION_TIME_UNKNOWN', 'UNKNOWN', {
      zh: `申请 ${own.id} 的提交时间无法读取，无法核对是否在申报时间 ${span} 内提交`,
      en: `Application ${own.id} has no readable submission time: whether it was submitted within ${span} is not known`,
    }, source, region);
  }
  const at = formatLocal(submittedAt, window.timeZone);
  switch (windowPosition(window, submittedAt)) {
    case 'OPEN':
      return reason('APPLY_SUBMITTED_IN_WINDOW', 'PASS', {
        zh: `申请 ${own.id} 于 ${at} 提交，在申报时间 ${span} 内`,
        en: `Application ${own.id} was submitted at ${at}, within ${span}`,
      }, source, region);
    case 'AFTER':
      if (own.submissionCount === 1) {
        return reason('APPLY_SUBMITTED_LATE', 'FAIL', {
          zh: `申请 ${own.id} 于 ${at} 首次提交，已超过申报时间 ${span}，逾期不予受理`,
          en: `Application ${own.id} was first submitted at ${at}, after the window ${span}`,
        }, source, region);
      }
      return reason('APPLY_LAST_SUBMISSION_AFTER_WINDOW', 'UNKNOWN', {
        zh: `申请 ${own.id} 最后一次提交于 ${at}，晚于申报时间 ${span}；平台只记录最后一次提交，无法确认首次提交是否按时`,
        en: `Application ${own.id} was last submitted at ${at}, after the window ${span}; the portal keeps only the last submission, so whether the first was in time is not known`,
      }, source, region);
    case 'BEFORE':
      return reason('APPLY_SUBMITTED_BEFORE_WINDOW', 'UNKNOWN', {
        zh: `申请 ${own.id} 的提交时间 ${at} 早于申报开始时间（${span}），记录可疑，请人工核对`,
        en: `Application ${own.id} shows a submission at ${at}, before the window ${span} opened: check the record by hand`,
      }, source, region);
  }
}
