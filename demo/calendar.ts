/**
 * Dates and wall-clock times as the portals store them. Everything is Beijing time (UTC+8), the
 * time every notice gives; arithmetic runs on UTC so that the host's time zone never matters.
 */
import type { Random } from './random.js';

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

/** A window in Beijing wall-clock minutes, from inclusive, until exclusive. */
export interface Window {
  from: WallMinute;
  until: WallMinute;
}

/** Whole days: from 00:00 on the first day to 24:00 on the last. */
export function dayWindow(year: number, from: readonly [number, number], until: readonly [number, number]): Window {
  return { from: wallMinute(year, from[0], from[1]), until: wallMinute(year, until[0], until[1]) + 24 * 60 };
}

/**
 * A moment inside the window, in office-to-evening hours (08:00–23:59) where the window allows:
 * people fill these forms in by day, and a deadline like 18:00 must never be passed.
 */
export function momentIn(random: Random, window: Window): WallMinute {
  const days = Math.ceil((window.until - window.from) / (24 * 60));
  for (let attempt = 0; attempt < 4; attempt++) {
    const dayStart = window.from - (window.from % (24 * 60)) + random.int(0, days - 1) * 24 * 60;
    const at = dayStart + random.int(8 * 60, 24 * 60 - 1);
    if (at >= window.from && at < window.until) return at;
  }
  return window.from + random.int(0, window.until - window.from - 1);
}
