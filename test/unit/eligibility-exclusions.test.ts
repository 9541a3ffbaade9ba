import { describe, expect, it } from 'vitest';
import type { PersonProfile } from '../../domain/types.js';
import {
  aProfile,
  aRegionalProfile,
  anInput,
  answered,
  contextFor,
  factsFor,
  missing,
  notKnownIn, noticeSource } from '../fixtures/eligibility.js';
import { checkExcludedPeople, judgeProfile } from '../../domain/eligibility/rules/excludedPeople.js';
import type { EligibilityInput, RegionFacts } from '../../domain/eligibility/types.js';

const NOW = new Date('2024-08-20T10:00:00+08:00');

function check(input: Partial<EligibilityInput>, regions: Partial<Record<'bz' | 'aks' | 'wlmq', RegionFacts>>) {
  return checkExcludedPeople(contextFor(anInput(input), factsFor(2024, regions), NOW));
}

function verdictsByCode(outcome: { reasons: { code: string; verdict: string; region: string }[] }): string[] {
  return outcome.reasons.map((r) => `${r.verdict} ${r.code} ${r.region}`);
}

describe('what one profile says', () => {
  it.each<[string, Parameters<typeof judgeProfile>[0], Partial<PersonProfile>, string]>([
    ['retired', 'RETIRED', { retired: true }, 'FAIL'],
    ['not retired', 'RETIRED', { retired: false }, 'PASS'],
    ['retirement empty', 'RETIRED', { retired: null }, 'UNKNOWN'],
    ['a civil servant', 'CIVIL_SERVANT', { civilServant: true }, 'FAIL'],
    ['sanctioned until today', 'SANCTION_IN_FORCE', { sanctionUntil: '2024-08-20' }, 'FAIL'],
    ['sanctioned until yesterday', 'SANCTION_IN_FORCE', { sanctionUntil: '2024-08-19' }, 'PASS'],
    ['no sanction', 'SANCTION_IN_FORCE', { sanctionUntil: null }, 'PASS'],
    ['an unreadable sanction end', 'SANCTION_IN_FORCE', { sanctionUntil: '2024-02-30' }, 'UNKNOWN'],
    [
      'a value reported as unmappable',
      'RETIRED',
      { retired: null, dataQuality: [{ field: 'retired', localValue: '?' }] },
      'UNKNOWN',
    ],
  ])('%s: %s', (_name, kind, profile, verdict) => {
    expect(judgeProfile(kind, aProfile(profile), '2024-08-20').verdict).toBe(verdict);
  });
});

describe('excluded people, where a portal records it (001 §一)', () => {
  it('aks applicant, clear on all three', () => {
    const result = check({}, {});
    expect(verdictsByCode(result)).toEqual([
      'PASS EXCLUSION_RETIRED_CLEAR aks',
      'PASS EXCLUSION_CIVIL_SERVANT_CLEAR aks',
      'PASS EXCLUSION_SANCTION_IN_FORCE_CLEAR aks',
    ]);
  });

  it.each<[string, Partial<PersonProfile>, string]>([
    ['retired', { retired: true }, 'FAIL EXCLUDED_RETIRED aks'],
    ['a civil servant', { civilServant: true }, 'FAIL EXCLUDED_CIVIL_SERVANT aks'],
    ['under a sanction', { sanctionUntil: '2025-01-01' }, 'FAIL EXCLUDED_SANCTION_IN_FORCE aks'],
  ])('aks applicant %s: refused, citing 001 §一', (_name, profile, expected) => {
    const result = check({}, { aks: answered('aks', { profile: aRegionalProfile('aks', profile) }) });
    expect(result.verdict).toBe('FAIL');
    expect(verdictsByCode(result)).toContain(expected);
    expect(result.reasons.find((r) => r.verdict === 'FAIL')?.source).toEqual(noticeSource('001', '§一'));
  });

  it('a retiree recorded in aks is refused in wlmq, citing 002 §一(四)', () => {
    const result = check(
      { region: 'wlmq', batchCode: 'WLMQ2024' },
      { aks: answered('aks', { profile: aRegionalProfile('aks', { retired: true }) }) },
    );
    expect(result.verdict).toBe('FAIL');
    expect(result.reasons[0]).toMatchObject({
      code: 'EXCLUDED_RETIRED',
      region: 'aks',
      source: noticeSource('002', '§一(四)'),
    });
  });

  it('wlmq only excludes retirees: a civil servant recorded in aks is not refused by this rule', () => {
    const result = check(
      { region: 'wlmq', batchCode: 'WLMQ2024' },
      { aks: answered('aks', { profile: aRegionalProfile('aks', { civilServant: true }) }) },
    );
    expect(result.verdict).toBe('PASS');
  });

  // The documented choice: not recorded by design is not missing (see the rule's header).
  it('bz applicant known nowhere else: PASS, saying no portal records it', () => {
    const result = check({ region: 'bz', batchCode: 'BZ2024STHJ' }, { aks: notKnownIn('aks') });
    expect(verdictsByCode(result)).toEqual([
      'PASS EXCLUSION_RETIRED_NOT_RECORDED bz',
      'PASS EXCLUSION_CIVIL_SERVANT_NOT_RECORDED bz',
    ]);
    expect(result.reasons[0]?.messageZh).toContain('由所在单位审核、公示把关');
  });

  it('aks down: UNKNOWN, since aks records these facts', () => {
    const result = check({ region: 'bz', batchCode: 'BZ2024STHJ' }, { aks: missing('aks') });
    expect(result.verdict).toBe('UNKNOWN');
    expect(verdictsByCode(result)).toEqual([
      'UNKNOWN EXCLUSION_RETIRED_UNKNOWN aks',
      'UNKNOWN EXCLUSION_CIVIL_SERVANT_UNKNOWN aks',
    ]);
  });

  it('wlmq down does not matter: wlmq records none of these', () => {
    const result = check({ region: 'bz', batchCode: 'BZ2024STHJ' }, { wlmq: missing('wlmq') });
    expect(result.verdict).toBe('PASS');
  });

  it('a region the table does not know, down: UNKNOWN', () => {
    const facts = factsFor(2024);
    const ctx = contextFor(anInput(), { ...facts, regions: [...facts.regions, missing('hami')] }, NOW);
    expect(checkExcludedPeople(ctx).verdict).toBe('UNKNOWN');
  });

  it('an aks record with retirement left empty: UNKNOWN', () => {
    const result = check({}, { aks: answered('aks', { profile: aRegionalProfile('aks', { retired: null }) }) });
    expect(verdictsByCode(result)).toContain('UNKNOWN EXCLUSION_RETIRED_UNKNOWN aks');
  });

  it('a portal declared to record everything reads its empty values as unknown', () => {
    const everything = { retired: true, civilServant: true, sanction: true, assessments: true, employerKind: true, location: true };
    const result = check({ region: 'bz', batchCode: 'BZ2024STHJ' }, { bz: answered('bz', { records: everything }) });
    expect(verdictsByCode(result)).toContain('UNKNOWN EXCLUSION_RETIRED_UNKNOWN bz');
  });
});
