import { describe, expect, it } from 'vitest';
import { anInput, anIntegrityRecord, answered, contextFor, factsFor, missing, noticeSource } from '../fixtures/eligibility.js';
import { banState, checkIntegrityBan } from '../../domain/eligibility/rules/integrityBan.js';
import type { IntegrityRecord } from '../../domain/types.js';

const wlmqInput = anInput({ region: 'wlmq', batchCode: 'WLMQ2024', level: 'INTERMEDIATE' });

function checkWith(records: Partial<Record<'bz' | 'aks' | 'wlmq', IntegrityRecord[]>>, now: string) {
  const regions = Object.fromEntries(
    Object.entries(records).map(([region, integrityRecords]) => [region, answered(region, { integrityRecords })]),
  );
  return checkIntegrityBan(contextFor(wlmqInput, factsFor(2024, regions), new Date(now)));
}

describe('when a ban is in force: barredUntil is the last barred day, inclusive', () => {
  it.each<[Partial<IntegrityRecord>, string, string]>([
    [{ barredUntil: '2024-09-10' }, '2024-09-09', 'IN_FORCE'],
    [{ barredUntil: '2024-09-10' }, '2024-09-10', 'IN_FORCE'],
    [{ barredUntil: '2024-09-10' }, '2024-09-11', 'EXPIRED'],
    [{ barredUntil: null, openEnded: true }, '2099-01-01', 'IN_FORCE'],
    [{ barredUntil: null, openEnded: false }, '2024-09-10', 'UNREADABLE'],
    [{ barredUntil: '2024-13-01' }, '2024-09-10', 'UNREADABLE'],
  ])('%j on %s: %s', (record, today, state) => {
    expect(banState(anIntegrityRecord(record), today)).toBe(state);
  });
});

describe('integrity bans in any region bar the person everywhere', () => {
  it.each([
    // The check day is Beijing's: 16:00Z on the last day is already the next day there.
    ['the last day itself', '2024-09-10T23:59:59+08:00', 'FAIL'],
    ['the next day', '2024-09-11T00:00:00+08:00', 'PASS'],
    ['the next day, written in UTC', '2024-09-10T16:00:00Z', 'PASS'],
  ])('an aks ban ending 2024-09-10, on %s: %s', (_name, now, verdict) => {
    const result = checkWith({ aks: [anIntegrityRecord({ barredUntil: '2024-09-10' })] }, now);
    expect(result.verdict).toBe(verdict);
  });

  it.each([
    ['aks', '001', '§三(一)（其他事宜）'],
    ['wlmq', '002', '§七(三)'],
    ['bz', '004', '§八(二)'],
  ] as const)('a ban recorded in %s cites notice %s %s, whatever the region applied in', (region, notice, section) => {
    const result = checkWith({ [region]: [anIntegrityRecord({ region, barredUntil: '2026-12-31' })] }, '2024-09-10T12:00:00+08:00');
    expect(result.verdict).toBe('FAIL');
    expect(result.reasons).toEqual([
      expect.objectContaining({ code: 'INTEGRITY_BAN_ACTIVE', region, source: noticeSource(notice, section) }),
    ]);
  });

  it('an open-ended flag is in force and says it has no end', () => {
    const result = checkWith({ wlmq: [anIntegrityRecord({ region: 'wlmq', barredUntil: null, openEnded: true })] }, '2024-09-10T12:00:00+08:00');
    expect(result.verdict).toBe('FAIL');
    expect(result.reasons[0]?.messageEn).toContain('no end date');
  });

  it('an expired ban passes and says when it ended', () => {
    const result = checkWith({ bz: [anIntegrityRecord({ region: 'bz', barredUntil: '2023-01-01' })] }, '2024-09-10T12:00:00+08:00');
    expect(result.reasons.map((r) => [r.verdict, r.code])).toEqual([['PASS', 'INTEGRITY_BAN_EXPIRED']]);
  });

  it('one ban in force fails even beside expired ones', () => {
    const result = checkWith(
      {
        bz: [anIntegrityRecord({ region: 'bz', barredUntil: '2023-01-01' })],
        aks: [anIntegrityRecord({ barredUntil: '2027-02-28' })],
      },
      '2024-09-10T12:00:00+08:00',
    );
    expect(result.verdict).toBe('FAIL');
  });

  it('a region that did not answer may hold a ban: UNKNOWN, never PASS', () => {
    const facts = factsFor(2024, { aks: missing('aks') });
    const result = checkIntegrityBan(contextFor(wlmqInput, facts, new Date('2024-09-10T12:00:00+08:00')));
    expect(result.verdict).toBe('UNKNOWN');
    expect(result.reasons).toEqual([expect.objectContaining({ code: 'INTEGRITY_REGION_MISSING', region: 'aks' })]);
  });

  it('a ban found still fails when another region is down', () => {
    const facts = factsFor(2024, {
      bz: missing('bz'),
      aks: answered('aks', { integrityRecords: [anIntegrityRecord()] }),
    });
    expect(checkIntegrityBan(contextFor(wlmqInput, facts, new Date('2024-09-10T12:00:00+08:00'))).verdict).toBe('FAIL');
  });

  it('no records and every region answered: PASS', () => {
    const result = checkWith({}, '2024-09-10T12:00:00+08:00');
    expect(result.reasons.map((r) => [r.verdict, r.code])).toEqual([['PASS', 'INTEGRITY_CLEAR']]);
  });

  it('no region at all is not clear', () => {
    const ctx = contextFor(wlmqInput, { ...factsFor(2024), regions: [] }, new Date('2024-09-10T12:00:00+08:00'));
    expect(checkIntegrityBan(ctx).verdict).toBe('UNKNOWN');
  });
});
