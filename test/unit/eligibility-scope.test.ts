import { describe, expect, it } from 'vitest';
import type { EmployerKind, TitleLevel } from '../../domain/codes.js';
import { aRegionalProfile, anInput, answered, contextFor, factsFor, missing, noticeSource } from '../fixtures/eligibility.js';
import { checkBatchScope, sameLocation } from '../../domain/eligibility/rules/batchScope.js';
import { checkPrivateEnterpriseReview } from '../../domain/eligibility/rules/privateEnterprise.js';
import type { EligibilityInput, RegionFacts } from '../../domain/eligibility/types.js';

const NOW = new Date('2024-08-20T10:00:00+08:00');

function ctx(input: Partial<EligibilityInput>, regions: Partial<Record<'bz' | 'aks' | 'wlmq', RegionFacts>> = {}) {
  return contextFor(anInput(input), factsFor(2024, regions), NOW);
}

function codes(outcome: { reasons: { code: string }[] }): string[] {
  return outcome.reasons.map((r) => r.code);
}

describe('private-enterprise special review: 初级 and 中级 only (000 §四(一), 001 §一)', () => {
  it.each<[TitleLevel, string, string[]]>([
    ['JUNIOR', 'PASS', []],
    ['ASSISTANT', 'PASS', []],
    ['TECHNICIAN', 'PASS', []],
    ['INTERMEDIATE', 'PASS', []],
    ['ASSOCIATE_SENIOR', 'FAIL', ['PRIVATE_ENTERPRISE_LEVEL']],
    ['SENIOR', 'FAIL', ['PRIVATE_ENTERPRISE_LEVEL']],
    ['UNKNOWN', 'UNKNOWN', ['PRIVATE_ENTERPRISE_LEVEL_UNRECOGNISED']],
  ])('aks, %s: %s', (level, verdict, expected) => {
    const result = checkPrivateEnterpriseReview(ctx({ level, reviewKind: 'PRIVATE_ENTERPRISE_REVIEW' }));
    expect([result.verdict, codes(result)]).toEqual([verdict, expected]);
  });

  it('private-enterprise 副高 in aks is refused citing 001 §一', () => {
    const result = checkPrivateEnterpriseReview(ctx({ level: 'ASSOCIATE_SENIOR', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW' }));
    expect(result.reasons[0]?.source).toEqual(noticeSource('001', '§一'));
  });

  it('in bz it cites 000', () => {
    const result = checkPrivateEnterpriseReview(
      ctx({ region: 'bz', batchCode: 'BZ2024ZJMQ', level: 'ASSOCIATE_SENIOR', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW' }),
    );
    expect(result.reasons[0]?.source).toEqual(noticeSource('000', '§四(一)'));
  });
});

describe('private-enterprise special review: private-enterprise staff only (000 §一)', () => {
  it.each<[string, EmployerKind | null, EmployerKind | null, string, string[]]>([
    ['a private firm in the portal', 'PRIVATE_ENTERPRISE', null, 'PASS', []],
    ['a state-owned firm in the portal', 'STATE_OWNED_ENTERPRISE', null, 'FAIL', ['PRIVATE_ENTERPRISE_EMPLOYER']],
    ['a public institution', 'PUBLIC_INSTITUTION', null, 'FAIL', ['PRIVATE_ENTERPRISE_EMPLOYER']],
    ['其他: a clerk must look', 'OTHER', null, 'UNKNOWN', ['PRIVATE_ENTERPRISE_EMPLOYER_UNCLEAR']],
    ['unreadable in the portal', 'UNKNOWN', null, 'UNKNOWN', ['PRIVATE_ENTERPRISE_EMPLOYER_NEEDED']],
    ['the input overrides the portal', 'STATE_OWNED_ENTERPRISE', 'PRIVATE_ENTERPRISE', 'PASS', []],
  ])('%s: %s', (_name, recorded, given, verdict, expected) => {
    const result = checkPrivateEnterpriseReview(
      ctx(
        { region: 'bz', batchCode: 'BZ2024ZJMQ', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW', employerKind: given },
        { bz: answered('bz', { profile: aRegionalProfile('bz', { employerKind: recorded }) }) },
      ),
    );
    expect([result.verdict, codes(result)]).toEqual([verdict, expected]);
  });

  it('the applying region down: UNKNOWN', () => {
    const result = checkPrivateEnterpriseReview(
      ctx({ region: 'bz', batchCode: 'BZ2024ZJMQ', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW' }, { bz: missing('bz') }),
    );
    expect([result.verdict, result.reasons[0]?.messageEn]).toEqual(['UNKNOWN', expect.stringContaining('did not answer')]);
  });

  it('does not apply to a general review', () => {
    expect(checkPrivateEnterpriseReview(ctx({ level: 'ASSOCIATE_SENIOR' }))).toEqual({
      rule: 'PRIVATE_ENTERPRISE_REVIEW',
      verdict: 'PASS',
      reasons: [],
    });
  });
});

describe('what the batch opens', () => {
  it.each<[string, Partial<EligibilityInput>, string, string[]]>([
    ['aks 副高 general review', { level: 'ASSOCIATE_SENIOR' }, 'PASS', []],
    ['aks 正高', { level: 'SENIOR' }, 'FAIL', ['BATCH_LEVEL_NOT_OFFERED']],
    ['aks 民营 副高', { level: 'ASSOCIATE_SENIOR', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW' }, 'FAIL', ['BATCH_LEVEL_NOT_OFFERED']],
    ['aks 初定', { reviewKind: 'INITIAL_DETERMINATION' }, 'FAIL', ['BATCH_KIND_NOT_OFFERED']],
    ['aks 经济 series', { series: 'ECONOMICS' }, 'FAIL', ['BATCH_SERIES_NOT_OFFERED']],
    ['aks 建筑 specialty', { specialty: '建筑' }, 'FAIL', ['BATCH_SPECIALTY_NOT_OFFERED']],
    ['aks 化工 written with ASCII brackets', { specialty: '化工(含制药)' }, 'PASS', []],
    ['bz 003 授予 中级', { region: 'bz', batchCode: 'BZ2023JZ', reviewKind: 'CONFERRAL' }, 'PASS', []],
    ['bz 003 副高', { region: 'bz', batchCode: 'BZ2023JZ', level: 'ASSOCIATE_SENIOR' }, 'FAIL', ['BATCH_LEVEL_NOT_OFFERED']],
    ['bz 000 general review', { region: 'bz', batchCode: 'BZ2024ZJMQ', reviewKind: 'REVIEW' }, 'FAIL', ['BATCH_KIND_NOT_OFFERED']],
    ['未定职级', { level: 'UNRATED' }, 'UNKNOWN', ['BATCH_LEVEL_UNRECOGNISED']],
  ])('%s: %s', (_name, input, verdict, expected) => {
    const result = checkBatchScope(ctx(input));
    expect([result.verdict, codes(result)]).toEqual([verdict, expected]);
  });

  it('a refused level names what the batch opens', () => {
    const result = checkBatchScope(ctx({ level: 'SENIOR' }));
    expect(result.reasons[0]?.messageZh).toContain('仅限初级、中级、副高级');
  });
});

describe('wlmq: 经济、审计、会计、统计 副高 only for 自贸区经开片区 enterprises (002 §一(一))', () => {
  const wlmq = (input: Partial<EligibilityInput>, zone: string | null = '头屯河区') =>
    checkBatchScope(
      ctx(
        { region: 'wlmq', batchCode: 'WLMQ2024', level: 'ASSOCIATE_SENIOR', ...input },
        { wlmq: answered('wlmq', { profile: aRegionalProfile('wlmq', { location: zone }) }) },
      ),
    );

  it.each<[string, Partial<EligibilityInput>, string | null, string, string[]]>([
    ['会计 in 自贸区经开片区, a private firm', { series: 'ACCOUNTING', employerKind: 'PRIVATE_ENTERPRISE' }, '自贸区经开片区', 'PASS', []],
    ['会计 in 头屯河区', { series: 'ACCOUNTING', employerKind: 'PRIVATE_ENTERPRISE' }, '头屯河区', 'FAIL', ['BATCH_LOCATION_NOT_ELIGIBLE']],
    ['工程 in 头屯河区', { series: 'ENGINEERING', employerKind: 'STATE_OWNED_ENTERPRISE' }, '头屯河区', 'PASS', []],
    ['工程 at a public institution', { series: 'ENGINEERING', employerKind: 'PUBLIC_INSTITUTION' }, '头屯河区', 'FAIL', ['BATCH_EMPLOYER_NOT_ELIGIBLE']],
    // wlmq records no unit kind: the clerk must give it.
    ['工程, unit kind not given', { series: 'ENGINEERING' }, '头屯河区', 'UNKNOWN', ['BATCH_EMPLOYER_NEEDED']],
    ['工程, unit kind 其他', { series: 'ENGINEERING', employerKind: 'OTHER' }, '头屯河区', 'UNKNOWN', ['BATCH_EMPLOYER_UNCLEAR']],
    ['会计, zone not recorded', { series: 'ACCOUNTING', employerKind: 'PRIVATE_ENTERPRISE' }, null, 'UNKNOWN', ['BATCH_LOCATION_NEEDED']],
    ['会计 with the zone given', { series: 'ACCOUNTING', employerKind: 'PRIVATE_ENTERPRISE', location: '自贸区经开片区' }, null, 'PASS', []],
  ])('%s: %s', (_name, input, zone, verdict, expected) => {
    const result = wlmq(input, zone);
    expect([result.verdict, codes(result)]).toEqual([verdict, expected]);
  });
});

describe('place names', () => {
  it.each([
    ['若羌县', '若羌县', true],
    ['若羌', '若羌县', true],
    [' 且末县 ', '且末县', true],
    ['库尔勒市', '若羌县', false],
    ['库尔勒', '库尔勒市', true],
  ])('%s is %s: %s', (actual, listed, same) => {
    expect(sameLocation(actual, listed)).toBe(same);
  });
});
