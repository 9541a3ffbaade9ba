/**
 * Reads review batches from plain data (batches.json) and rejects anything malformed at load, with
 * the path of the bad value and what was expected: a new notice is a data entry, and a typo in it
 * must stop the service from starting rather than answer clerks wrongly.
 */
import {
  EMPLOYER_KINDS,
  REVIEW_KINDS,
  TITLE_SERIES,
  type EmployerKind,
  type ReviewKind,
  type TitleSeries,
} from '../codes.js';
import {
  BATCH_LEVELS,
  DEFENCE_EXEMPTION_FLAGS,
  EXCLUSION_KINDS,
  WINDOW_KINDS,
  type AssessmentDelay,
  type AssessmentRule,
  type BatchLevel,
  type BatchOffer,
  type BatchWindow,
  type DefenceExemption,
  type DefenceRequirement,
  type DefenceRules,
  type Exclusion,
  type FeeEntry,
  type FeeTable,
  type ReviewBatch,
  type SubmissionLimit,
} from './reviewBatch.js';
import { isIsoDate, isTimeZone, parseInstant, writtenOffsetMinutes, zoneOffsetMinutes } from '../time.js';

/** A batch entry that cannot be used; `path` names the value, e.g. `[1].windows[0].closesAt`. */
export class ReviewBatchError extends Error {
  override readonly name = 'ReviewBatchError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`review batch ${path}: ${problem}`);
  }
}

type Json = unknown;

function describe(value: Json): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** A cursor over one value, so that every error names its path. */
class Field {
  constructor(
    readonly path: string,
    readonly value: Json,
  ) {}

  fail(problem: string): never {
    throw new ReviewBatchError(this.path, problem);
  }

  key(name: string): Field {
    const object = this.object();
    return new Field(`${this.path}.${name}`, object[name]);
  }

  object(): Record<string, Json> {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) {
      this.fail(`expected an object, got ${describe(this.value)}`);
    }
    return this.value as Record<string, Json>;
  }

  items(): Field[] {
    if (!Array.isArray(this.value)) this.fail(`expected a list, got ${describe(this.value)}`);
    return (this.value as Json[]).map((item, index) => new Field(`${this.path}[${index}]`, item));
  }

  nonEmptyItems(): Field[] {
    const items = this.items();
    if (items.length === 0) this.fail('expected at least one entry');
    return items;
  }

  text(): string {
    if (typeof this.value !== 'string' || this.value.trim() === '') {
      this.fail(`expected non-empty text, got ${describe(this.value)}`);
    }
    return this.value as string;
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail(`expected true or false, got ${describe(this.value)}`);
    return this.value as boolean;
  }

  integer(min: number, max: number): number {
    const value = this.value;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(`expected a whole number from ${min} to ${max}, got ${describe(value)}`);
    }
    return value as number;
  }

  oneOf<T extends string>(allowed: readonly T[]): T {
    const value = this.value;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(`expected one of ${allowed.join(', ')}, got ${describe(value)}`);
    }
    return value as T;
  }

  /** A non-empty list of distinct values from `allowed`. */
  setOf<T extends string>(allowed: readonly T[]): T[] {
    const values = this.nonEmptyItems().map((item) => item.oneOf(allowed));
    if (new Set(values).size !== values.length) this.fail(`lists a value twice: ${describe(this.value)}`);
    return values;
  }

  nullable<T>(read: (field: Field) => T): T | null {
    return this.value === null ? null : read(this);
  }

  isoDate(): string {
    const text = this.text();
    if (!isIsoDate(text)) this.fail(`expected a day as YYYY-MM-DD, got ${describe(text)}`);
    return text;
  }
}

const SERIES = Object.keys(TITLE_SERIES).filter((key) => key !== 'UNKNOWN') as TitleSeries[];
const KINDS = Object.keys(REVIEW_KINDS).filter((key) => key !== 'UNKNOWN') as ReviewKind[];
const EMPLOYERS = Object.keys(EMPLOYER_KINDS).filter((key) => key !== 'UNKNOWN') as EmployerKind[];

function readInstant(field: Field, timeZone: string): string {
  const text = field.text();
  const instant = parseInstant(text);
  const offset = writtenOffsetMinutes(text);
  if (!instant || offset === null) {
    field.fail(`expected an exact instant with offset, e.g. 2024-08-30T18:00:00+08:00, got ${describe(text)}`);
  }
  // An offset that disagrees with the zone is a typo in one of them; neither can be trusted.
  const zoneOffset = zoneOffsetMinutes(timeZone, instant);
  if (zoneOffset !== offset) {
    field.fail(`offset ${text.slice(-6)} is not the offset of ${timeZone} at that time (${zoneOffset / 60} h)`);
  }
  return text;
}

function readWindow(field: Field): BatchWindow {
  const kind = field.key('kind').oneOf(WINDOW_KINDS);
  const status = field.key('status').oneOf(['SCHEDULED', 'TO_BE_ANNOUNCED'] as const);
  const source = field.key('source').text();
  if (status === 'TO_BE_ANNOUNCED') return { kind, status, source };
  const timeZoneField = field.key('timeZone');
  const timeZone = timeZoneField.text();
  if (!isTimeZone(timeZone)) timeZoneField.fail(`unknown time zone ${describe(timeZone)}`);
  const opensAt = readInstant(field.key('opensAt'), timeZone);
  const closesAt = readInstant(field.key('closesAt'), timeZone);
  if (parseInstant(closesAt)!.getTime() < parseInstant(opensAt)!.getTime()) {
    field.key('closesAt').fail(`closes before it opens (${opensAt})`);
  }
  const tentative = field.key('tentative').boolean();
  return { kind, status, opensAt, closesAt, timeZone, tentative, source };
}

function readOffer(field: Field): BatchOffer {
  return {
    series: field.key('series').setOf(SERIES),
    specialties: field.key('specialties').nullable((f) => f.nonEmptyItems().map((item) => item.text())),
    reviewKinds: field.key('reviewKinds').setOf(KINDS),
    levels: field.key('levels').setOf(BATCH_LEVELS),
    employerKinds: field.key('employerKinds').nullable((f) => f.setOf(EMPLOYERS)),
    locations: field.key('locations').nullable((f) => f.nonEmptyItems().map((item) => item.text())),
    source: field.key('source').text(),
  };
}

function readFees(field: Field): FeeTable {
  const entries = field.key('entries').items().map(
    (entry): FeeEntry => ({
      levels: entry.key('levels').setOf(BATCH_LEVELS),
      reviewKinds: entry.key('reviewKinds').setOf(KINDS),
      // No notice charges more than CNY 10,000; a larger number is a fen/yuan mix-up.
      fen: entry.key('fen').integer(0, 1_000_000),
      source: entry.key('source').text(),
    }),
  );
  // Two prices for one level and kind would make the fee depend on the order of the entries.
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    for (const level of entry.levels) {
      for (const kind of entry.reviewKinds) {
        const key = `${level}/${kind}`;
        if (seen.has(key)) field.key('entries').fail(`entry [${index}] prices ${key} a second time`);
        seen.add(key);
      }
    }
  });
  const announcedLater = field.key('announcedLater').boolean();
  const source = field.key('source').nullable((f) => f.text());
  if ((entries.length > 0 || announcedLater) && source === null) {
    field.key('source').fail('a fee table or a later announcement needs the section that gives it');
  }
  return { entries, announcedLater, source };
}

function readExemption(field: Field): DefenceExemption {
  const kind = field.key('kind').oneOf(['LEVEL', 'LOCATION', 'FLAG'] as const);
  const source = field.key('source').text();
  switch (kind) {
    case 'LEVEL':
      return { kind, levels: field.key('levels').setOf(BATCH_LEVELS), source };
    case 'LOCATION':
      return { kind, locations: field.key('locations').nonEmptyItems().map((item) => item.text()), source };
    case 'FLAG':
      return { kind, flag: field.key('flag').oneOf(DEFENCE_EXEMPTION_FLAGS), source };
  }
}

function readDefence(field: Field): DefenceRules {
  return {
    required: field.key('required').items().map(
      (item): DefenceRequirement => ({
        reviewKinds: item.key('reviewKinds').setOf(KINDS),
        levels: item.key('levels').setOf(BATCH_LEVELS),
        source: item.key('source').text(),
      }),
    ),
    exemptions: field.key('exemptions').items().map(readExemption),
  };
}

function readSubmissionLimit(field: Field): SubmissionLimit {
  return {
    kind: field.key('kind').oneOf(['MAX_SUBMISSIONS', 'MAX_RETURNS'] as const),
    max: field.key('max').integer(1, 99),
    resubmitWithin: field.key('resubmitWithin').text(),
    source: field.key('source').text(),
  };
}

function readAssessments(field: Field, batchYear: number): AssessmentRule {
  const fromYear = field.key('fromYear').integer(1949, batchYear);
  const toYear = field.key('toYear').integer(fromYear, batchYear);
  return {
    fromYear,
    toYear,
    delays: field.key('delays').items().map(
      (item): AssessmentDelay => ({
        result: item.key('result').oneOf(['BASIC_PASS', 'FAIL'] as const),
        years: item.key('years').nullable((f) => f.integer(1, 10)),
        source: item.key('source').text(),
      }),
    ),
    source: field.key('source').text(),
  };
}

function union<T>(lists: readonly (readonly T[])[]): T[] {
  return [...new Set(lists.flat())];
}

function readBatch(field: Field): ReviewBatch {
  const year = field.key('year').integer(2000, 2100);
  const offers = field.key('offers').nonEmptyItems().map(readOffer);
  const windowsField = field.key('windows');
  const windows = windowsField.nonEmptyItems().map(readWindow);
  const kinds = windows.map((window) => window.kind);
  if (new Set(kinds).size !== kinds.length) windowsField.fail(`lists a window kind twice: ${kinds.join(', ')}`);
  // The application-window rule cannot answer without one.
  if (!kinds.includes('APPLY')) windowsField.fail('has no APPLY window (scheduled or to be announced)');
  const exclusionsField = field.key('exclusions');
  const exclusions = exclusionsField.items().map(
    (item): Exclusion => ({ kind: item.key('kind').oneOf(EXCLUSION_KINDS), source: item.key('source').text() }),
  );
  if (new Set(exclusions.map((e) => e.kind)).size !== exclusions.length) exclusionsField.fail('lists an exclusion twice');
  const everySpecialty = offers.some((offer) => offer.specialties === null);
  return {
    code: field.key('code').text(),
    region: field.key('region').text(),
    year,
    title: field.key('title').text(),
    issuer: field.key('issuer').text(),
    issuedOn: field.key('issuedOn').isoDate(),
    notice: field.key('notice').text(),
    offers,
    series: union(offers.map((offer) => offer.series)),
    specialties: everySpecialty ? null : union(offers.map((offer) => offer.specialties ?? [])),
    levels: BATCH_LEVELS.filter((level: BatchLevel) => offers.some((offer) => offer.levels.includes(level))),
    reviewKinds: union(offers.map((offer) => offer.reviewKinds)),
    windows,
    fees: readFees(field.key('fees')),
    defence: readDefence(field.key('defence')),
    submissionLimit: field.key('submissionLimit').nullable(readSubmissionLimit),
    exclusions,
    assessments: field.key('assessments').nullable((f) => readAssessments(f, year)),
  };
}

/** Validates every entry; throws ReviewBatchError naming the first bad value. */
export function parseReviewBatches(raw: unknown): ReviewBatch[] {
  const root = new Field('', raw);
  const batches = root.items().map(readBatch);
  const codes = new Set<string>();
  batches.forEach((batch, index) => {
    if (codes.has(batch.code)) root.items()[index]!.key('code').fail(`batch code ${batch.code} is used twice`);
    codes.add(batch.code);
  });
  return batches;
}
