import { describe, expect, it } from 'vitest';
import type { ReviewKind, TitleLevel } from '../../domain/codes.js';
import { aRegionalProfile, anInput, answered, contextFor, factsFor, missing, noticeSource } from '../fixtures/eligibility.js';
import type { DefenceExemptionFlag } from '../../domain/eligibility/reviewBatch.js';
import { decideDefence } from '../../domain/eligibility/rules/defence.js';
import { decideFee } from '../../domain/eligibility/rules/fee.js';
import type { EligibilityInput, RegionFacts } from '../../domain/eligibility/types.js';

const NOW = new Date('2024-07-20T10:00:00+08:00');

function ctx(input: Partial<EligibilityInput>, regions: Partial<Record<'bz' | 'aks' | 'wlmq', RegionFacts>> = {}) {
  return contextFor(anInput(input), factsFor(2024, regions), NOW);
}

function bzPrivate(county: string | null, input: Partial<EligibilityInput> = {}) {
  return decideDefence(
    ctx(
      { region: 'bz', batchCode: 'BZ2024ZJMQ', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW', ...input },
      { bz: answered('bz', { profile: aRegionalProfile('bz', { location: county }) }) },
    ),
  );
}

describe('defence, bz 民营专项 (000 §四(五))', () => {
  it.each<[string | null, TitleLevel, boolean | null, string | null]>([
    ['库尔勒市', 'INTERMEDIATE', true, null],
    ['若羌县', 'INTERMEDIATE', false, 'LOCATION'],
    ['且末县', 'INTERMEDIATE', false, 'LOCATION'],
    ['若羌', 'INTERMEDIATE', false, 'LOCATION'],
    ['轮台县', 'INTERMEDIATE', true, null],
    [null, 'INTERMEDIATE', null, null],
    ['库尔勒市', 'JUNIOR', false, 'LEVEL'],
    ['库尔勒市', 'ASSISTANT', false, 'LEVEL'],
  ])('in %s, %s: required %s, exemption %s', (county, level, required, exemption) => {
    const decision = bzPrivate(county, { level });
    expect([decision.required, decision.exemption?.code ?? null]).toEqual([required, exemption]);
  });

  it('若羌县 cites 000 §四(五)', () => {
    expect(bzPrivate('若羌县').exemption?.source).toEqual(noticeSource('000', '§四(五)'));
  });

  it('the county given in the input wins over the portal', () => {
    expect(bzPrivate('库尔勒市', { location: '且末县' }).required).toBe(false);
  });

  it('an unknown county leaves the defence undecided, and asks for it', () => {
    const decision = bzPrivate(null);
    expect([decision.reason.verdict, decision.reason.code]).toEqual(['UNKNOWN', 'DEFENCE_DEPENDS_ON_LOCATION']);
  });

  it('bz down: undecided', () => {
    const decision = decideDefence(ctx({ region: 'bz', batchCode: 'BZ2024ZJMQ', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW' }, { bz: missing('bz') }));
    expect(decision.required).toBeNull();
  });
});

describe('defence, aks (001 §四(四)) and wlmq (002 §五)', () => {
  it.each<[Partial<EligibilityInput>, boolean, string]>([
    [{ level: 'ASSOCIATE_SENIOR' }, true, '§四(四)'],
    [{ level: 'INTERMEDIATE' }, false, '§四(四)'],
    [{ level: 'JUNIOR' }, false, '§四(四)'],
    [{ region: 'wlmq', batchCode: 'WLMQ2024', level: 'INTERMEDIATE' }, true, '§五(一)'],
    [{ region: 'wlmq', batchCode: 'WLMQ2024', level: 'ASSOCIATE_SENIOR' }, true, '§五(一)'],
    [{ region: 'wlmq', batchCode: 'WLMQ2024', level: 'JUNIOR' }, false, '§五(一)'],
  ])('%j: required %s, citing %s', (input, required, section) => {
    const decision = decideDefence(ctx(input));
    expect([decision.required, decision.reason.source?.section]).toEqual([required, section]);
  });

  it.each<[string, DefenceExemptionFlag[], boolean, string | null]>([
    ['aks 访惠聚 village work', ['VILLAGE_RESIDENT_WORK'], false, 'VILLAGE_RESIDENT_WORK'],
    ['aks secondment', ['SECONDMENT_OR_STARTUP'], false, 'SECONDMENT_OR_STARTUP'],
    ['aks first secretary: not in 001', ['POOR_VILLAGE_FIRST_SECRETARY'], true, null],
  ])('%s', (_name, defenceExemptions, required, exemption) => {
    const decision = decideDefence(ctx({ level: 'ASSOCIATE_SENIOR', defenceExemptions }));
    expect([decision.required, decision.exemption?.code ?? null]).toEqual([required, exemption]);
  });

  it('says when a declared circumstance is not one the notice lists', () => {
    const decision = decideDefence(ctx({ level: 'ASSOCIATE_SENIOR', defenceExemptions: ['GRASSROOTS_UNIT'] }));
    expect(decision.reason.messageZh).toContain('未将“在基层单位工作”列为免答辩情形');
  });
});

describe('defence, bz 建筑 and 生态环境 (003, 004 §六)', () => {
  it.each<[string, ReviewKind, TitleLevel, string, DefenceExemptionFlag[], boolean, string | null]>([
    ['BZ2024STHJ', 'REVIEW', 'INTERMEDIATE', '库尔勒市', [], true, null],
    ['BZ2024STHJ', 'REVIEW', 'INTERMEDIATE', '若羌县', [], false, 'LOCATION'],
    ['BZ2024STHJ', 'REVIEW', 'INTERMEDIATE', '库尔勒市', ['GRASSROOTS_UNIT'], false, 'GRASSROOTS_UNIT'],
    ['BZ2023JZ', 'REVIEW', 'INTERMEDIATE', '库尔勒市', ['POOR_VILLAGE_FIRST_SECRETARY'], false, 'POOR_VILLAGE_FIRST_SECRETARY'],
    ['BZ2024STHJ', 'REVIEW', 'JUNIOR', '库尔勒市', [], false, 'LEVEL'],
    ['BZ2024STHJ', 'INITIAL_DETERMINATION', 'INTERMEDIATE', '库尔勒市', [], false, null],
    ['BZ2023JZ', 'CONFERRAL', 'INTERMEDIATE', '库尔勒市', [], false, null],
  ])('%s %s %s in %s %j: required %s, exemption %s', (batchCode, reviewKind, level, location, defenceExemptions, required, exemption) => {
    const decision = decideDefence(ctx({ region: 'bz', batchCode, reviewKind, level, location, defenceExemptions }));
    expect([decision.required, decision.exemption?.code ?? null]).toEqual([required, exemption]);
  });
});

describe('fees, in fen', () => {
  it.each<[Partial<EligibilityInput>, number | null, string]>([
    [{ level: 'ASSOCIATE_SENIOR' }, 60000, '§三(四)（其他事宜）'],
    [{ level: 'INTERMEDIATE' }, 40000, '§三(四)（其他事宜）'],
    [{ level: 'JUNIOR' }, 20000, '§三(四)（其他事宜）'],
    [{ level: 'ASSISTANT', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW' }, 20000, '§三(四)（其他事宜）'],
    [{ region: 'bz', batchCode: 'BZ2024STHJ', level: 'INTERMEDIATE' }, 38000, '§七'],
    [{ region: 'bz', batchCode: 'BZ2024STHJ', level: 'JUNIOR' }, 22000, '§七'],
    [{ region: 'bz', batchCode: 'BZ2023JZ', level: 'JUNIOR', reviewKind: 'INITIAL_DETERMINATION' }, 10000, '§七'],
    [{ region: 'bz', batchCode: 'BZ2023JZ', level: 'INTERMEDIATE', reviewKind: 'INITIAL_DETERMINATION' }, 38000, '§七'],
    [{ region: 'bz', batchCode: 'BZ2024STHJ', level: 'INTERMEDIATE', reviewKind: 'CONFERRAL' }, 38000, '§七'],
    // Unknown is never zero.
    [{ region: 'bz', batchCode: 'BZ2024STHJ', level: 'JUNIOR', reviewKind: 'CONFERRAL' }, null, '§七'],
    [{ region: 'wlmq', batchCode: 'WLMQ2024', level: 'INTERMEDIATE' }, null, '§四(四)'],
    [{ region: 'bz', batchCode: 'BZ2024ZJMQ', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW' }, null, '全文未规定'],
  ])('%j: %s fen, %s', (input, fen, section) => {
    const fee = decideFee(ctx(input));
    expect([fee.fen, fee.reason.source?.section]).toEqual([fen, section]);
  });

  it.each([
    [{ region: 'wlmq', batchCode: 'WLMQ2024' }, 'FEE_ANNOUNCED_LATER'],
    [{ region: 'bz', batchCode: 'BZ2024ZJMQ', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW' as const }, 'FEE_NOT_GIVEN'],
    [{ region: 'bz', batchCode: 'BZ2024STHJ', level: 'JUNIOR' as const, reviewKind: 'CONFERRAL' as const }, 'FEE_NOT_GIVEN_FOR_LEVEL'],
  ])('%j: unknown, %s', (input, code) => {
    const fee = decideFee(ctx(input));
    expect([fee.fen, fee.reason.verdict, fee.reason.code]).toEqual([null, 'UNKNOWN', code]);
  });

  it('says the fee in yuan', () => {
    expect(decideFee(ctx({ level: 'ASSOCIATE_SENIOR' })).reason.messageZh).toContain('600 元');
  });
});
