/**
 * Rows gathered column by column and written many at a time with one statement:
 * `INSERT INTO t (a, b) SELECT * FROM unnest($1::text::bigint[], $2::text::text[])`.
 *
 * Each column travels as one PostgreSQL array literal in a text parameter, cast in SQL. That keeps
 * the statement and its parameters identical on node-postgres and PGlite, whose own array
 * serialisers differ, and it is one parse per chunk instead of one per row.
 */
import type { SqlClient } from '../platform/database/sql.js';

/** PostgreSQL type of a column as sent: the array is `<type>[]`. */
export type ColumnType =
  | 'bigint'
  | 'int'
  | 'smallint'
  | 'text'
  | 'numeric'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'boolean'
  | 'jsonb';

export type CellValue = string | number | boolean | null;

export interface ColumnSpec {
  /** As written in SQL, quoted where the portal's identifiers need it (`"certNo"`). */
  name: string;
  type: ColumnType;
}

const QUOTED_TYPES: ReadonlySet<ColumnType> = new Set(['text', 'numeric', 'date', 'timestamp', 'timestamptz', 'jsonb']);

/** One array element: NULL, a bare number or boolean, or a double-quoted string with \ and " escaped. */
function arrayElement(value: CellValue, quoted: boolean): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (!quoted) return String(value);
  const text = String(value);
  return /["\\]/.test(text) ? `"${text.replace(/["\\]/g, '\\$&')}"` : `"${text}"`;
}

export class TableBuffer {
  private readonly cells: string[][];
  private rows = 0;
  private readonly insertText: string;

  constructor(
    readonly table: string,
    private readonly columns: readonly ColumnSpec[],
  ) {
    this.cells = columns.map(() => []);
    const names = columns.map((column) => column.name).join(', ');
    const arrays = columns.map((column, i) => `$${i + 1}::text::${column.type}[]`).join(', ');
    this.insertText = `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`;
  }

  get length(): number {
    return this.rows;
  }

  /** One row, values in column order. */
  push(values: readonly CellValue[]): void {
    if (values.length !== this.columns.length) {
      throw new TypeError(`${this.table}: expected ${this.columns.length} values, got ${values.length}`);
    }
    for (let i = 0; i < values.length; i++) {
      this.cells[i]!.push(arrayElement(values[i]!, QUOTED_TYPES.has(this.columns[i]!.type)));
    }
    this.rows++;
  }

  /** Writes the buffered rows and empties the buffer. Returns how many rows it wrote. */
  async flush(sql: SqlClient): Promise<number> {
    const written = this.rows;
    if (written === 0) return 0;
    const params = this.cells.map((column) => `{${column.join(',')}}`);
    for (const column of this.cells) column.length = 0;
    this.rows = 0;
    await sql.query(this.insertText, params);
    return written;
  }
}
