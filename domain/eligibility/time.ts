/**
 * Instants, calendar days and windows, with Intl for time zones (no library: the notices need
 * nothing more than an offset and a calendar day in one zone).
 */
import type { ScheduledWindow } from './reviewBatch.js';

/** An ISO-8601 instant with an explicit offset, in whole seconds, as batches.json writes them. */
const INSTANT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

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

/** Whole seconds since the epoch: windows are compared to the second (see ScheduledWindow). */
export function epochSecond(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

function windowSeconds(window: ScheduledWindow): { opens: number; closes: number } {
  const opens = parseInstant(window.opensAt);
  const closes = parseInstant(window.closesAt);
  // parseReviewBatches has checked both; a failure here is a programming error, not data.
  if (!opens || !closes) throw new Error(`window ${window.kind} has an unreadable instant`);
  return { opens: epochSecond(opens), closes: epochSecond(closes) };
}

/** Where an instant falls relative to a window; both ends are inside. */
export function windowPosition(window: ScheduledWindow, at: Date): 'BEFORE' | 'OPEN' | 'AFTER' {
  const { opens, closes } = windowSeconds(window);
  const second = epochSecond(at);
  if (second < opens) return 'BEFORE';
  if (second > closes) return 'AFTER';
  return 'OPEN';
}

export function opensAfter(window: ScheduledWindow, at: Date): boolean {
  return windowSeconds(window).opens > epochSecond(at);
}

/** The window in its own zone, for messages: `2024-07-22 00:00:00 — 2024-08-30 18:00:00 (Asia/Shanghai)`. */
export function describeWindow(window: ScheduledWindow): string {
  const opens = parseInstant(window.opensAt);
  const closes = parseInstant(window.closesAt);
  if (!opens || !closes) throw new Error(`window ${window.kind} has an unreadable instant`);
  return `${formatLocal(opens, window.timeZone)} — ${formatLocal(closes, window.timeZone)} (${window.timeZone})`;
}

/** Orders two `YYYY-MM-DD` days (their text sorts as the days do). */
export function compareIsoDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
