/**
 * Windows and moments of the demo data, drawn in Beijing wall-clock minutes (domain/time.ts holds
 * the arithmetic).
 */
import { wallMinute, type WallMinute } from '../domain/time.js';
import type { Random } from './random.js';

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
