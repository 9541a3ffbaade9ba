/**
 * What each regional subgraph must provide: its portal's rows, read through its own Prisma client
 * and mapped to the shared types by its mapping module. The template (createRegionalSubgraph)
 * turns any RegionalSource into a subgraph. A region does not implement it by hand: it describes
 * its tables to createPortalSource (./portalSource.ts), which writes every query but the aspects.
 *
 * Contract for every batch method, as in graphql/dataloader: one call issues a fixed number of SQL
 * statements however many keys it gets, and returns a Map with an entry (possibly empty) for
 * every key it was given.
 */
import type { StatisticsGroup } from '../../domain/types.js';
import type { ApplicationStatus, ReviewKind, TitleLevel, TitleSeries } from '../../domain/codes.js';
import type { Application, Assessment, IntegrityRecord, PersonProfile, Qualification } from '../../domain/types.js';
import type { OrderedApplication, SubmissionSegment } from './submissionOrder.js';

/** A person as one portal knows them. wlmq has one per declaration; bz and aks one per row. */
export interface LocalPerson {
  /** The portal's own key: bz `ryid`, aks `applicant.id`, wlmq `"declarationNo"`. */
  localId: string;
  profile: PersonProfile;
  /** When the portal last changed this row (ISO-8601), used to pick the newest profile. */
  updatedAt: string | null;
}

export interface ApplicationFilter {
  year?: number | null;
  series?: readonly TitleSeries[] | null;
  specialty?: readonly string[] | null;
  level?: readonly TitleLevel[] | null;
  reviewKind?: readonly ReviewKind[] | null;
  status?: readonly ApplicationStatus[] | null;
}

export interface PageRequest {
  /** At most this many items; already capped by the caller. */
  first: number;
  /** The portal key of the last item of the previous page (decoded cursor), exclusive. */
  after: string | null;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}

export type StatisticsDimension = 'REGION' | 'SERIES' | 'SPECIALTY' | 'LEVEL' | 'REVIEW_KIND' | 'STATUS';

// A group of applications before perturbation: a domain type, so that the access rules shared by
// every subgraph (subgraphs/access.ts) read it without importing the kit.
export type { StatisticsGroup };

export interface StatisticsOptions {
  /** Compute each group's cell key from record keys with this seed (cellKeySeed). */
  cellKeySeed?: bigint;
}

export interface ImpossibleBirthDates {
  /** The portal table the keys are of, e.g. `ry_jbxx`. */
  table: string;
  localIds: string[];
  total: number;
}

/** One counted application of a year: whose (normalised ID number) and which (the portal's key). */
export interface CountedApplication {
  idNumber: string;
  localId: string;
}

export interface RegionalSource {
  /**
   * People whose ID number, normalised in SQL by gateway.normalise_id_number, is one of
   * `idNumbers` (already normalised, 18 characters). Keyed by the normalised number.
   */
  findPeople(idNumbers: readonly string[]): Promise<Map<string, LocalPerson[]>>;
  /**
   * Every application of the people with these ID numbers (matched as in findPeople), in one SQL
   * statement, in the order of findPeople's people, then of the application key. The duplicate
   * check's hot path: one round trip, with no people lookup first.
   */
  applicationsByIdNumber(idNumbers: readonly string[]): Promise<Map<string, Application[]>>;
  qualificationsOf(localIds: readonly string[]): Promise<Map<string, Qualification[]>>;
  integrityRecordsOf(localIds: readonly string[]): Promise<Map<string, IntegrityRecord[]>>;
  /** Empty for every key where the portal records no assessments (wlmq). */
  assessmentsOf(localIds: readonly string[]): Promise<Map<string, Assessment[]>>;
  /**
   * One page of applications matching the filter, in the portal's key order, starting after
   * `page.after`. Filtering on shared values happens in SQL: each shared value is turned back into
   * the local values that map to it (UNKNOWN: every local value no mapping knows, and NULL).
   */
  listApplications(filter: ApplicationFilter, page: PageRequest): Promise<Page<Application>>;
  countApplications(filter: ApplicationFilter): Promise<number>;
  /**
   * Up to `limit` applications matching the filter in one segment of the province-wide submission
   * order (subgraphs/template/submissionOrder.ts), in one SQL statement: an index range on
   * (submission time, key), so that a deep page costs what the first does. Each row carries its
   * exact submission instant in microseconds.
   */
  listInSubmissionOrder(filter: ApplicationFilter, segment: SubmissionSegment, descending: boolean, limit: number): Promise<OrderedApplication[]>;
  /**
   * Counts by the given dimensions (REGION is constant within a region and is ignored here),
   * computed by SQL GROUP BY on the local columns and then mapped; groups whose local values map
   * to the same shared value are added together.
   */
  statistics(year: number | null, groupBy: readonly StatisticsDimension[], options?: StatisticsOptions): Promise<StatisticsGroup[]>;
  /**
   * Rows whose ID number is valid in form (gateway.normalise_id_number) but whose birth date
   * (gateway.id_number_birth_date) is no calendar date, before 1900-01-01 or after `today`
   * (`YYYY-MM-DD`): the first `limit` portal keys in key order, and how many there are. Only keys:
   * never the number. Such rows are kept and still link their records; they are flagged.
   */
  impossibleBirthDates(today: string, limit: number): Promise<ImpossibleBirthDates>;
  /**
   * Every application that counts toward `year`'s one-review limit (kind in COUNTED_REVIEW_KINDS,
   * status in COUNTED_STATUSES, domain/countingPolicy.ts), with its person's normalised ID number:
   * one SQL statement over the year, filtered on the local codes that map to those values. People
   * whose number does not normalise are left out (they cannot be matched across regions anyway).
   * Only for the province's conflicts report, which intersects the regions' answers. With
   * `localIds`, only those of the applications (by key: no read of the whole year).
   */
  countedApplicationsInYear(year: number, localIds?: readonly string[]): Promise<CountedApplication[]>;
  /** Resolves when the portal database answers `SELECT 1`; used by the readiness endpoint. */
  ping(): Promise<void>;
}
