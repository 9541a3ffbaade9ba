/**
 * A portal's own keys, as text outside the portal and typed inside it. A key is the text its SQL
 * value prints as (`7`, never `007`); any other text names no row, so a lookup by it finds nothing
 * and a cursor holding it is refused.
 */
import { sqltag as sql, raw, type Sql } from '@prisma/client/runtime/client';
import { silentReporter, type DataQualityReporter } from './dataQuality.js';

export interface KeyType<K extends bigint | number | string> {
  /** The typed key of a text, or null when the text names no row. */
  parse(text: string): K | null;
  /** The SQL type the key is bound as. */
  sqlType: 'bigint' | 'int' | 'text';
}

/** PostgreSQL's bigint (bz's keys). */
export const BIGINT_KEY: KeyType<bigint> = {
  parse(text) {
    if (!/^(0|[1-9][0-9]{0,18})$/.test(text)) return null;
    const key = BigInt(text);
    return key <= 9_223_372_036_854_775_807n ? key : null;
  },
  sqlType: 'bigint',
};

/** PostgreSQL's integer and serial (aks's keys). */
export const INT_KEY: KeyType<number> = {
  parse(text) {
    if (!/^(0|[1-9][0-9]{0,9})$/.test(text)) return null;
    const key = Number(text);
    return key <= 2_147_483_647 ? key : null;
  },
  sqlType: 'int',
};

/** A text key (wlmq's declaration numbers): any text, at most a sane length. */
export const TEXT_KEY: KeyType<string> = {
  parse: (text) => (text.length > 0 && text.length <= 64 ? text : null),
  sqlType: 'text',
};

/** The distinct typed keys of some texts, those that name no row left out. */
export function parseKeys<K extends bigint | number | string>(type: KeyType<K>, localIds: readonly string[]): K[] {
  return [...new Set(localIds.map((id) => type.parse(id)).filter((key): key is K => key !== null))];
}

/** `values` bound as one SQL array of the key's type. */
export function keyArray<K extends bigint | number | string>(type: KeyType<K>, values: readonly K[]): Sql {
  return sql`${[...values]}::${raw(`${type.sqlType}[]`)}`;
}

/** One value bound as the key's type. */
export function keyValue<K extends bigint | number | string>(type: KeyType<K>, value: K): Sql {
  return sql`${value}::${raw(type.sqlType)}`;
}

/** An empty list for every key asked for: what a batch method answers before (or instead of) reading. */
export function emptyLists<V>(keys: readonly string[]): Map<string, V[]> {
  return new Map(keys.map((key) => [key, []]));
}

/**
 * A Map with an entry for every key asked for, in the order asked, each filled with the mapped
 * rows whose key (`keyOf`) is that key, in the rows' order: the contract of every batch method.
 */
export function groupRows<R, V>(
  keys: readonly string[],
  rows: readonly R[],
  keyOf: (row: R) => bigint | number | string | null,
  map: (row: R) => V,
): Map<string, V[]> {
  const result = emptyLists<V>(keys);
  for (const row of rows) {
    const key = keyOf(row);
    if (key !== null) result.get(String(key))?.push(map(row));
  }
  return result;
}

/**
 * A batch method over local people (qualifications, integrity records …) from one statement:
 * `load` gets the typed keys (also bound as one SQL array, for plain SQL) and answers each row as
 * its person's key with its mapped value; it is not called when none of the texts is a key.
 */
export function perPerson<K extends bigint | number | string, V>(
  type: KeyType<K>,
  load: (keys: K[], bound: Sql) => Promise<ReadonlyArray<readonly [K | null, V]>>,
): (localIds: readonly string[]) => Promise<Map<string, V[]>> {
  return async (localIds) => {
    const keys = parseKeys(type, localIds);
    const rows = keys.length === 0 ? [] : await load(keys, keyArray(type, keys));
    return groupRows(localIds, rows, ([key]) => key, ([, value]) => value);
  };
}

/**
 * Each distinct value once, first occurrence first. The mappers build objects with a fixed key
 * order, so equal JSON is equal content.
 */
export function dedupeIdentical<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * For a portal that copies a person into each of their records (wlmq's declarations): what each
 * key's own row adds to the person's earlier rows, each identical entry once. `rows` holds, per
 * key (`keyOf`), its own row (`isOwn`) and the earlier ones; concatenated over all of a person's
 * keys, the answer lists each entry once. Earlier rows are mapped only to know what the person
 * already had, so their issues are not reported: they are when those rows are asked for themselves.
 */
export function addedToEarlierRows<R, V>(
  keys: readonly string[],
  rows: readonly R[],
  keyOf: (row: R) => string,
  isOwn: (row: R) => boolean,
  map: (row: R, report: DataQualityReporter) => V[],
  report: DataQualityReporter,
): Map<string, V[]> {
  const result = emptyLists<V>(keys);
  const earlier = new Map<string, Set<string>>();
  for (const row of rows) {
    if (isOwn(row)) continue;
    const seen = earlier.get(keyOf(row)) ?? new Set<string>();
    for (const entry of map(row, silentReporter)) seen.add(JSON.stringify(entry));
    earlier.set(keyOf(row), seen);
  }
  for (const row of rows) {
    if (!isOwn(row)) continue;
    const seen = earlier.get(keyOf(row));
    const added = map(row, report).filter((entry) => !seen?.has(JSON.stringify(entry)));
    result.set(keyOf(row), dedupeIdentical(added));
  }
  return result;
}
