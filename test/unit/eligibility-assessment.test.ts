import { describe, expect, it } from 'vitest';
import type { AssessmentResult } from '../../domain/codes.js';
import type { Assessment } from '../../domain/types.js';
import { anAssessment, anInput, answered, batchByCode, contextFor, factsFor, missing, noticeSource } from '../fixtures/eligibility.js';
import { assessmentDelay, checkAnnualAssessment } from '../../domain/eligibility/rules/annualAssessment.js';
import type { EligibilityInput, RegionFacts } from '../../domain/eligibility/types.js';

const NOW = new Date('2024-08-30T10:00:00+08:00');
const BZ_2024 = { region: 'bz', batchCode: 'BZ2024STHJ' } satisfies Partial<EligibilityInput>;

function check(input: Partial<EligibilityInput>, regions: Partial<Record<'bz' | 'aks' | 'wlmq', RegionFacts>>) {
  return checkAnnualAssessment(contextFor(anInput(input), factsFor(2024, regions), NOW));
}

function bzWith(...assessments: Assessment[]) {
  return check(BZ_2024, { bz: answered('bz', { assessments }) });
}

describe('delays (004 §五(一)10: 基本合格 +1 year, 不合格 +2 years, each time)', () => {
  const rule = batchByCode('BZ2024STHJ').assessments!;
  it.each<[AssessmentResult[], number]>([
    [['PASS', 'EXCELLENT', 'PASS'], 0],
    [['BASIC_PASS'], 1],
    [['BASIC_PASS', 'BASIC_PASS'], 2],
    [['FAIL'], 2],
    [['BASIC_PASS', 'FAIL', 'PASS'], 3],
  ])('%j: %i years', (results, years) => {
    expect(assessmentDelay(rule, results)).toEqual({ years, unquantified: false, unset: false });
  });

  it('000 delays a 不合格 without saying by how much, and says nothing of 基本合格', () => {
    const rule000 = batchByCode('BZ2024ZJMQ').assessments!;
    expect(assessmentDelay(rule000, ['FAIL'])).toEqual({ years: 0, unquantified: true, unset: false });
    expect(assessmentDelay(rule000, ['BASIC_PASS'])).toEqual({ years: 0, unquantified: false, unset: true });
  });
});

describe('annual assessments in the years the notice asks about', () => {
  it.each<[string, Assessment[], string, string[]]>([
    ['three good years', [anAssessment(2021, 'PASS', 'bz'), anAssessment(2022, 'EXCELLENT', 'bz'), anAssessment(2023, 'PASS', 'bz')], 'PASS', ['ASSESSMENT_CLEAR']],
    // A delay is not a bar by itself: it adds years to the 任职年限 the conditions ask, which the notices do not give.
    ['one 基本合格', [anAssessment(2022, 'BASIC_PASS', 'bz')], 'UNKNOWN', ['ASSESSMENT_DELAY']],
    ['one 不合格', [anAssessment(2023, 'FAIL', 'bz')], 'UNKNOWN', ['ASSESSMENT_DELAY']],
    ['a 不合格 before the years asked about', [anAssessment(2020, 'FAIL', 'bz')], 'PASS', ['ASSESSMENT_CLEAR']],
    ['a 不合格 of the batch year itself is not yet asked about', [anAssessment(2024, 'FAIL', 'bz')], 'PASS', ['ASSESSMENT_CLEAR']],
    ['an unreadable result', [anAssessment(2022, 'UNKNOWN', 'bz')], 'UNKNOWN', ['ASSESSMENT_RESULT_UNKNOWN']],
    ['a 不合格 without a year', [{ region: 'bz', year: null, result: 'FAIL', dataQuality: [] }], 'UNKNOWN', ['ASSESSMENT_YEAR_UNKNOWN']],
    ['a 合格 without a year is harmless', [{ region: 'bz', year: null, result: 'PASS', dataQuality: [] }], 'PASS', ['ASSESSMENT_CLEAR']],
  ])('bz 2024, %s: %s', (_name, assessments, verdict, codes) => {
    const result = bzWith(...assessments);
    expect([result.verdict, result.reasons.map((r) => r.code)]).toEqual([verdict, codes]);
  });

  it('gives the total delay and cites 004 §五(一)10', () => {
    const [delay] = bzWith(anAssessment(2021, 'BASIC_PASS', 'bz'), anAssessment(2023, 'FAIL', 'bz')).reasons;
    expect(delay?.messageZh).toContain('合计顺延 3 年申报');
    expect(delay?.source).toEqual(noticeSource('004', '§五(一)10'));
  });

  it('the worst result of a year across regions counts once', () => {
    const result = check(BZ_2024, {
      bz: answered('bz', { assessments: [anAssessment(2022, 'PASS', 'bz')] }),
      aks: answered('aks', { assessments: [anAssessment(2022, 'FAIL', 'aks')] }),
    });
    expect(result.reasons[0]).toMatchObject({ code: 'ASSESSMENT_DELAY', region: 'aks' });
    expect(result.reasons[0]?.messageZh).toContain('合计顺延 2 年申报');
  });

  it('names the years no portal records', () => {
    const result = bzWith(anAssessment(2021, 'PASS', 'bz'));
    expect(result.reasons[0]?.messageZh).toContain('2022、2023 年无记录');
  });

  it('a region that records assessments is down: UNKNOWN', () => {
    const result = check(BZ_2024, { aks: missing('aks') });
    expect([result.verdict, result.reasons[0]?.code]).toEqual(['UNKNOWN', 'ASSESSMENT_REGION_MISSING']);
  });

  it('wlmq down does not matter: it records no assessments', () => {
    expect(check(BZ_2024, { wlmq: missing('wlmq') }).verdict).toBe('PASS');
  });

  it('003 (2023) asks about 2020-2022', () => {
    const result = check(
      { region: 'bz', batchCode: 'BZ2023JZ' },
      { bz: answered('bz', { assessments: [anAssessment(2020, 'BASIC_PASS', 'bz'), anAssessment(2023, 'FAIL', 'bz')] }) },
    );
    expect(result.reasons[0]?.messageZh).toContain('2020 年基本合格');
    expect(result.reasons[0]?.messageZh).not.toContain('2023 年不合格');
  });

  it('001 asks for the forms but sets no delay: a 不合格 is left to the conditions', () => {
    const result = check({}, { aks: answered('aks', { assessments: [anAssessment(2023, 'FAIL')] }) });
    expect(result.verdict).toBe('UNKNOWN');
    expect(result.reasons[0]?.messageZh).toContain('通知未规定此结果的顺延年限');
  });

  it('002 says nothing of assessments, and the rule says so', () => {
    const result = check(
      { region: 'wlmq', batchCode: 'WLMQ2024' },
      { aks: answered('aks', { assessments: [anAssessment(2023, 'FAIL')] }) },
    );
    expect(result.reasons.map((r) => [r.verdict, r.code, r.source?.section])).toEqual([
      ['PASS', 'ASSESSMENT_RULE_NOT_SET', '全文未规定'],
    ]);
  });
});
