/**
 * The province-wide submission order of the merged application list (Query.applications in the
 * province), and what one region must answer of it: keyset pages, so that page 100 costs what
 * page 1 costs.
 *
 * The order, newest first (`descending`):
 *   1. applications with a submission time, by that exact instant (microseconds), newest first;
 *      equal instants by region (the registry's order, domain/regions.ts), then by the region's
 *      own key, highest first;
 *   2. then applications never submitted (drafts; every wlmq declaration, since wlmq records no
 *      submission time), by region, then by key, highest first.
 * Oldest first is the exact reverse. A position is the last application of a page: (instant or
 * null, region, local key). Each region reads only its own rows after the position, as up to two
 * segments (dated, undated), each an index range on (submission time, key).
 */
import { raw, sqltag, type Sql } from '@prisma/client/runtime/client';
import type { Application, SubmissionPosition } from '../../domain/types.js';
import { microsToTimestampText } from '../../domain/time.js';

// Where a merged list stands: a domain type, so that the province's merged list reads it without
// importing the region kit.
export type { SubmissionPosition };

/** Which rows with the position's own submission time (or none) follow the position. */
export type Tie =
  | { kind: 'all' }
  | { kind: 'none' }
  /** This region's rows beyond the key in the order's direction: `< key` newest first, `> key` oldest first. */
  | { kind: 'beyond'; localId: string };

/** One index range of a region's rows, in the order's direction. */
export type SubmissionSegment =
  /** Rows with a submission time; `from` null: all of them, else those after (instant, tie). */
  | { dated: true; from: { micros: bigint; tie: Tie } | null }
  /** Rows without one, by key; `tie` tells which. */
  | { dated: false; tie: Tie };

/** A row and its exact sort instant, as a region's source reads it. */
export interface OrderedApplication {
  application: Application;
  submittedAtMicros: bigint | null;
}

export class InvalidPositionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPositionError';
  }
}

/** Parses the position's instant; throws InvalidPositionError when it is not an integer. */
export function positionMicros(position: SubmissionPosition): bigint | null {
  if (position.submittedAtMicros === null) return null;
  if (!/^-?[0-9]{1,19}$/.test(position.submittedAtMicros)) throw new InvalidPositionError('submittedAtMicros must be an integer.');
  return BigInt(position.submittedAtMicros);
}

/**
 * The segments region `ownRank` reads, in order, for the rows strictly after `position` (or from
 * the start). `regionRank` gives the registry position of the position's region.
 */
export function segmentsAfter(
  ownRegion: string,
  regionOrder: readonly string[],
  position: SubmissionPosition | null,
  descending: boolean,
): SubmissionSegment[] {
  const dated = (from: { micros: bigint; tie: Tie } | null): SubmissionSegment => ({ dated: true, from });
  const undated = (tie: Tie): SubmissionSegment => ({ dated: false, tie });
  if (position === null) return descending ? [dated(null), undated({ kind: 'all' })] : [undated({ kind: 'all' }), dated(null)];

  const own = regionOrder.indexOf(ownRegion);
  const theirs = regionOrder.indexOf(position.region);
  if (theirs < 0) throw new InvalidPositionError('The position names a region that is not configured.');
  // Among equal instants, regions go in registry order newest first and in reverse oldest first.
  const tie: Tie =
    own === theirs
      ? { kind: 'beyond', localId: position.localId }
      : (descending ? own > theirs : own < theirs)
        ? { kind: 'all' }
        : { kind: 'none' };
  const micros = positionMicros(position);
  if (descending) {
    return micros === null ? [undated(tie)] : [dated({ micros, tie }), undated({ kind: 'all' })];
  }
  return micros === null ? [undated(tie), dated(null)] : [dated({ micros, tie })];
}

/**
 * Reads up to `limit` rows after the position from one region's source, segment by segment, so
 * that the next segment is read only when the previous one runs out.
 */
export async function readInSubmissionOrder(
  segments: readonly SubmissionSegment[],
  limit: number,
  read: (segment: SubmissionSegment, limit: number) => Promise<OrderedApplication[]>,
): Promise<OrderedApplication[]> {
  const rows: OrderedApplication[] = [];
  for (const segment of segments) {
    if (rows.length >= limit) break;
    if (!segment.dated && segment.tie.kind === 'none') continue;
    rows.push(...(await read(segment, limit - rows.length)));
  }
  return rows;
}

/** The edge cursor a region gives a row of this order: what the province merges on. */
export function orderCursor(row: OrderedApplication): string {
  return JSON.stringify([row.submittedAtMicros === null ? null : row.submittedAtMicros.toString(), row.application.localId]);
}

/** When a portal records an application's last submission (none: wlmq). */
export interface SubmissionTime {
  /** The column, as the list's FROM clause names it: sql`a.zhtjsj`. */
  column: Sql;
  /** `timestamp` (the portal's wall clock, `wallClockOffsetHours` ahead of UTC) or `timestamptz` (an instant). */
  type: 'timestamp' | 'timestamptz';
  /** Beijing time, +8, for portals that store their wall clock (bz). */
  wallClockOffsetHours?: number;
}

/**
 * The WHERE condition and ORDER BY of one segment, and the expression of the exact instant in
 * microseconds, for the region kit (subgraphs/template/portalSource.ts). `key` is the list's key
 * column and `keyValue` binds the position's key in its SQL type (already parsed by the caller).
 */
export function segmentSql(
  time: SubmissionTime | null,
  key: Sql,
  keyValue: (localId: string) => Sql,
  segment: SubmissionSegment,
  descending: boolean,
): { where: Sql; orderBy: Sql; micros: Sql } {
  const direction = raw(descending ? 'DESC' : 'ASC');
  const beyond = raw(descending ? '<' : '>');
  const keyOrder = sqltag`${key} ${direction}`;
  if (time === null) {
    // No submission time: every row is in the undated segment, by key.
    const micros = sqltag`NULL::bigint`;
    if (segment.dated) return { where: sqltag`FALSE`, orderBy: keyOrder, micros };
    const where = segment.tie.kind === 'beyond' ? sqltag`${key} ${beyond} ${keyValue(segment.tie.localId)}` : segment.tie.kind === 'all' ? sqltag`TRUE` : sqltag`FALSE`;
    return { where, orderBy: keyOrder, micros };
  }
  const column = time.column;
  const offset = time.type === 'timestamp' ? (time.wallClockOffsetHours ?? 0) : 0;
  // extract(epoch …) is numeric since PostgreSQL 14: exact to the microsecond. A wall clock is
  // read as if it were UTC, then moved back by its offset.
  const micros = sqltag`(extract(epoch FROM ${column}) * 1000000)::bigint - ${BigInt(offset) * 3_600_000_000n}::bigint`;
  if (!segment.dated) {
    const where =
      segment.tie.kind === 'beyond'
        ? sqltag`${column} IS NULL AND ${key} ${beyond} ${keyValue(segment.tie.localId)}`
        : segment.tie.kind === 'all'
          ? sqltag`${column} IS NULL`
          : sqltag`FALSE`;
    return { where, orderBy: keyOrder, micros };
  }
  const orderBy = sqltag`${column} ${direction}, ${key} ${direction}`;
  if (segment.from === null) return { where: sqltag`${column} IS NOT NULL`, orderBy, micros };
  const at = sqltag`${microsToTimestampText(segment.from.micros, offset) + (time.type === 'timestamptz' ? '+00' : '')}::${raw(time.type)}`;
  const { tie } = segment.from;
  // A row comparison, so that PostgreSQL starts the index range right at the position.
  const where =
    tie.kind === 'beyond'
      ? sqltag`(${column}, ${key}) ${beyond} (${at}, ${keyValue(tie.localId)})`
      : tie.kind === 'all'
        ? sqltag`${column} ${raw(descending ? '<=' : '>=')} ${at}`
        : sqltag`${column} ${beyond} ${at}`;
  return { where, orderBy, micros };
}
