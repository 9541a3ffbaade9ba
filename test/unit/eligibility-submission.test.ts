import { describe, expect, it } from 'vitest';
import type { ApplicationStatus } from '../../domain/codes.js';
import { anApplication, anInput, answered, contextFor, factsFor, missing, noticeSource } from '../fixtures/eligibility.js';
import { checkSubmissionLimit } from '../../domain/eligibility/rules/submissionLimit.js';
import type { Application } from '../../domain/types.js';

const NOW = new Date('2024-08-20T10:00:00+08:00');

function check(application: Partial<Application>, input = anInput({ applicationId: '17' })) {
  const region = input.region as 'bz' | 'aks' | 'wlmq';
  const facts = factsFor(2024, { [region]: answered(region, { applications: [anApplication({ region, ...application })] }) });
  return checkSubmissionLimit(contextFor(input, facts, NOW));
}

describe('at most 3 submissions including the first (001 §四(一), §四(三); 003 and 004 §四(三))', () => {
  it.each<[ApplicationStatus, number, string, string]>([
    // Returned: it must be submitted again, so the next submission is what counts.
    ['RETURNED_BY_COMMITTEE', 1, 'PASS', 'the next is the 2nd'],
    ['RETURNED_BY_COMMITTEE', 2, 'PASS', 'the next is the 3rd: allowed'],
    ['RETURNED_BY_COMMITTEE', 3, 'FAIL', 'the next would be the 4th: refused'],
    ['RETURNED_BY_UNIT', 3, 'FAIL', 'a unit return counts the same'],
    ['DRAFT', 0, 'PASS', 'a draft\'s first submission'],
    // Under audit: the submission it is on is what counts.
    ['AWAITING_COMMITTEE_AUDIT', 3, 'PASS', 'on its 3rd submission: allowed'],
    ['AWAITING_COMMITTEE_AUDIT', 4, 'FAIL', 'on a 4th submission: refused'],
    ['PAID', 2, 'PASS', 'paid after 2'],
    // Status unreadable: decided only where the status would not change the answer.
    ['UNKNOWN', 2, 'PASS', 'one more would still be the 3rd'],
    ['UNKNOWN', 3, 'UNKNOWN', 'the 3rd, and whether a 4th is needed is not known'],
    ['UNKNOWN', 4, 'FAIL', 'already 4'],
  ])('%s after %i submissions: %s (%s)', (status, submissionCount, verdict) => {
    expect(check({ status, submissionCount }).verdict).toBe(verdict);
  });

  it('cites the notice of the batch', () => {
    const result = check({ status: 'RETURNED_BY_COMMITTEE', submissionCount: 3 });
    expect(result.reasons[0]).toMatchObject({
      code: 'SUBMISSION_LIMIT_EXCEEDED',
      source: noticeSource('001', '§四(一)、§四(三)'),
      region: 'aks',
    });
    expect(result.reasons[0]?.messageEn).toContain('submission 4');
  });

  it.each([
    ['bz', 'BZ2023JZ', '§四(三)'],
    ['bz', 'BZ2024STHJ', '§四(三)'],
  ] as const)('%s %s: the 4th is refused', (region, batchCode, section) => {
    const result = check(
      { status: 'RETURNED_BY_UNIT', submissionCount: 3, batchCode },
      anInput({ region, batchCode, applicationId: '17', specialty: null }),
    );
    expect([result.verdict, result.reasons[0]?.source?.section]).toEqual(['FAIL', section]);
  });

  it('an unrecorded count is UNKNOWN, never PASS', () => {
    expect(check({ status: 'RETURNED_BY_UNIT', submissionCount: null }).verdict).toBe('UNKNOWN');
  });
});

describe('wlmq counts returns: "被退回超过 3 次的，将无法再提交申请" (002 §四(二))', () => {
  const wlmq = anInput({ region: 'wlmq', batchCode: 'WLMQ2024', applicationId: 'WLMQ2024-000123' });
  it.each<[number | null, string]>([
    [0, 'PASS'],
    [3, 'PASS'],
    [4, 'FAIL'],
    [null, 'UNKNOWN'],
  ])('returned %s times: %s', (returnCount, verdict) => {
    const result = check(
      { localId: 'WLMQ2024-000123', batchCode: null, status: 'RETURNED_BY_COMMITTEE', submissionCount: null, returnCount },
      wlmq,
    );
    expect(result.verdict).toBe(verdict);
  });
});

describe('when the application cannot be judged', () => {
  it('no application id: the rule does not apply', () => {
    expect(check({ submissionCount: 9 }, anInput())).toEqual({ rule: 'SUBMISSION_LIMIT', verdict: 'PASS', reasons: [] });
  });

  it.each([
    ['the id is not the person\'s', anInput({ applicationId: '99' }), 'SUBMISSION_APPLICATION_NOT_FOUND'],
    ['the global id of another region', anInput({ applicationId: 'bz:17' }), 'SUBMISSION_APPLICATION_NOT_FOUND'],
  ])('%s: UNKNOWN', (_name, input, code) => {
    const result = check({ status: 'PAID', submissionCount: 1 }, input);
    expect([result.verdict, result.reasons[0]?.code]).toEqual(['UNKNOWN', code]);
  });

  it('the global id of the region matches', () => {
    expect(check({ status: 'RETURNED_BY_UNIT', submissionCount: 3 }, anInput({ applicationId: 'aks:17' })).verdict).toBe('FAIL');
  });

  it('the applying region did not answer: UNKNOWN', () => {
    const facts = factsFor(2024, { aks: missing('aks') });
    const result = checkSubmissionLimit(contextFor(anInput({ applicationId: '17' }), facts, NOW));
    expect([result.verdict, result.reasons[0]?.code]).toEqual(['UNKNOWN', 'SUBMISSION_REGION_MISSING']);
  });

  it('an application of another batch: UNKNOWN', () => {
    const result = check({ batchCode: 'AKS-2023-OLD', submissionCount: 1 });
    expect([result.verdict, result.reasons[0]?.code]).toEqual(['UNKNOWN', 'SUBMISSION_APPLICATION_OTHER_BATCH']);
  });

  it('000 sets no limit, and says so', () => {
    const result = check(
      { status: 'RETURNED_BY_UNIT', submissionCount: 5, batchCode: 'BZ2024ZJMQ' },
      anInput({ region: 'bz', batchCode: 'BZ2024ZJMQ', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW', applicationId: '17' }),
    );
    expect(result.reasons[0]).toMatchObject({ verdict: 'PASS', code: 'SUBMISSION_LIMIT_NOT_SET', source: { section: '全文未规定' } });
  });
});
