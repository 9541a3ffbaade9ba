/**
 * A batch's windows against an instant (domain/time.ts does the arithmetic): where an instant
 * falls, whether a window opens later, and the window as a message shows it.
 */
import { epochSecond, formatLocal, parseInstant } from '../time.js';
import type { ScheduledWindow } from './reviewBatch.js';

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
