/**
 * Data-quality events: a portal value that no mapping knows. The row is kept with the shared field
 * set to UNKNOWN (and the issue listed in its `dataQuality`), and the event is reported here so
 * that operators see it: an unknown value is mapped to an explicit UNKNOWN and reported, and the
 * row is never dropped silently.
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../platform/logger.js';

export interface DataQualityEvent {
  region: string;
  /** The portal table, e.g. `sb_sqs`. */
  table: string;
  /** The portal's own key of the row, never personal data. */
  localId: string;
  /** The shared field that could not be filled, e.g. `level`. */
  field: string;
  /** The local value (a code or label, never an ID number or a name), or null when empty. */
  localValue: string | null;
}

export type DataQualityReporter = (event: DataQualityEvent) => void;

/** Reports each distinct event once per reporter, as a structured warning. */
export function loggingReporter(log: Logger): DataQualityReporter {
  // The most recent 10,000 distinct events: a long-running service keeps a bounded memory, and an
  // event seen again after falling out is logged again, which is harmless.
  const seen = new LRUCache<string, true>({ max: 10_000 });
  return (event) => {
    const key = `${event.table}|${event.localId}|${event.field}|${event.localValue}`;
    if (seen.has(key)) return;
    seen.set(key, true);
    log.warn({ event: 'data_quality', ...event }, 'portal value not mapped to the shared schema');
  };
}

/** Reports nothing: for rows read only as context, whose own issues are reported when they are read for themselves. */
export const silentReporter: DataQualityReporter = () => {};
