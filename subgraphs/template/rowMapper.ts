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
import type { DataQualityIssue } from '../../domain/types.js';
import type { DataQualityReporter } from './dataQuality.js';

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
