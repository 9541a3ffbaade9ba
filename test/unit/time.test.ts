/** domain/time.ts: the calendar arithmetic the rest of the project leaves to it. */
import { describe, expect, it } from 'vitest';
import { beijingToday, beijingYear, isCalendarDay, isLeapYear, lastDayOfTerm, microsToTimestampText } from '../../domain/time.js';

describe('the Beijing calendar', () => {
  it('turns the day and the year at midnight UTC+8, not at midnight UTC', () => {
    expect(beijingToday(new Date('2024-12-31T16:00:00Z'))).toBe('2025-01-01');
    expect(beijingToday(new Date('2024-12-31T15:59:59Z'))).toBe('2024-12-31');
    expect(beijingYear(new Date('2025-01-01T05:00:00+08:00'))).toBe(2025);
    expect(beijingYear(new Date('2024-12-31T15:59:59Z'))).toBe(2024);
  });
});

describe('Gregorian days', () => {
  it.each([
    [2024, 2, 29, true],
    [2023, 2, 29, false],
    [1900, 2, 29, false],
    [2000, 2, 29, true],
    [0, 2, 29, true],
    [50, 2, 28, true],
    [2024, 13, 1, false],
    [2024, 4, 31, false],
    [2024, 1, 0, false],
  ])('%i-%i-%i is a day: %s', (year, month, day, real) => {
    expect(isCalendarDay(year, month, day)).toBe(real);
  });

  it('has leap years by the Gregorian rule', () => {
    expect([1900, 2000, 2023, 2024].map(isLeapYear)).toEqual([false, true, false, true]);
  });
});

describe('a term of years', () => {
  it('ends the day before its anniversary, inclusive', () => {
    expect(lastDayOfTerm(new Date('2023-05-10T00:00:00Z'), 5).toISOString().slice(0, 10)).toBe('2028-05-09');
    expect(lastDayOfTerm(new Date('2024-01-01T00:00:00Z'), 1).toISOString().slice(0, 10)).toBe('2024-12-31');
  });

  it('begun on 29 February, ends on 28 February', () => {
    expect(lastDayOfTerm(new Date('2024-02-29T00:00:00Z'), 5).toISOString().slice(0, 10)).toBe('2029-02-28');
  });
});

describe('microseconds as timestamp text', () => {
  it('keeps all six fractional digits, on the clock the offset names', () => {
    const micros = BigInt(Date.UTC(2024, 6, 22, 1, 2, 3)) * 1000n + 456_789n;
    expect(microsToTimestampText(micros)).toBe('2024-07-22 01:02:03.456789');
    expect(microsToTimestampText(micros, 8)).toBe('2024-07-22 09:02:03.456789');
  });

  it('counts a moment before 1970 down to the microsecond below it', () => {
    expect(microsToTimestampText(-1n)).toBe('1969-12-31 23:59:59.999999');
  });
});
