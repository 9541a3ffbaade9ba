import { describe, expect, it } from 'vitest';
import type { ApplicationStatus } from '../../domain/codes.js';
import { anApplication, anInput, answered, contextFor, factsFor, noticeSource } from '../fixtures/eligibility.js';
import { checkApplicationWindow } from '../../domain/eligibility/rules/applicationWindow.js';
import { localDate, parseInstant, zoneOffsetMinutes } from '../../domain/time.js';
import type { EligibilityInput } from '../../domain/eligibility/types.js';

function windowAt(now: string, input: Partial<EligibilityInput> = {}, ownApplication?: Parameters<typeof anApplication>[0]) {
  const full = anInput(ownApplication ? { applicationId: ownApplication.localId ?? '17', ...input } : input);
  const region = full.region as 'bz' | 'aks' | 'wlmq';
  const facts = factsFor(2024, ownApplication ? { [region]: answered(region, { applications: [anApplication({ region, ...ownApplication })] }) } : {});
  return checkApplicationWindow(contextFor(full, facts, new Date(now)));
}

describe('time helpers', () => {
  it.each([
    ['2024-08-30T18:00:00+08:00', '2024-08-30T10:00:00.000Z'],
    ['2024-08-30T18:00:00-05:30', '2024-08-30T23:30:00.000Z'],
    ['2024-02-29T00:00:00+08:00', '2024-02-28T16:00:00.000Z'],
  ])('parses %s as %s', (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
  });

  it.each(['2024-08-30T18:00:00', '2024-08-30', '2023-02-29T00:00:00+08:00', '2024-08-30T24:00:00+08:00'])(
    'refuses %s',
    (text) => {
      expect(parseInstant(text)).toBeNull();
    },
  );

  it.each([
    ['2024-08-30T15:59:59Z', '2024-08-30'],
    ['2024-08-30T16:00:00Z', '2024-08-31'],
  ])('the Beijing day of %s is %s', (instant, day) => {
    expect(localDate(new Date(instant), 'Asia/Shanghai')).toBe(day);
  });

  it.each([
    ['Asia/Shanghai', 480],
    ['Asia/Urumqi', 360],
    ['UTC', 0],
  ])('%s is %i minutes east of UTC', (zone, minutes) => {
    expect(zoneOffsetMinutes(zone, new Date('2024-08-30T10:00:00Z'))).toBe(minutes);
  });
});

describe('the application window, at the check instant', () => {
  it.each([
    ['2024-07-21T23:59:59+08:00', 'FAIL', 'APPLY_WINDOW_NOT_OPEN'],
    ['2024-07-22T00:00:00+08:00', 'PASS', 'APPLY_WINDOW_OPEN'],
    ['2024-08-30T17:59:59+08:00', 'PASS', 'APPLY_WINDOW_OPEN'],
    ['2024-08-30T18:00:00+08:00', 'PASS', 'APPLY_WINDOW_OPEN'],
    ['2024-08-30T18:00:00.999+08:00', 'PASS', 'APPLY_WINDOW_OPEN'],
    ['2024-08-30T18:00:01+08:00', 'FAIL', 'APPLY_WINDOW_CLOSED'],
    ['2024-08-30T18:01:00+08:00', 'FAIL', 'APPLY_WINDOW_CLOSED'],
    // 18:00 Beijing is 16:00 in Urumqi's own clock: the instant decides, not the wall clock.
    ['2024-08-30T16:00:00+06:00', 'PASS', 'APPLY_WINDOW_OPEN'],
    ['2024-08-30T16:00:01+06:00', 'FAIL', 'APPLY_WINDOW_CLOSED'],
  ])('001 (aks) at %s: %s', (now, verdict, code) => {
    const result = windowAt(now);
    expect(result.verdict).toBe(verdict);
    expect(result.reasons.map((r) => r.code)).toEqual([code]);
  });

  it.each([
    ['2024-09-08T23:59:59+08:00', 'PASS'],
    ['2024-09-09T00:00:00+08:00', 'FAIL'],
    ['2024-08-23T23:59:59+08:00', 'FAIL'],
  ])('004 (bz, given as dates) at %s: %s', (now, verdict) => {
    expect(windowAt(now, { region: 'bz', batchCode: 'BZ2024STHJ' }).verdict).toBe(verdict);
  });

  it('puts the window, in Beijing time, and the source in the reason', () => {
    const [reason] = windowAt('2024-08-30T18:01:00+08:00').reasons;
    expect(reason?.messageZh).toContain('2024-07-22 00:00:00 — 2024-08-30 18:00:00 (Asia/Shanghai)');
    expect(reason?.messageEn).toContain('it is now 2024-08-30 18:01:00');
    expect(reason?.source).toEqual(noticeSource('001', '§三(一)'));
  });
});

describe('the application window, for an application already made', () => {
  const afterDeadline = '2024-09-02T09:00:00+08:00';
  it.each<[string, ApplicationStatus, string | null, number | null, string, string]>([
    ['submitted in time, checked during the audit', 'AWAITING_COMMITTEE_AUDIT', '2024-08-30T18:00:00+08:00', 1, 'PASS', 'APPLY_SUBMITTED_IN_WINDOW'],
    ['first submitted after the deadline', 'AWAITING_COMMITTEE_AUDIT', '2024-08-30T18:00:01+08:00', 1, 'FAIL', 'APPLY_SUBMITTED_LATE'],
    ['resubmitted after the deadline', 'AWAITING_COMMITTEE_AUDIT', '2024-08-31T10:00:00+08:00', 2, 'UNKNOWN', 'APPLY_LAST_SUBMISSION_AFTER_WINDOW'],
    ['without a submission time', 'ACCEPTED', null, 1, 'UNKNOWN', 'APPLY_SUBMISSION_TIME_UNKNOWN'],
    ['returned, after the deadline', 'RETURNED_BY_COMMITTEE', '2024-08-29T10:00:00+08:00', 1, 'UNKNOWN', 'APPLY_RESUBMISSION_AFTER_WINDOW'],
    ['abandoned by the portal', 'ABANDONED', null, 0, 'FAIL', 'APPLY_ABANDONED'],
    ['still a draft, after the deadline', 'DRAFT', null, 0, 'FAIL', 'APPLY_WINDOW_CLOSED'],
  ])('%s', (_name, status, submittedAt, submissionCount, verdict, code) => {
    const result = windowAt(afterDeadline, {}, { status, submittedAt, submissionCount });
    expect([result.verdict, result.reasons[0]?.code]).toEqual([verdict, code]);
  });

  it('a returned application inside the window is judged by the check instant', () => {
    const result = windowAt('2024-08-20T09:00:00+08:00', {}, { status: 'RETURNED_BY_UNIT' });
    expect(result.reasons[0]?.code).toBe('APPLY_WINDOW_OPEN');
  });

  it('a window to be announced answers UNKNOWN', () => {
    const ctx = contextFor(anInput(), factsFor(2024), new Date('2024-08-01T00:00:00+08:00'));
    const unannounced = { ...ctx, batch: { ...ctx.batch, windows: [{ kind: 'APPLY' as const, status: 'TO_BE_ANNOUNCED' as const, source: '§三' }] } };
    expect(checkApplicationWindow(unannounced).reasons.map((r) => [r.verdict, r.code])).toEqual([['UNKNOWN', 'APPLY_WINDOW_NOT_ANNOUNCED']]);
  });
});
