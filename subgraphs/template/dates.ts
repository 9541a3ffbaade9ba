/**
 * Portal dates and times to the shared ISO-8601 strings. The notices, and the portals' clocks,
 * use Beijing time (UTC+8), so every time leaves the subgraphs with the offset `+08:00`.
 */

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function utcFieldsAsBeijing(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}+08:00`
  );
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
