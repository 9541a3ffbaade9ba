/**
 * Resident ID numbers (GB 11643-1999) for demo people, and the ways portals mistype them.
 *
 * Every random person has a different number, without a lookup table: a person's key (a distinct
 * integer) goes through a seeded permutation to a distinct (birth date, sequence pair) slot; the
 * gender picks the odd or even sequence of the pair, and the division code is drawn freely on top. Sequences 990–999 are never drawn: they are kept for the
 * demo cast (./cast.ts), whose fixed numbers can therefore never clash with a random person's.
 */
import { checkCharacter } from '../domain/idNumber.js';
import { dayNumber, formatDay } from '../domain/time.js';
import { mixSeed, type Random, type Weighted } from './random.js';

/** Sequence codes 000–989 go to random people; 990–999 are the cast's. */
export const RANDOM_SEQUENCES = 990;

/** Birth dates 1960-01-01 to 2000-12-31. */
const FIRST_BIRTH_DAY = dayNumber(1960, 1, 1);
const BIRTH_DAYS = dayNumber(2000, 12, 31) - FIRST_BIRTH_DAY + 1;

/** How many distinct people the key space holds: one per birth day and pair of sequences. */
export const KEY_SPACE = BIRTH_DAYS * (RANDOM_SEQUENCES / 2);

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** A seeded bijection of [0, KEY_SPACE): key → multiplier·key + offset (mod KEY_SPACE). */
export interface KeyPermutation {
  multiplier: number;
  offset: number;
}

export function keyPermutation(seed: number): KeyPermutation {
  let multiplier = (mixSeed(seed, 1) % KEY_SPACE) | 1;
  while (gcd(multiplier, KEY_SPACE) !== 1) multiplier += 2;
  return { multiplier, offset: mixSeed(seed, 2) % KEY_SPACE };
}

/** (a·b + c) mod m without losing precision above 2^53. */
function mulAddMod(a: number, b: number, c: number, m: number): number {
  return Number((BigInt(a) * BigInt(b) + BigInt(c)) % BigInt(m));
}

export interface BirthAndSequence {
  /** `YYYYMMDD`. */
  birth: string;
  /** Three digits; odd for men, even for women (GB 11643 §5.3). */
  sequence: number;
}

/**
 * The birth date and sequence of a key: distinct keys never share both, whatever their gender.
 * GB 11643 §5.3: the sequence code is odd for men, even for women.
 */
export function birthAndSequence(permutation: KeyPermutation, key: number, male: boolean): BirthAndSequence {
  if (!Number.isSafeInteger(key) || key < 0 || key >= KEY_SPACE) {
    throw new RangeError(`Person key out of range: the demo holds at most ${KEY_SPACE} distinct people`);
  }
  const slot = mulAddMod(permutation.multiplier, key, permutation.offset, KEY_SPACE);
  const pairs = RANDOM_SEQUENCES / 2;
  const birthDay = FIRST_BIRTH_DAY + Math.floor(slot / pairs);
  return { birth: formatDay(birthDay).replaceAll('-', ''), sequence: 2 * (slot % pairs) + (male ? 1 : 0) };
}

/** The 18-character number from its parts, with the check character computed. */
export function idNumberOf(division: string, birth: string, sequence: number): string {
  const body = `${division}${birth}${String(sequence).padStart(3, '0')}`;
  return body + checkCharacter(body);
}

/** The old 15-digit form: no century, no check character. Only for people born in the 1900s. */
export function fifteenDigitForm(idNumber: string): string {
  return idNumber.slice(0, 6) + idNumber.slice(8, 17);
}

/** `x` for `X`, as many records typed by hand have it. */
export function lowercaseX(idNumber: string): string {
  return idNumber.replace(/X$/, 'x');
}

/** Every digit full-width (０-９), as typed with a Chinese input method. */
export function fullWidthDigits(text: string): string {
  return text.replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) - 48 + 0xff10));
}

/** Spaces where people group the digits: after the division and after the birth date. */
export function spacedOut(idNumber: string): string {
  return `${idNumber.slice(0, 6)} ${idNumber.slice(6, 14)} ${idNumber.slice(14)}`;
}

/**
 * Division codes (GB/T 2260) of birth registration. Weighted per home prefecture, because most
 * people work near where they were born, but people move: never infer a region from the number.
 */
const BZ_DIVISIONS = ['652801', '652822', '652823', '652824', '652825', '652826', '652827', '652828', '652829'];
const AKS_DIVISIONS = ['652901', '652902', '652922', '652924', '652925', '652926', '652927', '652928', '652929'];
const WLMQ_DIVISIONS = ['650102', '650103', '650104', '650105', '650106', '650107', '650109', '650121'];
/** Elsewhere in Xinjiang: 喀什, 昌吉, 伊宁, 克拉玛依, 哈密, 和田, 石河子. */
const OTHER_XINJIANG = ['653101', '652301', '654002', '650203', '650502', '653201', '659001'];
/** Other provinces: 北京, 河南, 四川, 甘肃, 山东, 江苏, 重庆, 陕西, 河北, 湖北, 湖南, 安徽. */
const OTHER_PROVINCES = [
  '110101', '410102', '510104', '620102', '370102', '320102', '500101', '610102', '130102', '420102', '430102', '340102',
  '411302', '622101', '511302',
];

export type HomeRegion = 'bz' | 'aks' | 'wlmq';

const DIVISION_GROUPS: Readonly<Record<HomeRegion, Weighted<readonly string[]>>> = {
  bz: [[BZ_DIVISIONS, 62], [AKS_DIVISIONS, 6], [WLMQ_DIVISIONS, 6], [OTHER_XINJIANG, 8], [OTHER_PROVINCES, 18]],
  aks: [[AKS_DIVISIONS, 68], [BZ_DIVISIONS, 5], [WLMQ_DIVISIONS, 5], [OTHER_XINJIANG, 8], [OTHER_PROVINCES, 14]],
  wlmq: [[WLMQ_DIVISIONS, 45], [BZ_DIVISIONS, 5], [AKS_DIVISIONS, 6], [OTHER_XINJIANG, 16], [OTHER_PROVINCES, 28]],
};

export function drawDivision(random: Random, home: HomeRegion): string {
  return random.pick(random.weighted(DIVISION_GROUPS[home]));
}

// 7919 and 104729 are primes, so key → key·p mod 10^8 is one-to-one on keys below 10^8.
const eightDigits = (key: number, prime: number): string => String((key * prime) % 100_000_000).padStart(8, '0');

/** An ordinary passport number (护照): `E` and 8 digits, distinct per key. */
export function passportNumber(key: number): string {
  return `E${eightDigits(key, 7919)}`;
}

/** A 港澳居民来往内地通行证 number: `H` (Hong Kong) or `M` (Macao) and 8 digits, distinct per key. */
export function permitNumber(key: number): string {
  return `${key % 5 === 0 ? 'M' : 'H'}${eightDigits(key, 104_729)}`;
}

const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * A 统一社会信用代码 (GB 32100-2015) with a valid check character: 9 (市场监管) 1 (企业), the
 * division, a 9-character organisation code, the check.
 */
export function creditCode(random: Random, division: string): string {
  let body = `91${division}`;
  for (let i = 0; i < 9; i++) body += CREDIT_CODE_CHARS[random.int(0, i < 8 ? 30 : 9)];
  let total = 0;
  for (let i = 0; i < 17; i++) total += CREDIT_CODE_CHARS.indexOf(body[i]!) * CREDIT_CODE_WEIGHTS[i]!;
  return body + CREDIT_CODE_CHARS[(31 - (total % 31)) % 31];
}
