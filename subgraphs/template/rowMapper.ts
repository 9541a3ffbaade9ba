/**
 * One row of a portal to a shared object, the same way in every region. A value no code table
 * knows is kept: the shared field becomes UNKNOWN (or null where the shared field has no UNKNOWN,
 * like a yes/no or a national code), the issue is listed in the object's `dataQuality`, and it is
 * reported with the row's table and key. The row is never dropped and the value never guessed.
 *
 * NULL is the portal's "not recorded". Where the shared field cannot be null (`required`), NULL is
 * a gap: UNKNOWN, reported. Where it can be (`optional`), NULL stays null and is not reported,
 * while a value the table does not know is UNKNOWN and reported, as in `required`.
 */
import { countsTowardAnnualLimit } from '../../domain/countingPolicy.js';
import type { ApplicationStatus, ReviewKind, TitleLevel, TitleSeries } from '../../domain/codes.js';
import type { CodedLabel } from '../../domain/nationalCodes.js';
import type { Application, DataQualityIssue, PersonProfile } from '../../domain/types.js';
import type { DataQualityReporter } from './dataQuality.js';
import type { ApplicationCodes } from './lookups.js';

/**
 * How a malformed value of a JSON column is named in reports: its JSON type, never its content
 * (free text the applicant typed may be personal data).
 */
export function jsonKind(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

export class RowMapper {
  readonly issues: DataQualityIssue[] = [];

  constructor(
    private readonly report: DataQualityReporter,
    private readonly region: string,
    private readonly table: string,
    private readonly localId: string,
  ) {}

  /** Lists and reports one issue: `localValue` is a code or label, never personal data. */
  issue(field: string, localValue: string | number | null): void {
    const text = localValue === null ? null : String(localValue);
    this.issues.push({ field, localValue: text });
    this.report({ region: this.region, table: this.table, localId: this.localId, field, localValue: text });
  }

  /** A shared field that cannot be null: NULL and unknown values both become UNKNOWN. */
  required<L, S extends string>(field: string, table: ReadonlyMap<L, S>, local: L | null): S | 'UNKNOWN' {
    const shared = local === null ? undefined : table.get(local);
    if (shared !== undefined) return shared;
    this.issue(field, local === null ? null : String(local));
    return 'UNKNOWN';
  }

  /** A nullable shared field: NULL stays null, an unknown value becomes UNKNOWN. */
  optional<L, S extends string>(field: string, table: ReadonlyMap<L, S>, local: L | null): S | 'UNKNOWN' | null {
    return local === null ? null : this.required(field, table, local);
  }

  /** An application's four coded fields through the region's code tables, each one `required`. */
  applicationCodes(codes: ApplicationCodes, local: Record<keyof ApplicationCodes, string | number | null>): {
    series: TitleSeries;
    level: TitleLevel;
    reviewKind: ReviewKind;
    status: ApplicationStatus;
  } {
    return {
      series: this.required('series', codes.series, local.series),
      level: this.required('level', codes.level, local.level),
      reviewKind: this.required('reviewKind', codes.reviewKind, local.reviewKind),
      status: this.required('status', codes.status, local.status),
    };
  }

  /**
   * A shared field with no UNKNOWN value (a yes/no, a national code): `found` is what the table
   * gave for `local`, or null. A local value that gave nothing is reported; so is NULL when the
   * portal always fills the column (`nullIsGap`).
   */
  checked<T>(field: string, local: string | number | null, found: T | null | undefined, nullIsGap = false): T | null {
    if (found !== null && found !== undefined) return found;
    if (local !== null || nullIsGap) this.issue(field, local);
    return null;
  }
}

/** What a region reads off its row; the rest of an application is the same everywhere. */
export type ApplicationFields = Omit<Application, 'id' | 'region' | 'localId' | 'countsTowardAnnualLimit' | 'dataQuality'>;

/**
 * An application in the shared form: its id from the region and the portal's key, whether it
 * counts toward the annual limit from the one counting policy, its issues from its row's mapper.
 */
export function sharedApplication(region: string, localId: string, fields: ApplicationFields, map: RowMapper): Application {
  return {
    id: `${region}:${localId}`,
    region,
    localId,
    ...fields,
    countsTowardAnnualLimit: countsTowardAnnualLimit(fields.reviewKind, fields.status),
    dataQuality: map.issues,
  };
}

/** What a region reads off its row for a profile, with the national codes as the lookups found them. */
export type ProfileFields = Omit<PersonProfile, 'ethnicityCode' | 'ethnicity' | 'politicalStatusCode' | 'politicalStatus' | 'dataQuality'> & {
  /** GB/T 3304 and GB/T 4762 entries, or null where the lookup found none. */
  ethnicity: CodedLabel | null;
  politicalStatus: CodedLabel | null;
};

/**
 * A profile in the shared form: each national code split into code and label. Where no code was
 * found, the label is `uncoded`'s (a portal that stores labels keeps its own words for display) or
 * null.
 */
export function sharedProfile(
  { ethnicity, politicalStatus, ...fields }: ProfileFields,
  map: RowMapper,
  uncoded: { ethnicity: string | null; politicalStatus: string | null } = { ethnicity: null, politicalStatus: null },
): PersonProfile {
  return {
    ...fields,
    ethnicityCode: ethnicity?.code ?? null,
    ethnicity: ethnicity?.label ?? uncoded.ethnicity,
    politicalStatusCode: politicalStatus?.code ?? null,
    politicalStatus: politicalStatus?.label ?? uncoded.politicalStatus,
    dataQuality: map.issues,
  };
}
