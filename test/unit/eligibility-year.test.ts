/**
 * The year the one-review-a-year verdict is taken for, when the check names no batch and no year:
 * the year of its instant in Beijing time, as the notices count years, whatever the offset the
 * caller wrote and whatever the host's time zone.
 */
import { describe, expect, it } from 'vitest';
import { findBatch } from '../../domain/eligibility/index.js';
import { yearOfCheck } from '../../subgraphs/province/eligibility.js';

const noBatch = findBatch({ region: 'wlmq', batchCode: null, year: null, series: null, specialty: null });

describe('the year of an eligibility check', () => {
  it('is the Beijing year at the first hours of 1 January (still the old year in UTC)', () => {
    expect(noBatch.found).toBe(false);
    expect(yearOfCheck(noBatch, null, new Date('2025-01-01T05:00:00+08:00'))).toBe(2025);
  });

  it('is the Beijing year however the instant was written', () => {
    expect(yearOfCheck(noBatch, undefined, new Date('2024-12-31T21:30:00Z'))).toBe(2025);
    expect(yearOfCheck(noBatch, null, new Date('2024-12-31T23:59:59+08:00'))).toBe(2024);
  });

  it('is the year asked for, else the batch year, before the instant', () => {
    expect(yearOfCheck(noBatch, 2023, new Date('2025-01-01T05:00:00+08:00'))).toBe(2023);
    const wlmq = findBatch({ region: 'wlmq', batchCode: 'WLMQ2024' });
    expect(wlmq.found).toBe(true);
    expect(yearOfCheck(wlmq, 2023, new Date('2025-01-01T05:00:00+08:00'))).toBe(2024);
  });
});
