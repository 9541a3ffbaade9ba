/**
 * The demo-data generator: deterministic rows for the three portal databases, each in its own
 * local format, and the fixed demo cast the README and end-to-end tests name.
 */
export {
  DEFAULT_APPLICATIONS,
  DEMO_REGIONS,
  DEFAULT_YEARS,
  DemoDataError,
  applicationsPerRegion,
  isDemoRegion,
  minimumApplications,
  portalTablesWithRows,
  writeDemoData,
  type DemoDataErrorCode,
  type DemoProgress,
  type DemoRegion,
  type DemoSummary,
  type DemoTargets,
  type RegionSummary,
  type WriteDemoDataOptions,
} from './writeDemoData.js';
export { CAST_MEMBERS, CAST_YEARS, DEMO_CAST, castApplicationCounts, type CastMember, type CastRole } from './cast.js';
export type * from './rows.js';
