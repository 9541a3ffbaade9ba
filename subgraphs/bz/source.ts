/**
 * The bz portal (巴州职称管理系统) as a RegionalSource: reads its tables (../shared/PORTALS.md "bz")
 * through the bz Prisma client and maps them with ./mapping.ts. Every batch method issues one SQL
 * statement however many keys it gets (subgraphs/template/source.ts).
 */
import { mergeStatisticsGroups } from '../template/statistics.js';
import type { Application } from '../../domain/types.js';
import { Prisma, type Application as ApplicationRow, type PrismaClient } from '../../generated/prisma/bz/client.js';
import type { DataQualityReporter } from '../template/dataQuality.js';
import { wallClockToBeijing } from '../template/dates.js';
import type {
  ApplicationFilter,
  LocalPerson,
  Page,
  RegionalSource,
  StatisticsDimension,
  StatisticsGroup,
} from '../template/source.js';
import {
  levelFromLocal,
  localLevelValues,
  localReviewKindValues,
  localSeriesValues,
  localStatusValues,
  mapApplication,
  mapAssessment,
  mapIntegrityRecord,
  mapProfile,
  mapQualification,
  reviewKindFromLocal,
  seriesFromLocal,
  statusFromLocal,
  type AssessmentRow,
} from './mapping.js';
import type { LocalValueFilter } from '../template/lookups.js';

/** PostgreSQL's bigint, the type of every bz key. */
const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** A portal key as text (`ryid`, `sqsid`) to bigint; null when it cannot be one. */
function parseKey(text: string): bigint | null {
  if (!/^[0-9]{1,19}$/.test(text)) return null;
  const key = BigInt(text);
  return key <= MAX_BIGINT ? key : null;
}

/** A cursor that is not one of our keys is the client's mistake: say so without echoing it. */
export class InvalidCursorError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor() {
    super('The cursor does not name a bz application.');
    this.name = 'InvalidCursorError';
  }
}

/**
 * One entry per key asked for, the rows grouped by person. Keys are compared as numbers, so that
 * `007` finds person 7; a key that cannot be a `ryid` gets an empty list.
 */
function groupByPerson<R, V>(
  localIds: readonly string[],
  rows: readonly R[],
  personOf: (row: R) => bigint | null,
  map: (row: R) => V,
): Map<string, V[]> {
  const byPerson = new Map<string, V[]>();
  for (const row of rows) {
    const person = personOf(row);
    if (person === null) continue;
    const key = person.toString();
    const list = byPerson.get(key) ?? [];
    list.push(map(row));
    byPerson.set(key, list);
  }
  const result = new Map<string, V[]>();
  for (const localId of localIds) result.set(localId, byPerson.get(parseKey(localId)?.toString() ?? '') ?? []);
  return result;
}

function personKeys(localIds: readonly string[]): bigint[] {
  return [...new Set(localIds.map(parseKey).filter((key): key is bigint => key !== null))];
}

/**
 * Rows whose column holds one of `filter.values`; with UNKNOWN asked for, also rows where it is
 * NULL or a value no mapping knows (`NOT IN` alone would miss NULL).
 */
function matching<L>(
  filter: LocalValueFilter<L>,
  on: (condition: { in: L[] } | { notIn: L[] } | null) => Prisma.ApplicationWhereInput,
): Prisma.ApplicationWhereInput {
  const alternatives = [on({ in: filter.values })];
  if (filter.unknown) alternatives.push(on(null), on({ notIn: filter.known }));
  return { OR: alternatives };
}

/**
 * The filter in SQL terms. A list filter matches any of its values, so an empty list matches
 * nothing; an absent (null) one does not filter.
 */
function whereOf(filter: ApplicationFilter): Prisma.ApplicationWhereInput[] {
  const where: Prisma.ApplicationWhereInput[] = [];
  if (filter.year != null) where.push({ year: filter.year });
  if (filter.series) where.push(matching(localSeriesValues(filter.series), (c) => ({ series: c })));
  if (filter.specialty) where.push({ specialty: { in: [...filter.specialty] } });
  if (filter.level) where.push(matching(localLevelValues(filter.level), (c) => ({ level: c })));
  if (filter.reviewKind) where.push(matching(localReviewKindValues(filter.reviewKind), (c) => ({ reviewKind: c })));
  if (filter.status) where.push(matching(localStatusValues(filter.status), (c) => ({ status: c })));
  return where;
}

/** The `sb_sqs` column each statistics dimension groups by; REGION is constant within bz. */
/** A person's number as every lookup matches it: the expression the index gateway_ry_jbxx_id_number is on. */
const ID_NUMBER = Prisma.sql`gateway.normalise_id_number(ry_jbxx.sfzh)`;

/**
 * The ry_jbxx rows of these people, matched on the SQL normalisation so that the expression index
 * serves it whatever noise the number was typed with; sfzh itself is never read. findPeople and
 * applicationsByIdNumber both use it, so that they cannot disagree on who a person is.
 */
const heldBy = (idNumbers: readonly string[]): Prisma.Sql => Prisma.sql`${ID_NUMBER} = ANY(${[...new Set(idNumbers)]}::text[])`;

const GROUP_COLUMNS = {
  SERIES: 'series',
  SPECIALTY: 'specialty',
  LEVEL: 'level',
  REVIEW_KIND: 'reviewKind',
  STATUS: 'status',
} as const satisfies Partial<Record<StatisticsDimension, Prisma.ApplicationScalarFieldEnum>>;

type GroupedDimension = keyof typeof GROUP_COLUMNS;

function isGrouped(dimension: StatisticsDimension): dimension is GroupedDimension {
  return dimension in GROUP_COLUMNS;
}

interface PersonQueryRow {
  id_number: string;
  ryid: bigint;
  xm: string;
  xb: string | null;
  mz: string | null;
  zzmm: string | null;
  gzdw: string | null;
  dwxz: string | null;
  szxs: string | null;
  lrsj: Date | null;
}

export function createBzSource(prisma: PrismaClient, report: DataQualityReporter): RegionalSource {
  return {
    async findPeople(idNumbers) {
      const result = new Map<string, LocalPerson[]>(idNumbers.map((idNumber) => [idNumber, []]));
      if (idNumbers.length === 0) return result;
      const rows = await prisma.$queryRaw<PersonQueryRow[]>`
        SELECT ${ID_NUMBER} AS id_number, ryid, xm, xb, mz, zzmm, gzdw, dwxz, szxs, lrsj
        FROM ry_jbxx
        WHERE ${heldBy(idNumbers)}
        ORDER BY ryid`;
      for (const row of rows) {
        result.get(row.id_number)?.push({
          localId: row.ryid.toString(),
          profile: mapProfile(
            {
              id: row.ryid,
              name: row.xm,
              gender: row.xb,
              ethnicity: row.mz,
              politicalStatus: row.zzmm,
              employer: row.gzdw,
              employerKind: row.dwxz,
              county: row.szxs,
            },
            report,
          ),
          // bz keeps no time of last change, only 录入时间: the row entered last is the newest.
          updatedAt: wallClockToBeijing(row.lrsj),
        });
      }
      return result;
    },

    async applicationsByIdNumber(idNumbers) {
      const result = new Map<string, Application[]>(idNumbers.map((idNumber) => [idNumber, []]));
      if (idNumbers.length === 0) return result;
      // The columns under the Prisma model's field names (prisma/bz/schema.prisma), so that the
      // rows map as applicationsOf's do.
      const rows = await prisma.$queryRaw<(ApplicationRow & { id_number: string })[]>`
        SELECT ${ID_NUMBER} AS id_number,
               a.sqsid AS "id", a.ryid AS "personId", a.pcdm AS "batchCode", a.sbnd AS "year", a.xl AS "series",
               a.zy AS "specialty", a.sbjb AS "level", a.pslb AS "reviewKind", a.zt AS "status",
               a.tjcs AS "submissionCount", a.zhtjsj AS "lastSubmittedAt", a.dbzt AS "defenceStatus", a.jfje AS "feePaid"
          FROM ry_jbxx
          JOIN sb_sqs a ON a.ryid = ry_jbxx.ryid
         WHERE ${heldBy(idNumbers)}
         ORDER BY ry_jbxx.ryid, a.sqsid`;
      for (const { id_number: idNumber, ...row } of rows) result.get(idNumber)?.push(mapApplication(row, report));
      return result;
    },

    async applicationsOf(localIds) {
      const rows = await prisma.application.findMany({
        where: { personId: { in: personKeys(localIds) } },
        orderBy: { id: 'asc' },
      });
      return groupByPerson(localIds, rows, (row) => row.personId, (row) => mapApplication(row, report));
    },

    async qualificationsOf(localIds) {
      const rows = await prisma.qualification.findMany({
        where: { personId: { in: personKeys(localIds) } },
        orderBy: { id: 'asc' },
      });
      return groupByPerson(localIds, rows, (row) => row.personId, (row) => mapQualification(row, report));
    },

    async integrityRecordsOf(localIds) {
      const rows = await prisma.integrityRecord.findMany({
        where: { personId: { in: personKeys(localIds) } },
        orderBy: { id: 'asc' },
      });
      return groupByPerson(localIds, rows, (row) => row.personId, mapIntegrityRecord);
    },

    async assessmentsOf(localIds) {
      // ry_ndkh has no key, so Prisma ignores its model (prisma/bz/schema.prisma): plain SQL.
      const rows = await prisma.$queryRaw<AssessmentRow[]>`
        SELECT ryid, khnd, khjg FROM ry_ndkh
        WHERE ryid = ANY(${personKeys(localIds)}::bigint[])
        ORDER BY ryid, khnd`;
      return groupByPerson(localIds, rows, (row) => row.ryid, (row) => mapAssessment(row, report));
    },

    async listApplications(filter, page): Promise<Page<Application>> {
      const where = whereOf(filter);
      if (page.after !== null) {
        const after = parseKey(page.after);
        if (after === null) throw new InvalidCursorError();
        where.push({ id: { gt: after } });
      }
      const rows = await prisma.application.findMany({
        where: { AND: where },
        orderBy: { id: 'asc' },
        take: page.first + 1,
      });
      return {
        items: rows.slice(0, page.first).map((row) => mapApplication(row, report)),
        hasNextPage: rows.length > page.first,
      };
    },

    countApplications(filter) {
      return prisma.application.count({ where: { AND: whereOf(filter) } });
    },

    async statistics(year, groupBy) {
      const where: Prisma.ApplicationWhereInput = year === null ? {} : { year };
      const dimensions = [...new Set(groupBy.filter(isGrouped))];
      const empty: StatisticsGroup = { series: null, specialty: null, level: null, reviewKind: null, status: null, count: 0 };
      if (dimensions.length === 0) return [{ ...empty, count: await prisma.application.count({ where }) }];

      const groups = await prisma.application.groupBy({
        by: dimensions.map((dimension) => GROUP_COLUMNS[dimension]),
        where,
        _count: { _all: true },
      });
      return mergeStatisticsGroups(
        groups.map((group) => ({
          series: dimensions.includes('SERIES') ? seriesFromLocal(group.series ?? null) : null,
          specialty: dimensions.includes('SPECIALTY') ? (group.specialty ?? null) : null,
          level: dimensions.includes('LEVEL') ? levelFromLocal(group.level ?? null) : null,
          reviewKind: dimensions.includes('REVIEW_KIND') ? reviewKindFromLocal(group.reviewKind ?? null) : null,
          status: dimensions.includes('STATUS') ? statusFromLocal(group.status ?? null) : null,
          count: group._count._all,
        })),
      );
    },

    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
  };
}
