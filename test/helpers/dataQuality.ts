/** A data-quality reporter for tests: what a mapping reported, in order. */
import type { DataQualityEvent, DataQualityReporter } from '../../subgraphs/template/dataQuality.js';

/** Collects events in memory. */
export function collectingReporter(): DataQualityReporter & { events: DataQualityEvent[] } {
  const events: DataQualityEvent[] = [];
  const report = (event: DataQualityEvent) => {
    events.push(event);
  };
  return Object.assign(report, { events });
}
