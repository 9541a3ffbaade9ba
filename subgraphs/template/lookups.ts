/**
 * A region's code tables read both ways, the same for every region: a local value to its shared
 * value (UNKNOWN when the table does not know it), and a list of shared
 * values back to the local ones, so that filters run in SQL on the portal's own columns.
 */
import type { ApplicationStatus, ReviewKind, TitleLevel, TitleSeries } from '../../domain/codes.js';

/** The shared value of a local one, UNKNOWN for NULL or a value the table does not know. No reporting: for values that are not a row (statistics groups). */
export function lookupShared<L, S extends string>(table: ReadonlyMap<L, S>, local: L | null): S | 'UNKNOWN' {
  return local === null ? 'UNKNOWN' : (table.get(local) ?? 'UNKNOWN');
}

/** The local values that map to some shared values. */
export interface LocalValueFilter<L> {
  /** Local values that map to one of the shared values asked for. */
  values: L[];
  /** UNKNOWN was asked for: the filter must also match NULL and every local value outside `known`. */
  unknown: boolean;
  /** Every local value the table knows. */
  known: L[];
}

export function reverseLookup<L, S extends string>(table: ReadonlyMap<L, S>, wanted: readonly (S | 'UNKNOWN')[]): LocalValueFilter<L> {
  const asked = new Set<string>(wanted);
  return {
    values: [...table].filter(([, shared]) => asked.has(shared)).map(([local]) => local),
    unknown: asked.has('UNKNOWN'),
    known: [...table.keys()],
  };
}

/**
 * The code tables behind an application's coded shared fields: what a filter turns back into local
 * values and what statistics groups turn into shared ones. Local values are the portal's column
 * values as SQL returns them (text or integers).
 */
export interface ApplicationCodes {
  series: ReadonlyMap<string | number, TitleSeries>;
  level: ReadonlyMap<string | number, TitleLevel>;
  reviewKind: ReadonlyMap<string | number, ReviewKind>;
  status: ReadonlyMap<string | number, ApplicationStatus>;
}
