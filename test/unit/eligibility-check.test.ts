import { describe, expect, it } from 'vitest';
import { checkEligibility, windowsAt } from '../../domain/eligibility/checkEligibility.js';
import {
  aRegionalProfile,
  anApplication,
  anInput,
  anIntegrityRecord,
  answered,
  batchByCode,
  factsFor,
  missing, noticeSource } from '../fixtures/eligibility.js';
import type { EligibilityInput } from '../../domain/eligibility/types.js';

const IN_AKS_WINDOW = new Date('2024-08-20T10:00:00+08:00');
const IN_WLMQ_WINDOW = new Date('2024-09-10T10:00:00+08:00');
const wlmqEngineer = anInput({
  region: 'wlmq',
  batchCode: 'WLMQ2024',
  series: 'ENGINEERING',
  level: 'INTERMEDIATE',
  employerKind: 'STATE_OWNED_ENTERPRISE',
});

describe('checkEligibility', () => {
  it('a clean aks applicant inside the window is ELIGIBLE, with fee, defence and windows', () => {
    const result = checkEligibility(anInput({ level: 'ASSOCIATE_SENIOR' }), factsFor(2024), IN_AKS_WINDOW);
    expect(result.verdict).toBe('ELIGIBLE');
    expect(result.outcomes.every((o) => o.verdict === 'PASS')).toBe(true);
    expect(result.fee).toMatchObject({ fen: 60000, source: { notice: '001', issuer: '阿克苏地区工业和信息化局', issuedOn: '2024-07-15' } });
    expect(result.defence).toMatchObject({ required: true, exemption: null });
    expect(result.windows.open.map((w) => w.kind)).toEqual(['APPLY', 'AUDIT']);
    expect(result.windows.next.map((w) => w.kind)).toEqual(['PAY', 'PAPER_MATERIALS']);
    expect(result.batch?.code).toBe('AKS-2024-JXDZ-HG');
  });

  it('a person blacklisted in aks applying in wlmq is INELIGIBLE, the reason citing 001', () => {
    const facts = factsFor(2024, {
      aks: answered('aks', { integrityRecords: [anIntegrityRecord({ decidedOn: '2023-05-10', barredUntil: '2028-05-09' })] }),
    });
    const result = checkEligibility(wlmqEngineer, facts, IN_WLMQ_WINDOW);
    expect(result.verdict).toBe('INELIGIBLE');
    const failing = result.reasons.filter((r) => r.verdict === 'FAIL');
    expect(failing).toEqual([
      expect.objectContaining({
        code: 'INTEGRITY_BAN_ACTIVE',
        region: 'aks',
        source: noticeSource('001', '§三(一)（其他事宜）'),
      }),
    ]);
    expect(failing[0]?.messageZh).toContain('2028-05-09');
  });

  it.each(['bz', 'aks', 'wlmq'] as const)('with %s down, a clean person is UNKNOWN, never ELIGIBLE', (down) => {
    const result = checkEligibility(wlmqEngineer, factsFor(2024, { [down]: missing(down) }), IN_WLMQ_WINDOW);
    expect(result.verdict).toBe('UNKNOWN');
    expect(result.reasons.some((r) => r.verdict === 'UNKNOWN' && r.region === down)).toBe(true);
  });

  it('a failure elsewhere still gives INELIGIBLE while a region is down', () => {
    const facts = factsFor(2024, { bz: missing('bz') });
    const late = new Date('2024-10-01T00:00:00+08:00');
    expect(checkEligibility(wlmqEngineer, facts, late).verdict).toBe('INELIGIBLE');
  });

  it('private-enterprise 副高 in aks is refused', () => {
    const result = checkEligibility(
      anInput({ level: 'ASSOCIATE_SENIOR', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW' }),
      factsFor(2024),
      IN_AKS_WINDOW,
    );
    expect(result.verdict).toBe('INELIGIBLE');
    expect(result.reasons.filter((r) => r.verdict === 'FAIL').map((r) => r.code)).toEqual([
      'BATCH_LEVEL_NOT_OFFERED',
      'PRIVATE_ENTERPRISE_LEVEL',
    ]);
  });

  it('the own application is left out of the annual count, and its submissions are checked', () => {
    const own = anApplication({ localId: '17', status: 'RETURNED_BY_COMMITTEE', submissionCount: 2 });
    const facts = factsFor(2024, { aks: answered('aks', { applications: [own] }) }, {
      year: 2024,
      verdict: 'ALREADY_APPLIED',
      counted: [own],
      missingRegions: [],
    });
    const input: EligibilityInput = anInput({ applicationId: '17' });
    expect(checkEligibility(input, facts, IN_AKS_WINDOW).verdict).toBe('ELIGIBLE');
    const fourth = factsFor(2024, { aks: answered('aks', { applications: [{ ...own, submissionCount: 3 }] }) }, facts.annualReview);
    const result = checkEligibility(input, fourth, IN_AKS_WINDOW);
    expect([result.verdict, result.reasons.filter((r) => r.verdict === 'FAIL').map((r) => r.code)]).toEqual([
      'INELIGIBLE',
      ['SUBMISSION_LIMIT_EXCEEDED'],
    ]);
  });

  it('a bz 民营专项 review in July, then an aks review in August: the aks one is INELIGIBLE', () => {
    const july = anApplication({ region: 'bz', localId: '1042', batchCode: 'BZ2024ZJMQ', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW' });
    const facts = factsFor(2024, {}, { year: 2024, verdict: 'ALREADY_APPLIED', counted: [july], missingRegions: [] });
    const result = checkEligibility(anInput(), facts, IN_AKS_WINDOW);
    expect(result.verdict).toBe('INELIGIBLE');
    expect(result.reasons.find((r) => r.verdict === 'FAIL')).toMatchObject({
      code: 'ANNUAL_REVIEW_ALREADY_APPLIED',
      region: 'bz',
      source: noticeSource('000', '§五(五)'),
    });
  });

  it('an unknown fee or an undecided defence does not change the verdict', () => {
    const input = anInput({ region: 'bz', batchCode: 'BZ2024ZJMQ', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW', level: 'INTERMEDIATE' });
    const facts = factsFor(2024, { bz: answered('bz', { profile: aRegionalProfile('bz', { location: null }) }) });
    const result = checkEligibility(input, facts, new Date('2024-07-20T10:00:00+08:00'));
    expect([result.fee?.fen, result.defence?.required]).toEqual([null, null]);
    expect(result.verdict).toBe('ELIGIBLE');
    // Both are still reported, for the clerk.
    expect(result.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['FEE_NOT_GIVEN', 'DEFENCE_DEPENDS_ON_LOCATION']));
  });

  it('finds the batch by year, series and specialty', () => {
    const result = checkEligibility(
      { region: 'bz', year: 2024, series: 'ENGINEERING', specialty: '生态环境', level: 'INTERMEDIATE', reviewKind: 'REVIEW' },
      factsFor(2024),
      new Date('2024-09-01T10:00:00+08:00'),
    );
    expect([result.batch?.code, result.verdict, result.fee?.fen]).toEqual(['BZ2024STHJ', 'ELIGIBLE', 38000]);
  });

  it.each<[Partial<EligibilityInput>, string]>([
    [{ batchCode: 'NO-SUCH' }, 'BATCH_NOT_FOUND'],
    [{ region: 'wlmq', batchCode: 'AKS-2024-JXDZ-HG' }, 'BATCH_OTHER_REGION'],
    [{ batchCode: null, year: 2024 }, 'BATCH_NO_CRITERIA'],
  ])('no batch for %j: UNKNOWN, %s', (input, code) => {
    const result = checkEligibility(anInput(input), factsFor(2024), IN_AKS_WINDOW);
    expect([result.verdict, result.batch, result.reasons.map((r) => r.code)]).toEqual(['UNKNOWN', null, [code]]);
  });

  it('reasons always cite a notice by issuer, title, date and section', () => {
    const result = checkEligibility(wlmqEngineer, factsFor(2024, { aks: missing('aks') }), IN_WLMQ_WINDOW);
    for (const r of result.reasons) {
      expect(r.source?.issuer.length).toBeGreaterThan(0);
      expect(r.source?.title).toMatch(/^关于.*的通知$/);
      expect(r.source?.issuedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r.source?.section.length).toBeGreaterThan(0);
    }
  });

  it('a batch the notices do not open is UNKNOWN with no notice to cite', () => {
    const result = checkEligibility(anInput({ region: 'wlmq', batchCode: 'NO-SUCH-BATCH' }), factsFor(2024), IN_WLMQ_WINDOW);
    expect(result.reasons.map((r) => [r.code, r.source])).toEqual([['BATCH_NOT_FOUND', null]]);
  });
});

describe('open and next windows', () => {
  it.each([
    ['2024-07-01T00:00:00+08:00', [], ['APPLY']],
    ['2024-08-30T18:00:00+08:00', ['APPLY', 'AUDIT'], ['PAY', 'PAPER_MATERIALS']],
    ['2024-08-30T18:00:01+08:00', ['AUDIT'], ['PAY', 'PAPER_MATERIALS']],
    ['2024-09-10T12:00:00+08:00', ['AUDIT', 'PAY', 'PAPER_MATERIALS'], []],
    ['2024-12-01T00:00:00+08:00', [], []],
  ])('001 at %s: open %j, next %j', (now, open, next) => {
    const windows = windowsAt(batchByCode('AKS-2024-JXDZ-HG'), new Date(now));
    expect([windows.open.map((w) => w.kind), windows.next.map((w) => w.kind)]).toEqual([open, next]);
  });
});
