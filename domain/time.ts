/**
 * Every piece of date and time arithmetic in the project, in one module: instants with offsets,
 * calendar days, time zones (through Intl: the notices need nothing more than an offset and a
 * calendar day in one zone, so no date library), and the portals' Beijing wall-clock columns.
 *
 * The notices and the portals' clocks use Beijing time (UTC+8); arithmetic runs on UTC so that the
 * host's time zone never matters.
 */

/** An ISO-8601 instant with an explicit offset, in whole seconds, as batches.json writes them. */
const INSTANT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Beijing time, UTC+8 all year round (China has kept no daylight saving since 1991). */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The instant, or null when the text is not `YYYY-MM-DDTHH:mm:ss±HH:mm` or names no real time. */
export function parseInstant(text: string): Date | null {
  const match = INSTANT_PATTERN.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number, number, number, number, number, number,
  ];
  const wallClock = Date.UTC(year, month - 1, day, hour, minute, second);
  const probe = new Date(wallClock);
  // Date.UTC rolls 2024-02-30 over into March and 24:00 into the next day: neither was a real time.
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const offset = writtenOffsetMinutes(text) ?? 0;
  return new Date(wallClock - offset * 60_000);
}

/** The offset written in an instant's text, in minutes east of UTC; null when there is none. */
export function writtenOffsetMinutes(text: string): number | null {
  const match = INSTANT_PATTERN.exec(text);
  if (!match) return null;
  return (match[7] === '-' ? -1 : 1) * (Number(match[8]) * 60 + Number(match[9]));
}

/** Whether a year is a leap year of the (proleptic) Gregorian calendar, year 0 included. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Whether year, month (1–12) and day name a real Gregorian day. By the rule, not through Date.UTC,
 * which reads the years 0–99 as 1900–1999 (a birth-date field can hold any four digits).
 */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  const daysInMonth = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth;
}

/** True when `text` is a real `YYYY-MM-DD` day. */
export function isIsoDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at that instant, in minutes east (Asia/Shanghai: 480). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? '');
  if (!match) throw new RangeError(`cannot read the offset of time zone ${timeZone}`);
  if (match[1] === undefined) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

function localParts(at: Date, timeZone: string): Record<string, string> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  return Object.fromEntries(parts.map((part) => [part.type, part.value]));
}

/** The calendar day in that zone, `YYYY-MM-DD`: the day a ban or sanction is checked on. */
export function localDate(at: Date, timeZone: string): string {
  const parts = localParts(at, timeZone);
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** `YYYY-MM-DD HH:mm:ss` in that zone, for messages. */
export function formatLocal(at: Date, timeZone: string): string {
  const parts = localParts(at, timeZone);
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Today in Beijing (UTC+8, no daylight saving), `YYYY-MM-DD`: the portals' calendar. */
export function beijingToday(now: Date = new Date()): string {
  return new Date(now.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The calendar year in Beijing (UTC+8) at that instant: 2025-01-01T05:00+08:00 is in 2025. */
export function beijingYear(at: Date): number {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).getUTCFullYear();
}

/**
 * The last day, inclusive, of a term of `years` years that begins on `firstDay` (a `date` column,
 * midnight UTC): the day before the anniversary. A term begun on 29 February ends on 28 February,
 * the day before 1 March, where Date.UTC rolls the missing anniversary over to.
 */
export function lastDayOfTerm(firstDay: Date, years: number): Date {
  return new Date(Date.UTC(firstDay.getUTCFullYear() + years, firstDay.getUTCMonth(), firstDay.getUTCDate() - 1));
}

/** Whole seconds since the epoch: windows are compared to the second (see ScheduledWindow). */
export function epochSecond(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

/** Orders two `YYYY-MM-DD` days (their text sorts as the days do). */
export function compareIsoDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Portal columns to the shared ISO-8601 strings: every time leaves the subgraphs with +08:00.

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** A Date's UTC fields as `YYYY-MM-DD<separator>HH:MM:SS`. */
function utcFields(date: Date, separator: 'T' | ' '): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `${separator}${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

function utcFieldsAsBeijing(date: Date): string {
  return `${utcFields(date, 'T')}+08:00`;
}

/**
 * A `timestamp without time zone` column: the portal's wall clock in Beijing time. Prisma returns
 * it as a Date whose UTC fields are that wall clock, so the fields are kept and the offset added.
 */
export function wallClockToBeijing(date: Date | null | undefined): string | null {
  return date ? utcFieldsAsBeijing(date) : null;
}

/** A `timestamptz` column: a real instant, shown in Beijing time. */
export function instantToBeijing(date: Date | null | undefined): string | null {
  return date ? utcFieldsAsBeijing(new Date(date.getTime() + BEIJING_OFFSET_MS)) : null;
}

/** A `date` column: Prisma returns midnight UTC of that day, so the UTC fields are the day. */
export function isoDate(date: Date | null | undefined): string | null {
  return date ? `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` : null;
}

/**
 * Microseconds since the epoch as `YYYY-MM-DD HH:MM:SS.ffffff` of the clock `offsetHours` ahead of
 * UTC, exact to the microsecond (a JavaScript Date keeps only milliseconds), for SQL to cast.
 */
export function microsToTimestampText(micros: bigint, offsetHours = 0): string {
  const shifted = micros + BigInt(offsetHours) * 3_600_000_000n;
  const fraction = ((shifted % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const date = new Date(Number((shifted - fraction) / 1000n));
  return `${utcFields(date, ' ')}.${String(fraction).padStart(6, '0')}`;
}

// Calendar arithmetic of the demo-data generator: days and Beijing wall-clock minutes.

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a calendar date. */
export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** `YYYY-MM-DD` of a day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** A Beijing wall-clock instant, as minutes since 1970-01-01 00:00 wall-clock. */
export type WallMinute = number;

export function wallMinute(year: number, month: number, day: number, hour = 0, minute = 0): WallMinute {
  return Date.UTC(year, month - 1, day, hour, minute) / MINUTE_MS;
}

/** `YYYY-MM-DD HH:MM:SS`, for a `timestamp` column holding Beijing wall-clock time (bz, wlmq). */
export function formatWallClock(at: WallMinute, second = 0): string {
  const iso = new Date(at * MINUTE_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 17)}${String(second).padStart(2, '0')}`;
}

/** The same instant with its offset, for a `timestamptz` column (aks). */
export function formatInstant(at: WallMinute, second = 0): string {
  return `${formatWallClock(at, second)}+08`;
}
