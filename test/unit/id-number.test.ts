import { describe, expect, it } from 'vitest';
import {
  birthDateOf,
  checkCharacter,
  hasPossibleBirthDate,
  normaliseTypedIdNumber,
  InvalidIdNumberError,
  maskIdNumber,
  normaliseIdNumber,
  type InvalidIdNumberReason,
} from '../../domain/idNumber.js';
import { tryNormaliseIdNumber } from '../helpers/idNumbers.js';

// GB 11643-1999's own worked example.
const STANDARD_EXAMPLE = '11010519491231002X';

describe('checkCharacter', () => {
  it.each([
    ['11010519491231002', 'X'], // GB 11643-1999 example
    ['65280119900101123', '2'],
    ['65290119850615001', 'X'],
    ['00000000000000000', '1'], // weighted sum 0 → first entry of the table
    ['10000000000000000', '5'], // 7 mod 11 → position 7 of 1 0 X 9 8 7 6 5 4 3 2
    ['01000000000000000', '3'], // 9 mod 11 → position 9
    ['00100000000000000', '2'], // 10 mod 11 → the last entry
  ])('of %s is %s', (first17, expected) => {
    expect(checkCharacter(first17)).toBe(expected);
  });
});

describe('normaliseIdNumber', () => {
  it.each([
    ['the standard example unchanged', STANDARD_EXAMPLE, STANDARD_EXAMPLE],
    ['a lowercase x', '11010519491231002x', STANDARD_EXAMPLE],
    ['a full-width ｘ', '11010519491231002ｘ', STANDARD_EXAMPLE],
    ['a full-width Ｘ', '11010519491231002Ｘ', STANDARD_EXAMPLE],
    ['full-width digits', '１１０１０５１９４９１２３１００２X', STANDARD_EXAMPLE],
    ['spaces, tabs and ideographic spaces', ' 110105 19491231\t002X\u3000', STANDARD_EXAMPLE],
    ['a no-break space and a byte-order mark', '\ufeff110105\u00a019491231002X', STANDARD_EXAMPLE],
    ['a narrow no-break space, an Ogham space and a line separator', '110105\u202f1949\u16801231\u2028002X', STANDARD_EXAMPLE],
    ['a vertical tab and a form feed', '110105\v19491231\f002X', STANDARD_EXAMPLE],
    ['the 15-digit form (19 inserted before the year, check computed)', '110105491231002', STANDARD_EXAMPLE],
    ['the 15-digit form in full-width digits', '１１０１０５４９１２３１００２', STANDARD_EXAMPLE],
    ['a number whose check character is a digit', '652801199001011232', '652801199001011232'],
  ])('accepts %s', (_, raw, expected) => {
    expect(normaliseIdNumber(raw)).toBe(expected);
  });

  const refused: [string, string, InvalidIdNumberReason][] = [
    ['empty text', '', 'EMPTY'],
    ['only spaces', ' \t\u3000 ', 'EMPTY'],
    ['a wrong check character', '110105194912310021', 'BAD_CHECK_CHARACTER'],
    ['X where a digit is due', '65280119900101123X', 'BAD_CHECK_CHARACTER'],
    ['a digit where X is due', '652901198506150011', 'BAD_CHECK_CHARACTER'],
    ['16 characters', '1101051949123100', 'BAD_FORMAT'],
    ['17 characters', '11010519491231002', 'BAD_FORMAT'],
    ['19 characters', '11010519491231002X1', 'BAD_FORMAT'],
    ['14 digits', '11010549123100', 'BAD_FORMAT'],
    ['a 15-digit form ending in X', '11010549123100X', 'BAD_FORMAT'],
    ['X inside the number', '1101051949123X002X', 'BAD_FORMAT'],
    ['a letter other than X', '11010519491231002Y', 'BAD_FORMAT'],
    ['a name typed into the field', '阿依古丽', 'BAD_FORMAT'],
    ['punctuation', '110105-19491231-002X', 'BAD_FORMAT'],
    ['a zero-width space, which is not a space', '110105\u200b19491231002X', 'BAD_FORMAT'],
  ];
  it.each(refused)('refuses %s with reason %s', (_, raw, reason) => {
    let caught: unknown;
    try {
      normaliseIdNumber(raw);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidIdNumberError);
    expect(caught).toMatchObject({ code: 'INVALID_ID_NUMBER', reason });
  });

  it.each(refused)('never puts the refused number in the error (%s)', (_, raw) => {
    const error = (() => {
      try {
        normaliseIdNumber(raw);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a refusal');
    })();
    const digits = raw.replace(/\s/g, '');
    const text = `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)}`;
    if (digits.length >= 4) expect(text).not.toContain(digits);
  });
});

describe('tryNormaliseIdNumber', () => {
  it.each([
    [null, null],
    [undefined, null],
    ['', null],
    ['110105194912310021', null],
    ['110105491231002', STANDARD_EXAMPLE],
  ])('maps %j to %j', (raw, expected) => {
    expect(tryNormaliseIdNumber(raw)).toBe(expected);
  });
});

describe('maskIdNumber', () => {
  it('shows the first 6 and last 4 characters only', () => {
    expect(maskIdNumber('65280119900101123X')).toBe('652801********123X');
    expect(maskIdNumber(STANDARD_EXAMPLE)).toBe('110105********002X');
  });
});

describe('birth dates (GB 11643-1999 §4.3, characters 7 to 14)', () => {
  const withCheck = (first17: string) => first17 + checkCharacter(first17);
  // Noon in Beijing on 2026-11-30: "today" for these cases.
  const NOW = new Date('2026-11-30T04:00:00Z');

  it.each([
    ['the standard example', STANDARD_EXAMPLE, '1949-12-31'],
    ['29 February of a leap year', withCheck('65280120000229001'), '2000-02-29'],
    ['the 15-digit form (19xx)', '110105491231002', '1949-12-31'],
  ])('reads %s', (_label, raw, expected) => {
    expect(birthDateOf(normaliseIdNumber(raw))).toBe(expected);
    expect(normaliseTypedIdNumber(raw, NOW)).toBe(normaliseIdNumber(raw));
  });

  it.each([
    ['born 2099-12-31 (the issue’s example)', '110105209912310010'],
    ['month 13 (the issue’s example)', '110105199913310016'],
    ['month 00', withCheck('11010519490031002')],
    ['day 00', withCheck('11010519491200002')],
    ['30 February', withCheck('11010519490230002')],
    ['29 February of a common year', withCheck('11010519490229002')],
    ['29 February 1900 (not a leap year)', withCheck('11010519000229002')],
    ['31 April', withCheck('11010519490431002')],
    ['born before 1900', withCheck('11010518991231002')],
    ['born tomorrow in Beijing', withCheck('11010520261201002')],
    ['the 15-digit form with month 13', '110105491331002'],
  ])('refuses a typed number %s with BAD_BIRTH_DATE, without echoing it', (_label, raw) => {
    // The structural normaliser (as the portals' stored numbers are matched) still reads it.
    expect(normaliseIdNumber(raw)).toHaveLength(18);
    let caught: unknown;
    try {
      normaliseTypedIdNumber(raw, NOW);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidIdNumberError);
    expect((caught as InvalidIdNumberError).reason).toBe('BAD_BIRTH_DATE');
    expect((caught as Error).message).not.toContain(raw);
  });

  it('accepts a person born today in Beijing (UTC+8), though it is still yesterday in UTC', () => {
    const lateUtc = new Date('2026-11-30T17:00:00Z'); // 01:00 on 1 December in Beijing
    expect(hasPossibleBirthDate(withCheck('11010520261201002'), lateUtc)).toBe(true);
    expect(hasPossibleBirthDate(withCheck('11010520261202002'), lateUtc)).toBe(false);
  });

  it('reads no date from 0000 as a living person’s', () => {
    expect(birthDateOf(withCheck('11010500000229002'))).toBe('0000-02-29');
    expect(hasPossibleBirthDate(withCheck('11010500000229002'), NOW)).toBe(false);
  });
});
