/**
 * A RegionalSource from a description of a portal's tables: who a person is (matched by ID number),
 * where applications live and which columns hold the shared dimensions, and the region's code
 * tables. Every query is written here once, in SQL, so the three regions cannot drift apart in how
 * they match people, filter, page or count; a region writes only its own column names and joins,
 * and the aspects (qualifications, integrity records, assessments) whose shapes differ per portal.
 *
 * Every batch method issues one SQL statement however many keys it gets (none for no keys): the
 * contract of subgraphs/template/source.ts.
 */
import { empty, join, raw, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import { EARLIEST_BIRTH_DATE } from '../../domain/idNumber.js';
import { COUNTED_REVIEW_KINDS, COUNTED_STATUSES } from '../../domain/countingPolicy.js';
import type { Application } from '../../domain/types.js';
import { invalidCursor } from './cursor.js';
import { groupRows, keyArray, keyValue, parseKeys, type KeyType } from './keys.js';
import { lookupShared, reverseLookup, type ApplicationCodes, type LocalValueFilter } from './lookups.js';
import type { ApplicationFilter, LocalPerson, RegionalSource, StatisticsDimension, StatisticsGroup } from './source.js';
import { cellKeySql } from '../perturbation.js';
import { mergeStatisticsGroups } from './statistics.js';
import { InvalidPositionError, segmentSql, type SubmissionTime } from './submissionOrder.js';

/** What the kit needs of a Prisma client: plain SQL. */
export interface SqlClient {
  $queryRaw<T = unknown>(query: Sql): PromiseLike<T>;
}

/** The portal's people: one row per local person (wlmq: per declaration). */
export interface PortalPeople<Row> {
  /** The table people are read from, as the other fragments name it. */
  table: Sql;
  /** The column holding the ID number as the portal stored it; matched through gateway.normalise_id_number. */
  idNumber: Sql;
  /** Rows that can hold a resident ID number at all (wlmq: not passports); absent: every row. */
  matchable?: Sql;
  /** The person key, in whose order people are listed. */
  key: Sql;
  /** The profile columns `map` reads (never the ID number). */
  select: Sql;
  map(row: Row): LocalPerson;
}

/** The columns of the shared dimensions an application can be filtered and grouped by. */
export interface DimensionColumns {
  series: Sql;
  specialty: Sql;
  level: Sql;
  reviewKind: Sql;
  status: Sql;
}

export interface PortalApplications<Row, K extends bigint | number | string> {
  /** FROM clause of the applications, with any joins their columns need. */
  from: Sql;
  /** The joins from `PortalPeople.table` to the same rows (empty where people and applications are one table). */
  fromPeople: Sql;
  /** The application key, in whose order lists are paged, and its type. */
  key: { column: Sql; type: KeyType<K> };
  /** The review year, as an integer (NULL where the portal's value cannot be read). */
  year: Sql;
  /** The last submission time, the merged list's order (subgraphs/template/submissionOrder.ts); absent or null where the portal records none. */
  submittedAt?: SubmissionTime | null;
  columns: DimensionColumns;
  /** The columns `map` reads. */
  select: Sql;
  map(row: Row): Application;
}

export type PortalAspects = Pick<RegionalSource, 'qualificationsOf' | 'integrityRecordsOf' | 'assessmentsOf'>;

/** The column each statistics dimension groups by (REGION is constant within a region). */
const DIMENSIONS = {
  SERIES: 'series',
  SPECIALTY: 'specialty',
  LEVEL: 'level',
  REVIEW_KIND: 'reviewKind',
  STATUS: 'status',
} as const satisfies Record<Exclude<StatisticsDimension, 'REGION'>, keyof DimensionColumns>;

type GroupedDimension = keyof typeof DIMENSIONS;

/** A row of the statistics query: the local value of each grouped dimension, named by the dimension. */
type GroupRow = { [D in Exclude<GroupedDimension, 'SPECIALTY'>]?: string | number | null } & { SPECIALTY?: string | null; count: number; cellKey?: number };

/** A list of local values bound as one SQL array of their type (a code table holds text or integers). */
function localArray(values: readonly (string | number)[], like: readonly (string | number)[]): Sql {
  return typeof like[0] === 'number' ? sql`${[...values]}::int[]` : sql`${[...values]}::text[]`;
}

/**
 * The rows whose column maps to one of the shared values asked for; with UNKNOWN asked for, also
 * the rows where it is NULL or a value outside the table (what the mapping calls UNKNOWN).
 */
function matches(column: Sql, filter: LocalValueFilter<string | number>): Sql {
  const alternatives: Sql[] = [];
  if (filter.values.length > 0) alternatives.push(sql`${column} = ANY(${localArray(filter.values, filter.known)})`);
  if (filter.unknown) alternatives.push(sql`${column} IS NULL OR ${column} <> ALL(${localArray(filter.known, filter.known)})`);
  return alternatives.length > 0 ? sql`(${join(alternatives, ' OR ')})` : sql`FALSE`;
}

/** The WHERE clause of a filter. A list given but empty matches nothing; an absent one does not filter. */
function whereOf(table: PortalApplications<unknown, bigint | number | string>, codes: ApplicationCodes, filter: ApplicationFilter): Sql {
  const { columns } = table;
  const all: Sql[] = [];
  if (filter.year != null) all.push(sql`${table.year} = ${filter.year}::int`);
  if (filter.series) all.push(matches(columns.series, reverseLookup(codes.series, filter.series)));
  if (filter.specialty) all.push(sql`${columns.specialty} = ANY(${[...filter.specialty]}::text[])`);
  if (filter.level) all.push(matches(columns.level, reverseLookup(codes.level, filter.level)));
  if (filter.reviewKind) all.push(matches(columns.reviewKind, reverseLookup(codes.reviewKind, filter.reviewKind)));
  if (filter.status) all.push(matches(columns.status, reverseLookup(codes.status, filter.status)));
  return all.length > 0 ? join(all, ' AND ') : sql`TRUE`;
}

/** Who a person is, the same for findPeople and applicationsByIdNumber: they cannot disagree. */
function heldBy(people: PortalPeople<unknown>, idNumbers: readonly string[]): Sql {
  const match = sql`gateway.normalise_id_number(${people.idNumber}) = ANY(${[...new Set(idNumbers)]}::text[])`;
  return people.matchable ? sql`${match} AND ${people.matchable}` : match;
}

export function createPortalSource<PersonRow, ApplicationRow, K extends bigint | number | string>(
  db: SqlClient,
  codes: ApplicationCodes,
  people: PortalPeople<PersonRow>,
  applications: PortalApplications<ApplicationRow, K>,
  aspects: PortalAspects,
): RegionalSource {
  const matched = sql`gateway.normalise_id_number(${people.idNumber}) AS "matchedIdNumber"`;
  type Matched<R> = R & { matchedIdNumber: string };

  return {
    async findPeople(idNumbers) {
      if (idNumbers.length === 0) return new Map();
      const rows = await db.$queryRaw<Matched<PersonRow>[]>(sql`
        SELECT ${matched}, ${people.select}
          FROM ${people.table}
         WHERE ${heldBy(people, idNumbers)}
         ORDER BY ${people.key}`);
      return groupRows<Matched<PersonRow>, LocalPerson>(idNumbers, rows, (row) => row.matchedIdNumber, people.map);
    },

    async applicationsByIdNumber(idNumbers) {
      if (idNumbers.length === 0) return new Map();
      const rows = await db.$queryRaw<Matched<ApplicationRow>[]>(sql`
        SELECT ${matched}, ${applications.select}
          FROM ${people.table} ${applications.fromPeople}
         WHERE ${heldBy(people, idNumbers)}
         ORDER BY ${people.key}, ${applications.key.column}`);
      return groupRows<Matched<ApplicationRow>, Application>(idNumbers, rows, (row) => row.matchedIdNumber, applications.map);
    },

    ...aspects,

    async listApplications(filter, page) {
      let after = empty;
      if (page.after !== null) {
        const key = applications.key.type.parse(page.after);
        if (key === null) throw invalidCursor();
        after = sql`AND ${applications.key.column} > ${keyValue(applications.key.type, key)}`;
      }
      const rows = await db.$queryRaw<ApplicationRow[]>(sql`
        SELECT ${applications.select}
          FROM ${applications.from}
         WHERE ${whereOf(applications, codes, filter)} ${after}
         ORDER BY ${applications.key.column}
         LIMIT ${page.first + 1}`);
      return { items: rows.slice(0, page.first).map(applications.map), hasNextPage: rows.length > page.first };
    },

    async listInSubmissionOrder(filter, segment, descending, limit) {
      const keyOf = (localId: string): Sql => {
        const key = applications.key.type.parse(localId);
        if (key === null) throw new InvalidPositionError('The position does not name an application of this region.');
        return keyValue(applications.key.type, key);
      };
      const { where, orderBy, micros } = segmentSql(applications.submittedAt ?? null, applications.key.column, keyOf, segment, descending);
      const rows = await db.$queryRaw<(ApplicationRow & { sortMicros: bigint | null })[]>(sql`
        SELECT ${applications.select}, ${micros} AS "sortMicros"
          FROM ${applications.from}
         WHERE ${whereOf(applications, codes, filter)} AND ${where}
         ORDER BY ${orderBy}
         LIMIT ${limit}`);
      return rows.map((row) => ({ application: applications.map(row), submittedAtMicros: row.sortMicros }));
    },

    async countApplications(filter) {
      const [row] = await db.$queryRaw<{ count: number }[]>(sql`
        SELECT count(*)::int AS "count" FROM ${applications.from} WHERE ${whereOf(applications, codes, filter)}`);
      return row?.count ?? 0;
    },

    async statistics(year, groupBy, options = {}) {
      const dimensions = [...new Set(groupBy)].filter((dimension): dimension is GroupedDimension => dimension in DIMENSIONS);
      const columns = dimensions.map((dimension) => sql`${applications.columns[DIMENSIONS[dimension]]} AS ${raw(`"${dimension}"`)}`);
      const grouped = dimensions.map((dimension) => applications.columns[DIMENSIONS[dimension]]);
      const rows = await db.$queryRaw<GroupRow[]>(sql`
        SELECT ${columns.length > 0 ? sql`${join(columns)},` : empty} count(*)::int AS "count"
               ${options.cellKeySeed === undefined ? empty : sql`, ${cellKeySql(applications.key.column, applications.key.type.sqlType, options.cellKeySeed)} AS "cellKey"`}
          FROM ${applications.from}
         WHERE ${year === null ? sql`TRUE` : sql`${applications.year} = ${year}::int`}
         ${grouped.length > 0 ? sql`GROUP BY ${join(grouped)}` : empty}`);
      // Without dimensions SQL gives one row, the total, even when it is 0: that is the answer.
      return mergeStatisticsGroups(
        rows.map((row): StatisticsGroup => {
          const has = (dimension: GroupedDimension) => dimensions.includes(dimension);
          return {
            series: has('SERIES') ? lookupShared(codes.series, row.SERIES ?? null) : null,
            specialty: has('SPECIALTY') ? (row.SPECIALTY ?? null) : null,
            level: has('LEVEL') ? lookupShared(codes.level, row.LEVEL ?? null) : null,
            reviewKind: has('REVIEW_KIND') ? lookupShared(codes.reviewKind, row.REVIEW_KIND ?? null) : null,
            status: has('STATUS') ? lookupShared(codes.status, row.STATUS ?? null) : null,
            count: row.count,
            ...(row.cellKey === undefined ? {} : { cellKey: row.cellKey }),
          };
        }),
      );
    },

    async impossibleBirthDates(today, limit) {
      const born = sql`gateway.id_number_birth_date(${people.idNumber})`;
      // The rows are found first, on their own (MATERIALIZED), through the birth-date index of the
      // migration birth_date_scan_index. Planned together with ORDER BY … LIMIT, the count over
      // all of them looked cheap to the planner as a walk of the key's index that stops early, and
      // it chose one that reads every row through the functions (13 s of wlmq's 300,000 declarations).
      const rows = await db.$queryRaw<{ localId: string; total: number }[]>(sql`
        WITH found AS MATERIALIZED (
          SELECT ${people.key} AS "key"
            FROM ${people.table}
           WHERE gateway.normalise_id_number(${people.idNumber}) IS NOT NULL
             AND (${born} IS NULL OR ${born} < ${EARLIEST_BIRTH_DATE} OR ${born} > ${today})
             ${people.matchable ? sql`AND ${people.matchable}` : empty})
        SELECT ("key")::text AS "localId", (count(*) OVER ())::int AS "total"
          FROM found
         ORDER BY "key"
         LIMIT ${limit}`);
      // The table as the portal names it, for the data-quality events (its SQL text, unquoted).
      return { table: people.table.sql.replaceAll('"', ''), localIds: rows.map((row) => row.localId), total: rows[0]?.total ?? 0 };
    },

    async countedApplicationsInYear(year, localIds) {
      // The counting policy as a filter on the local codes: the same translation the lists use.
      const counted = whereOf(applications, codes, { year, reviewKind: [...COUNTED_REVIEW_KINDS], status: [...COUNTED_STATUSES] });
      let only = empty;
      if (localIds !== undefined) {
        const keys = parseKeys(applications.key.type, localIds);
        if (keys.length === 0) return [];
        only = sql`AND ${applications.key.column} = ANY(${keyArray(applications.key.type, keys)})`;
      }
      const rows = await db.$queryRaw<Array<{ matchedIdNumber: string | null; localId: string }>>(sql`
        SELECT ${matched}, (${applications.key.column})::text AS "localId"
          FROM ${people.table} ${applications.fromPeople}
         WHERE ${counted} ${only} ${people.matchable ? sql`AND ${people.matchable}` : empty}`);
      return rows.flatMap((row) => (row.matchedIdNumber === null ? [] : [{ idNumber: row.matchedIdNumber, localId: row.localId }]));
    },

    async ping() {
      await db.$queryRaw(sql`SELECT 1`);
    },
  };
}
