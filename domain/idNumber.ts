/**
 * Resident ID numbers (居民身份证号码, GB 11643-1999): the one key that identifies a person across
 * regions. The number is sensitive personal information under the
 * Personal Information Protection Law, so no error message here ever contains it.
 */
import { beijingToday, isCalendarDay } from './time.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

/** Why a number was refused. The number itself is never part of the error. */
export type InvalidIdNumberReason = 'EMPTY' | 'BAD_FORMAT' | 'BAD_CHECK_CHARACTER' | 'BAD_BIRTH_DATE';

/** The earliest birth date a typed number may carry: older is a typing mistake, not a living applicant. */
export const EARLIEST_BIRTH_DATE = '1900-01-01';

const MESSAGES: Record<InvalidIdNumberReason, string> = {
  EMPTY: 'The ID number is not valid: expected 18 characters (17 digits and a digit or X) or the old 15-digit form.',
  BAD_FORMAT: 'The ID number is not valid: expected 18 characters (17 digits and a digit or X) or the old 15-digit form.',
  BAD_CHECK_CHARACTER: 'The ID number is not valid: its check character does not match (GB 11643-1999).',
  BAD_BIRTH_DATE: `The ID number is not valid: its birth date (GB 11643-1999, characters 7 to 14) is not a real date from ${EARLIEST_BIRTH_DATE} to today.`,
};

export class InvalidIdNumberError extends Error {
  readonly code = 'INVALID_ID_NUMBER';
  constructor(readonly reason: InvalidIdNumberReason) {
    super(MESSAGES[reason]);
    this.name = 'InvalidIdNumberError';
  }
}

/** The check character of an 18-character number, from its first 17 digits. */
export function checkCharacter(first17: string): string {
  let total = 0;
  for (let i = 0; i < 17; i++) total += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARACTERS[total % 11]!;
}

/**
 * What \s matches, listed so that the SQL function can list the very same characters (its own
 * [[:space:]] depends on the database's locale).
 */
const SPACES = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/g;

/**
 * Full-width digits and every x to ASCII digits and X, every kind of space removed. Only x is
 * upper-cased: any other letter makes the number invalid in either case, and toUpperCase would
 * make the result depend on Unicode's case tables where the SQL function's would depend on a locale.
 */
function clean(raw: string): string {
  return raw
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/[xｘＸ]/g, 'X')
    .replace(SPACES, '');
}

/**
 * The canonical 18-character form: typing noise removed (full-width digits, lowercase x, spaces),
 * and the 15-digit form converted by inserting `19` before the two-digit year and computing the
 * check character. Must agree with the SQL function gateway.normalise_id_number (a test compares
 * them).
 * @throws InvalidIdNumberError when the text is not a valid number.
 */
export function normaliseIdNumber(raw: string): string {
  const cleaned = clean(raw);
  if (cleaned === '') throw new InvalidIdNumberError('EMPTY');
  let body: string;
  if (/^[0-9]{15}$/.test(cleaned)) body = `${cleaned.slice(0, 6)}19${cleaned.slice(6)}`;
  else if (/^[0-9]{17}[0-9X]$/.test(cleaned)) body = cleaned.slice(0, 17);
  else throw new InvalidIdNumberError('BAD_FORMAT');
  const check = checkCharacter(body);
  if (cleaned.length === 18 && cleaned[17] !== check) throw new InvalidIdNumberError('BAD_CHECK_CHARACTER');
  return body + check;
}

/**
 * The birth date (GB 11643-1999 §4.3: characters 7 to 14, YYYYMMDD) of a normalised number as
 * `YYYY-MM-DD`, or null when those digits are no calendar date (month 13, 30 February). Must agree
 * with the SQL function gateway.id_number_birth_date (a test compares them).
 */
export function birthDateOf(normalised: string): string | null {
  const digits = normalised.slice(6, 14);
  if (!/^[0-9]{8}$/.test(digits)) return null;
  const year = Number(digits.slice(0, 4));
  const month = Number(digits.slice(4, 6));
  const day = Number(digits.slice(6, 8));
  if (!isCalendarDay(year, month, day)) return null;
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
}

/** Whether a normalised number's birth date is a real date from EARLIEST_BIRTH_DATE to today. */
export function hasPossibleBirthDate(normalised: string, now: Date = new Date()): boolean {
  const born = birthDateOf(normalised);
  return born !== null && born >= EARLIEST_BIRTH_DATE && born <= beijingToday(now);
}

/**
 * A number a person typed (a query): normaliseIdNumber, and also a birth date that can be real.
 * Stored portal numbers are only normalised (normaliseIdNumber, gateway.normalise_id_number), so a
 * stored number with an impossible date still links its records; it is flagged as a data-quality
 * issue instead (the regions' `idNumberQuality`).
 * @throws InvalidIdNumberError, with reason BAD_BIRTH_DATE for an impossible date.
 */
export function normaliseTypedIdNumber(raw: string, now: Date = new Date()): string {
  const normalised = normaliseIdNumber(raw);
  if (!hasPossibleBirthDate(normalised, now)) throw new InvalidIdNumberError('BAD_BIRTH_DATE');
  return normalised;
}

/** First 6 and last 4 characters shown, the rest masked: `652801********123X`. */
export function maskIdNumber(normalised: string): string {
  return `${normalised.slice(0, 6)}${'*'.repeat(normalised.length - 10)}${normalised.slice(-4)}`;
}
