/**
 * Statistics are counted by SQL GROUP BY on a portal's local columns; several local values can map
 * to one shared value (工程, 工程系列 and 工程技术 are all ENGINEERING; every unknown code is UNKNOWN),
 * so the mapped groups are added together here. Only group totals are added, never rows.
 */
import { addCellKeys } from '../perturbation.js';
import type { StatisticsGroup } from './source.js';

export function mergeStatisticsGroups(groups: Iterable<StatisticsGroup>): StatisticsGroup[] {
  const merged = new Map<string, StatisticsGroup>();
  for (const group of groups) {
    const key = JSON.stringify([group.series, group.specialty, group.level, group.reviewKind, group.status]);
    const existing = merged.get(key);
    if (existing) {
      existing.count += group.count;
      // Cell keys add like the record-key sums they are (the groups are disjoint).
      if (existing.cellKey !== undefined && group.cellKey !== undefined) existing.cellKey = addCellKeys(existing.cellKey, group.cellKey);
    } else merged.set(key, { ...group });
  }
  return [...merged.values()];
}
