/**
 * The wlmq portal as a RegionalSource (subgraphs/template/source.ts). The portal keeps one row per
 * declaration with the person copied into each, so a "local person" here is a declaration: its
 * "declarationNo" is the localId, and a person who declared in several years is several local
 * people with the same ID number.
 *
 * Every batch method issues one SQL statement however many keys it gets (none for no keys, and
 * none at all for assessments, which the portal does not record). Filters on the review year go
 * through gateway.wlmq_review_year in SQL, which the year indexes serve, so they use $queryRaw.
 */
import { mergeStatisticsGroups } from '../template/statistics.js';
import type { Application, Assessment, IntegrityRecord, Qualification } from '../../domain/types.js';
import { Prisma, type PrismaClient } from '../../generated/prisma/wlmq/client.js';
import type { DataQualityReporter } from '../template/dataQuality.js';
import { wallClockToBeijing } from '../template/dates.js';
import type {
  ApplicationFilter,
  LocalPerson,
  Page,
  PageRequest,
  RegionalSource,
  StatisticsDimension,
  StatisticsGroup,
} from '../template/source.js';
import {
  dedupeIdentical,
  levelOf,
  localFlowStates,
  localSeriesNames,
  localTargetTitles,
  localWays,
  mapApplication,
  mapIntegrityRecord,
  mapProfile,
  mapTitleHistory,
  NON_RESIDENT_CERT_TYPES,
  reviewKindOf,
  seriesOf,
  statusOf,
  type DeclarationApplicationRow,
  type DeclarationCreditRow,
  type DeclarationProfileRow,
  type DeclarationTitleHistoryRow,
} from './mapping.js';
import type { LocalValueFilter } from '../template/lookups.js';

const APPLICATION_COLUMNS = Prisma.sql`"declarationNo", "reviewYear", "seriesName", "majorName", "targetTitle", "way", "flowState", "returnTimes"`;

const applicationSelect = {
  declarationNo: true,
  reviewYear: true,
  seriesName: true,
  majorName: true,
  targetTitle: true,
  way: true,
  flowState: true,
  returnTimes: true,
} as const;

const REVIEW_YEAR = Prisma.sql`gateway.wlmq_review_year("reviewYear")`;

/** A passport or permit holder has no resident ID number, so is never matched by one. */
const holdsResidentId = (table: 'k' | 'o' | '"Declaration"'): Prisma.Sql =>
  Prisma.sql`(${Prisma.raw(`${table}."certType"`)} IS NULL OR ${Prisma.raw(`${table}."certType"`)} <> ALL(${[...NON_RESIDENT_CERT_TYPES]}::text[]))`;

/** A person's number as every lookup matches it: the expression the portal's index is on. */
const ID_NUMBER = Prisma.sql`gateway.normalise_id_number("Declaration"."certNo")`;

/**
 * The declarations of these people: by the normalised number, and only where it is a resident ID
 * number. findPeople and applicationsByIdNumber both use it, so that they cannot disagree on who a
 * person is.
 */
const heldBy = (idNumbers: readonly string[]): Prisma.Sql =>
  Prisma.sql`${ID_NUMBER} = ANY(${[...idNumbers]}::text[]) AND ${holdsResidentId('"Declaration"')}`;

/** The rows whose `column` maps to one of the shared values the filter was built from. */
function matchesLocal(
  column: '"seriesName"' | '"targetTitle"' | '"way"' | '"flowState"',
  filter: LocalValueFilter<string>,
): Prisma.Sql {
  const col = Prisma.raw(column);
  const alternatives: Prisma.Sql[] = [];
  if (filter.values.length > 0) alternatives.push(Prisma.sql`${col} = ANY(${filter.values}::text[])`);
  // UNKNOWN: what the mapping would call UNKNOWN, that is NULL and every value outside its table.
  if (filter.unknown) alternatives.push(Prisma.sql`${col} IS NULL OR ${col} <> ALL(${filter.known}::text[])`);
  return alternatives.length > 0 ? Prisma.sql`(${Prisma.join(alternatives, ' OR ')})` : Prisma.sql`FALSE`;
}

/**
 * The WHERE clause of a filter. A list filter that is given but empty matches nothing: no shared
 * value was asked for.
 */
function whereOf(filter: ApplicationFilter): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  if (filter.year !== null && filter.year !== undefined) conditions.push(Prisma.sql`${REVIEW_YEAR} = ${filter.year}::int`);
  if (filter.series) conditions.push(matchesLocal('"seriesName"', localSeriesNames(filter.series)));
  if (filter.specialty) conditions.push(Prisma.sql`"majorName" = ANY(${[...filter.specialty]}::text[])`);
  if (filter.level) conditions.push(matchesLocal('"targetTitle"', localTargetTitles(filter.level)));
  if (filter.reviewKind) conditions.push(matchesLocal('"way"', localWays(filter.reviewKind)));
  if (filter.status) conditions.push(matchesLocal('"flowState"', localFlowStates(filter.status)));
  return conditions.length > 0 ? Prisma.join(conditions, ' AND ') : Prisma.sql`TRUE`;
}

type GroupColumn = 'seriesName' | 'majorName' | 'targetTitle' | 'way' | 'flowState';

interface StatisticsColumn {
  column: GroupColumn;
  /** Puts the shared value of the local one into the group. */
  assign(group: StatisticsGroup, local: string | null): void;
}

// REGION is constant within a region: nothing to group by.
const STATISTICS_COLUMNS: Readonly<Partial<Record<StatisticsDimension, StatisticsColumn>>> = {
  SERIES: { column: 'seriesName', assign: (group, local) => (group.series = seriesOf(local)) },
  SPECIALTY: { column: 'majorName', assign: (group, local) => (group.specialty = local) },
  LEVEL: { column: 'targetTitle', assign: (group, local) => (group.level = levelOf(local)) },
  REVIEW_KIND: { column: 'way', assign: (group, local) => (group.reviewKind = reviewKindOf(local)) },
  STATUS: { column: 'flowState', assign: (group, local) => (group.status = statusOf(local)) },
};

type LocalGroupRow = Partial<Record<GroupColumn, string | null>> & { count: number };

type HistoryColumn = 'titleHistory' | 'creditFlag' | 'creditUntil';

/** A declaration read for `key`: the key's own row, or an earlier declaration of the same person. */
interface PersonHistoryRow {
  key: string;
  declarationNo: string;
}

function emptyMap<V>(keys: readonly string[]): Map<string, V[]> {
  return new Map(keys.map((key) => [key, []]));
}

export function createWlmqSource(prisma: PrismaClient, report: DataQualityReporter): RegionalSource {
  // Earlier declarations are read only to know what the person already had: their own issues are
  // reported when they are asked for themselves.
  const silent: DataQualityReporter = () => {};

  /**
   * For each key, its declaration's `columns`, and the same columns of every earlier declaration
   * (lower "declarationNo") of the same person (same normalised ID number), in one statement. The
   * second half joins through the ID-number expression index.
   */
  async function withEarlierDeclarations<Row extends PersonHistoryRow>(
    keys: readonly string[],
    columns: readonly HistoryColumn[],
  ): Promise<Row[]> {
    const select = (alias: string) =>
      Prisma.raw(['declarationNo', ...columns].map((column) => `${alias}."${column}"`).join(', '));
    const own = select('k');
    const earlier = select('o');
    return prisma.$queryRaw<Row[]>`
      SELECT k."declarationNo" AS "key", ${own}
        FROM "Declaration" k
       WHERE k."declarationNo" = ANY(${[...keys]}::text[])
      UNION ALL
      SELECT k."declarationNo" AS "key", ${earlier}
        FROM "Declaration" k
        JOIN "Declaration" o
          ON gateway.normalise_id_number(o."certNo") = gateway.normalise_id_number(k."certNo")
         AND o."declarationNo" < k."declarationNo"
       WHERE k."declarationNo" = ANY(${[...keys]}::text[])
         AND ${holdsResidentId('k')} AND ${holdsResidentId('o')}`;
  }

  /**
   * What each key's declaration adds to the person's earlier declarations. Concatenated over all
   * of a person's declarations (as findPeople returns them), each identical entry appears once.
   */
  async function addedByEachDeclaration<Row extends PersonHistoryRow, T>(
    keys: readonly string[],
    columns: readonly HistoryColumn[],
    mapRow: (row: Row, report: DataQualityReporter) => T[],
  ): Promise<Map<string, T[]>> {
    const result = emptyMap<T>(keys);
    if (keys.length === 0) return result;
    const rows = await withEarlierDeclarations<Row>(keys, columns);
    const earlier = new Map<string, Set<string>>();
    for (const row of rows) {
      if (row.declarationNo === row.key) continue;
      const seen = earlier.get(row.key) ?? new Set<string>();
      for (const entry of mapRow(row, silent)) seen.add(JSON.stringify(entry));
      earlier.set(row.key, seen);
    }
    for (const row of rows) {
      if (row.declarationNo !== row.key) continue;
      const seen = earlier.get(row.key);
      const added = mapRow(row, report).filter((entry) => !seen?.has(JSON.stringify(entry)));
      result.set(row.key, dedupeIdentical(added));
    }
    return result;
  }

  return {
    async findPeople(idNumbers) {
      const people = emptyMap<LocalPerson>(idNumbers);
      if (idNumbers.length === 0) return people;
      const rows = await prisma.$queryRaw<(DeclarationProfileRow & { idNumber: string; updatedAt: Date | null })[]>`
        SELECT ${ID_NUMBER} AS "idNumber",
               "declarationNo", "name", "sex", "nation", "politics", "unitName", "zone", "updatedAt"
          FROM "Declaration"
         WHERE ${heldBy(idNumbers)}
         ORDER BY "declarationNo"`;
      for (const row of rows) {
        people.get(row.idNumber)?.push({
          localId: row.declarationNo,
          profile: mapProfile(row, report),
          updatedAt: wallClockToBeijing(row.updatedAt),
        });
      }
      return people;
    },

    async applicationsByIdNumber(idNumbers) {
      const applications = emptyMap<Application>(idNumbers);
      if (idNumbers.length === 0) return applications;
      // A declaration is both the person and the application: findPeople's match, applicationsOf's columns.
      const rows = await prisma.$queryRaw<(DeclarationApplicationRow & { idNumber: string })[]>`
        SELECT ${ID_NUMBER} AS "idNumber", ${APPLICATION_COLUMNS}
          FROM "Declaration"
         WHERE ${heldBy(idNumbers)}
         ORDER BY "declarationNo"`;
      for (const { idNumber, ...row } of rows) applications.get(idNumber)?.push(mapApplication(row, report));
      return applications;
    },

    async applicationsOf(localIds) {
      const applications = emptyMap<Application>(localIds);
      if (localIds.length === 0) return applications;
      const rows = await prisma.declaration.findMany({
        where: { declarationNo: { in: [...localIds] } },
        select: applicationSelect,
        orderBy: { declarationNo: 'asc' },
      });
      for (const row of rows) applications.get(row.declarationNo)?.push(mapApplication(row, report));
      return applications;
    },

    qualificationsOf(localIds): Promise<Map<string, Qualification[]>> {
      return addedByEachDeclaration<PersonHistoryRow & DeclarationTitleHistoryRow, Qualification>(
        localIds,
        ['titleHistory'],
        mapTitleHistory,
      );
    },

    integrityRecordsOf(localIds): Promise<Map<string, IntegrityRecord[]>> {
      return addedByEachDeclaration<PersonHistoryRow & DeclarationCreditRow, IntegrityRecord>(
        localIds,
        ['creditFlag', 'creditUntil'],
        (row) => {
          const record = mapIntegrityRecord(row);
          return record ? [record] : [];
        },
      );
    },

    async assessmentsOf(localIds) {
      return emptyMap<Assessment>(localIds);
    },

    async listApplications(filter: ApplicationFilter, page: PageRequest): Promise<Page<Application>> {
      const after = page.after === null ? Prisma.empty : Prisma.sql`AND "declarationNo" > ${page.after}`;
      const rows = await prisma.$queryRaw<DeclarationApplicationRow[]>`
        SELECT ${APPLICATION_COLUMNS}
          FROM "Declaration"
         WHERE ${whereOf(filter)} ${after}
         ORDER BY "declarationNo"
         LIMIT ${page.first + 1}`;
      return {
        items: rows.slice(0, page.first).map((row) => mapApplication(row, report)),
        hasNextPage: rows.length > page.first,
      };
    },

    async countApplications(filter) {
      const [row] = await prisma.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS "count" FROM "Declaration" WHERE ${whereOf(filter)}`;
      return row?.count ?? 0;
    },

    async statistics(year, groupBy) {
      const dimensions = [...new Set(groupBy)].flatMap((dimension) => {
        const column = STATISTICS_COLUMNS[dimension];
        return column ? [column] : [];
      });
      const columns = dimensions.map(({ column }) => Prisma.raw(`"${column}"`));
      const where = year === null ? Prisma.sql`TRUE` : Prisma.sql`${REVIEW_YEAR} = ${year}::int`;
      const rows = await prisma.$queryRaw<LocalGroupRow[]>`
        SELECT ${columns.length > 0 ? Prisma.sql`${Prisma.join(columns)},` : Prisma.empty} count(*)::int AS "count"
          FROM "Declaration"
         WHERE ${where}
         ${columns.length > 0 ? Prisma.sql`GROUP BY ${Prisma.join(columns)}` : Prisma.empty}`;
      // Without dimensions SQL gives one row, the total, even when it is 0: that is the answer.
      return mergeStatisticsGroups(
        rows.map((row) => {
          const group: StatisticsGroup = { series: null, specialty: null, level: null, reviewKind: null, status: null, count: row.count };
          for (const { column, assign } of dimensions) assign(group, row[column] ?? null);
          return group;
        }),
      );
    },

    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
  };
}
