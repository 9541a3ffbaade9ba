/**
 * gateway.normalise_id_number (SQL, in every portal database's gateway_lookup migration) and
 * normaliseIdNumber (TypeScript) must agree exactly: the SQL one serves lookups through an
 * expression index, the TypeScript one normalises what a client sends. If they differed, a person
 * would silently not be found in a region.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { birthDateOf, checkCharacter } from '../../domain/idNumber.js';
import { tryNormaliseIdNumber } from '../helpers/idNumbers.js';
import { createEmbeddedClient, openEmbeddedDatabase } from '../../platform/database/embedded.js';
import { migrate, regionMigrationsDir } from '../../platform/database/migrate.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const HAND_WRITTEN: readonly string[] = [
  '11010519491231002X',
  '11010519491231002x',
  '11010519491231002ｘ',
  '11010519491231002Ｘ',
  '１１０１０５１９４９１２３１００２Ｘ',
  '１１０１０５１９４９１２３１００２x',
  '110105 19491231 002X',
  ' 11010519491231002X ',
  '110105\u300019491231002X',
  '\u300011010519491231002X\u3000',
  '110105\t19491231\t002x',
  '110105\n19491231\r\n002X',
  '110105\u00a019491231002X',
  '\ufeff11010519491231002X',
  '110105\u200319491231002X', // em space
  '110105\u200b19491231002X', // zero-width space: not a space to JavaScript
  '110105\u202f19491231002X', // narrow no-break space
  '110105\u205f19491231002X',
  '110105\u2028\u202919491231002X',
  '110105\u000b\u000c19491231002X', // vertical tab, form feed
  '110105\u168019491231002X',
  '110105491231002',
  '１１０１０５４９１２３１００２',
  '110105 491231 002',
  '11010549123100x',
  '110105194912310021', // wrong check character
  '652801199001011232',
  '65280119900101123X', // X where 2 is due
  '652901198506150011', // 1 where X is due
  '1101051949123100', // 16
  '11010519491231002', // 17
  '11010519491231002X1', // 19
  '110105194912310020X',
  '11010549123100',
  '1101054912310021',
  'ABCDEFGHIJKLMNOPQR',
  '11010519491231002Y',
  '1101051949123100XX',
  '阿依古丽',
  '身份证号码',
  '110105-19491231-002X',
  '١١٠١٠٥١٩٤٩١٢٣١٠٠٢X', // Arabic-Indic digits
  '',
  ' ',
  '\u3000',
  '\t\n',
  'x',
  'X',
  'ß11010519491231002',
  'ﬀ',
  // Birth dates that cannot be real (issue 11): still normalised, so stored rows still link.
  '110105209912310010', // 2099-12-31
  '110105199913310016', // month 13
  '110105491331002', // 15-digit form, month 13
  '110105000002290021',
];

/** Impossible and edge-case birth dates, each with its right check character. */
const BIRTH_DATES: readonly string[] = [
  '19000229', '20000229', '19490229', '19960229', '21000229', '24000229', '00000229', '00040229',
  '19490230', '19490431', '19490631', '19490931', '19491131', '19490131', '19491231', '19490001',
  '19491300', '19491200', '19499999', '20991231', '18991231', '99991231', '00000101', '19700101',
].map((date) => {
  const body = `110105${date}002`;
  return body + checkCharacter(body);
});

/** mulberry32: a small seeded PRNG, so every run checks the same inputs. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SPACES = [' ', '\t', '\u3000', '\u00a0', '\ufeff', '\n', '\r', '\u2003', '\u200b', '\v'];
const LETTERS = ['A', 'x', 'O', 'l', '-', '.', '号', 'ｘ', '０', '٣'];

function generatedInputs(count: number, seed: number): string[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');
  const fullWidth = (text: string): string =>
    [...text].map((c) => (/[0-9]/.test(c) && random() < 0.3 ? String.fromCharCode(c.charCodeAt(0) + 0xff10 - 48) : c)).join('');
  const lowerX = (text: string): string => (random() < 0.5 ? text.replace('X', pick(['x', 'ｘ', 'Ｘ'])) : text);
  const spaced = (text: string): string => {
    const chars = [...text];
    const times = Math.floor(random() * 3);
    for (let i = 0; i < times; i++) chars.splice(Math.floor(random() * (chars.length + 1)), 0, pick(SPACES));
    return chars.join('');
  };
  const noisy = (text: string): string => spaced(lowerX(fullWidth(text)));
  const valid18 = (): string => {
    const body = digits(17);
    return body + checkCharacter(body);
  };

  const inputs: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = random();
    if (kind < 0.3) inputs.push(random() < 0.5 ? valid18() : noisy(valid18()));
    else if (kind < 0.45) inputs.push(noisy(digits(15)));
    else if (kind < 0.6) {
      // A wrong check character: any of the other ten.
      const body = digits(17);
      inputs.push(noisy(body + pick([...'0123456789X'].filter((c) => c !== checkCharacter(body)))));
    } else if (kind < 0.75) {
      const valid = valid18();
      const cut = Math.floor(random() * 18);
      inputs.push(noisy(random() < 0.5 ? valid.slice(0, cut) + valid.slice(cut + 1) : valid + digits(1 + Math.floor(random() * 2))));
    } else if (kind < 0.9) {
      const chars = [...valid18()];
      chars[Math.floor(random() * 18)] = pick(LETTERS);
      inputs.push(noisy(chars.join('')));
    } else {
      inputs.push(noisy(digits(Math.floor(random() * 22))));
    }
  }
  return inputs;
}

/** What TypeScript says, in the SQL function's terms: the canonical form, or null when it refuses. */
const typescriptAnswer = (raw: string): string | null => tryNormaliseIdNumber(raw);

async function sqlAnswers(sql: SqlClient, inputs: readonly string[]): Promise<(string | null)[]> {
  const { rows } = await sql.query<{ normalised: string | null }>(
    `SELECT gateway.normalise_id_number(raw) AS normalised
       FROM unnest($1::text[]) WITH ORDINALITY AS input(raw, position) ORDER BY position`,
    [inputs],
  );
  return rows.map((row) => row.normalised);
}

const codePoints = (text: string): string =>
  [...text].map((c) => (/[0-9A-Za-z]/.test(c) ? c : `U+${c.codePointAt(0)!.toString(16).padStart(4, '0')}`)).join(' ');

/** The inputs on which the two disagree, readable in a failure message. */
function disagreements(inputs: readonly string[], fromSql: readonly (string | null)[]) {
  return inputs
    .map((raw, i) => ({ input: codePoints(raw), sql: fromSql[i] ?? null, typescript: typescriptAnswer(raw) }))
    .filter((row) => row.sql !== row.typescript);
}

const INPUTS = [...HAND_WRITTEN, ...BIRTH_DATES, ...generatedInputs(2_000, 20_261_121)];

/** TypeScript's birth date of a raw number, in gateway.id_number_birth_date's terms. */
function typescriptBirthDate(raw: string): string | null {
  const normalised = typescriptAnswer(raw);
  return normalised === null ? null : birthDateOf(normalised);
}

async function sqlBirthDates(sql: SqlClient, inputs: readonly string[]): Promise<(string | null)[]> {
  const { rows } = await sql.query<{ born: string | null }>(
    `SELECT gateway.id_number_birth_date(raw) AS born
       FROM unnest($1::text[]) WITH ORDINALITY AS input(raw, position) ORDER BY position`,
    [inputs],
  );
  return rows.map((row) => row.born);
}

function birthDateDisagreements(inputs: readonly string[], fromSql: readonly (string | null)[]) {
  return inputs
    .map((raw, i) => ({ input: codePoints(raw), sql: fromSql[i] ?? null, typescript: typescriptBirthDate(raw) }))
    .filter((row) => row.sql !== row.typescript);
}

describe('the generated inputs', () => {
  it('cover accepted and refused numbers of every kind', () => {
    const answers = INPUTS.map(typescriptAnswer);
    expect(answers.filter((answer) => answer !== null).length).toBeGreaterThan(500);
    expect(answers.filter((answer) => answer === null).length).toBeGreaterThan(800);
    const fifteenDigitForms = INPUTS.filter((raw) => /^[0-9０-９]{15}$/.test(raw.replace(/\s/g, '')));
    expect(fifteenDigitForms.length).toBeGreaterThan(100);
  });
});

describe('gateway.normalise_id_number and normaliseIdNumber', () => {
  it('are the same function in all three regions’ migrations', async () => {
    const definitions = await Promise.all(
      ['bz', 'aks', 'wlmq'].map(async (region) => {
        const file = path.join(regionMigrationsDir(region), '20261121000000_gateway_lookup', 'migration.sql');
        const text = await readFile(file, 'utf8');
        return text.match(/CREATE OR REPLACE FUNCTION gateway\.normalise_id_number[\s\S]*?\$fn\$;/)?.[0];
      }),
    );
    expect(definitions[0]).toBeDefined();
    expect(definitions[1]).toBe(definitions[0]);
    expect(definitions[2]).toBe(definitions[0]);
  });

  it('have the same gateway.id_number_birth_date in all three regions’ migrations', async () => {
    const texts = await Promise.all(
      ['bz', 'aks', 'wlmq'].map((region) => readFile(path.join(regionMigrationsDir(region), '20261130000000_id_number_birth_date', 'migration.sql'), 'utf8')),
    );
    expect(texts[0]).toMatch(/CREATE OR REPLACE FUNCTION gateway\.id_number_birth_date/);
    expect(texts[1]).toBe(texts[0]);
    expect(texts[2]).toBe(texts[0]);
  });

  describe('on PostgreSQL', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase('aks');
    });
    afterAll(async () => {
      await db.drop();
    });

    it(`agree on ${INPUTS.length} messy inputs`, async () => {
      expect(disagreements(INPUTS, await sqlAnswers(db.sql, INPUTS))).toEqual([]);
    });

    it('agree with birthDateOf on the birth date of every input, impossible dates included', async () => {
      const inputs = [...INPUTS, ...generatedInputs(2_000, 11)];
      // The generated valid numbers carry random dates: most of them impossible, some real.
      const dates = inputs.map(typescriptBirthDate);
      expect(dates.filter((date) => date !== null).length).toBeGreaterThan(50);
      expect(inputs.filter((raw, i) => typescriptAnswer(raw) !== null && dates[i] === null).length).toBeGreaterThan(200);
      expect(birthDateDisagreements(inputs, await sqlBirthDates(db.sql, inputs))).toEqual([]);
    });

    it('give NULL for NULL, as tryNormaliseIdNumber does', async () => {
      const { rows } = await db.sql.query('SELECT gateway.normalise_id_number(NULL) AS normalised');
      expect(rows).toEqual([{ normalised: null }]);
    });
  });

  describe('on embedded PGlite', () => {
    it('agree on the hand-written inputs and a sample of the generated ones', async () => {
      const pglite = await openEmbeddedDatabase();
      try {
        const sql = createEmbeddedClient(pglite);
        await migrate(sql, regionMigrationsDir('wlmq'));
        const sample = [...HAND_WRITTEN, ...generatedInputs(300, 7)];
        expect(disagreements(sample, await sqlAnswers(sql, sample))).toEqual([]);
        expect(birthDateDisagreements(sample, await sqlBirthDates(sql, sample))).toEqual([]);
      } finally {
        await pglite.close();
      }
    });
  });
});
