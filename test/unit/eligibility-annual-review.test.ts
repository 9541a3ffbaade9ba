import { describe, expect, it } from 'vitest';
import type { ReviewKind } from '../../domain/codes.js';
import { anApplication, anInput, contextFor, factsFor, missing, noticeSource } from '../fixtures/eligibility.js';
import { checkAnnualReview } from '../../domain/eligibility/rules/annualReview.js';
import type { AnnualReviewFacts, EligibilityInput } from '../../domain/eligibility/types.js';

const NOW = new Date('2024-08-20T10:00:00+08:00');
const bzJuly = anApplication({ region: 'bz', localId: '1042', batchCode: 'BZ2024ZJMQ', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW' });
const aksOwn = anApplication({ region: 'aks', localId: '17' });

function check(annualReview: AnnualReviewFacts, input: Partial<EligibilityInput> = {}, regions = {}) {
  return checkAnnualReview(contextFor(anInput(input), factsFor(2024, regions, annualReview), NOW));
}

describe('one review a year, across regions (000 §五(五))', () => {
  it.each<[string, AnnualReviewFacts, Partial<EligibilityInput>, string, string[]]>([
    ['a review elsewhere that year', { year: 2024, verdict: 'ALREADY_APPLIED', counted: [bzJuly], missingRegions: [] }, {}, 'FAIL', ['ANNUAL_REVIEW_ALREADY_APPLIED']],
    ['only the application being checked', { year: 2024, verdict: 'ALREADY_APPLIED', counted: [aksOwn], missingRegions: [] }, { applicationId: '17' }, 'PASS', ['ANNUAL_REVIEW_CLEAR']],
    ['the own one, named globally', { year: 2024, verdict: 'ALREADY_APPLIED', counted: [aksOwn], missingRegions: [] }, { applicationId: 'aks:17' }, 'PASS', ['ANNUAL_REVIEW_CLEAR']],
    ['the own one and another', { year: 2024, verdict: 'ALREADY_APPLIED', counted: [aksOwn, bzJuly], missingRegions: [] }, { applicationId: '17' }, 'FAIL', ['ANNUAL_REVIEW_ALREADY_APPLIED']],
    ['an application of the same key in another region is not the own one', { year: 2024, verdict: 'ALREADY_APPLIED', counted: [anApplication({ region: 'bz', localId: '17' })], missingRegions: [] }, { applicationId: '17' }, 'FAIL', ['ANNUAL_REVIEW_ALREADY_APPLIED']],
    ['clear', { year: 2024, verdict: 'CLEAR', counted: [], missingRegions: [] }, {}, 'PASS', ['ANNUAL_REVIEW_CLEAR']],
    ['unknown, with a region missing', { year: 2024, verdict: 'UNKNOWN', counted: [], missingRegions: ['wlmq'] }, {}, 'UNKNOWN', ['ANNUAL_REVIEW_REGION_MISSING']],
    ['unknown, with an unreadable status', { year: 2024, verdict: 'UNKNOWN', counted: [], missingRegions: [] }, {}, 'UNKNOWN', ['ANNUAL_REVIEW_REGION_MISSING']],
    ['the own one, while a region is missing', { year: 2024, verdict: 'ALREADY_APPLIED', counted: [aksOwn], missingRegions: ['bz'] }, { applicationId: '17' }, 'UNKNOWN', ['ANNUAL_REVIEW_REGION_MISSING']],
    ['applied, unnamed, without an own id', { year: 2024, verdict: 'ALREADY_APPLIED', counted: [], missingRegions: [] }, {}, 'FAIL', ['ANNUAL_REVIEW_ALREADY_APPLIED']],
    ['applied, unnamed, with an own id', { year: 2024, verdict: 'ALREADY_APPLIED', counted: [], missingRegions: [] }, { applicationId: '17' }, 'UNKNOWN', ['ANNUAL_REVIEW_UNNAMED']],
    ['a verdict for another year', { year: 2023, verdict: 'CLEAR', counted: [], missingRegions: [] }, {}, 'UNKNOWN', ['ANNUAL_REVIEW_WRONG_YEAR']],
  ])('%s: %s', (_name, annualReview, input, verdict, codes) => {
    const result = check(annualReview, input);
    expect(result.verdict).toBe(verdict);
    expect(result.reasons.map((r) => r.code)).toEqual(codes);
  });

  it('names the other application and its region, and cites 000 §五(五)', () => {
    const result = check({ year: 2024, verdict: 'ALREADY_APPLIED', counted: [bzJuly], missingRegions: [] });
    expect(result.reasons[0]).toMatchObject({
      region: 'bz',
      source: noticeSource('000', '§五(五)'),
    });
    expect(result.reasons[0]?.messageZh).toContain('bz:1042');
    expect(result.reasons[0]?.messageZh).toContain('BZ2024ZJMQ');
  });

  it('a region the facts mark missing is missing even if the verdict says CLEAR', () => {
    const result = check({ year: 2024, verdict: 'CLEAR', counted: [], missingRegions: [] }, {}, { wlmq: missing('wlmq') });
    expect([result.verdict, result.reasons[0]?.region]).toEqual(['UNKNOWN', 'wlmq']);
  });

  it.each<[ReviewKind, string, string]>([
    ['INITIAL_DETERMINATION', 'PASS', 'ANNUAL_REVIEW_NOT_A_REVIEW'],
    ['CONFERRAL', 'PASS', 'ANNUAL_REVIEW_NOT_A_REVIEW'],
    ['REVIEW', 'FAIL', 'ANNUAL_REVIEW_ALREADY_APPLIED'],
  ])('applying for %s beside a review that year: %s (only a review is limited)', (reviewKind, verdict, code) => {
    const aks2023 = anApplication({ region: 'aks', year: 2023, batchCode: 'AKS-2023' });
    const result = check(
      { year: 2023, verdict: 'ALREADY_APPLIED', counted: [aks2023], missingRegions: [] },
      { region: 'bz', batchCode: 'BZ2023JZ', reviewKind },
    );
    expect([result.verdict, result.reasons[0]?.code]).toEqual([verdict, code]);
  });

  it('says which kinds count in words the applicant reads, not by a repository file', () => {
    const result = check({ year: 2023, verdict: 'CLEAR', counted: [], missingRegions: [] }, { region: 'bz', batchCode: 'BZ2023JZ', reviewKind: 'CONFERRAL' });
    const reason = result.reasons[0]!;
    expect(reason.code).toBe('ANNUAL_REVIEW_NOT_A_REVIEW');
    expect(`${reason.messageZh} ${reason.messageEn}`).not.toMatch(/\.ts\b|domain\//);
    expect(reason.messageZh).toContain('考评结合');
  });
});
