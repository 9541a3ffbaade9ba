/**
 * The aks portal as a RegionalSource: its rows read through its Prisma client and mapped by
 * ./mapping.ts. Every batch method issues a fixed number of statements however many keys it gets
 * (subgraphs/template/source.ts).
 */
import { mergeStatisticsGroups } from '../template/statistics.js';
import type { Application } from '../../domain/types.js';
import { Prisma, type ApplyRecord, type PrismaClient } from '../../generated/prisma/aks/client.js';
import type { DataQualityReporter } from '../template/dataQuality.js';
import { instantToBeijing } from '../template/dates.js';
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
  levelOf,
  localLevelCodes,
  localSeriesCodes,
  localStates,
  localTracks,
  mapApplication,
  mapAssessment,
  mapIntegrityRecord,
  mapProfile,
  mapQualification,
  reviewKindOf,
  seriesOf,
  statusOf,
  type ApplicantProfileRow,
  type AssessmentRow,
} from './mapping.js';
import type { LocalValueFilter } from '../template/lookups.js';

const INT4_MAX = 2_147_483_647;

/** A portal key (a PostgreSQL `serial`) from its text form; null when the text names no row. */
function parseKey(text: string): number | null {
  if (!/^(0|[1-9][0-9]{0,9})$/.test(text)) return null;
  const key = Number(text);
  return key <= INT4_MAX ? key : null;
}

function parseKeys(localIds: readonly string[]): number[] {
  return [...new Set(localIds.map(parseKey).filter((key): key is number => key !== null))];
}

/** A Map with an entry for every key asked for, filled from rows in their order. */
function groupByKey<R, V>(
  localIds: readonly string[],
  rows: readonly R[],
  keyOf: (row: R) => number | null,
  map: (row: R) => V,
): Map<string, V[]> {
  const result = new Map<string, V[]>(localIds.map((key) => [key, []]));
  for (const row of rows) {
    const key = keyOf(row);
    if (key !== null) result.get(String(key))?.push(map(row));
  }
  return result;
}

type ColumnCondition<L> = { in: L[] } | { notIn: L[] } | null;

/**
 * Rows whose local value is one of `lookup.values`, plus, when UNKNOWN was asked for, rows whose
 * value is NULL or outside the mapping table.
 */
function matchLocal<L>(
  lookup: LocalValueFilter<L>,
  on: (condition: ColumnCondition<L>) => Prisma.ApplyRecordWhereInput,
): Prisma.ApplyRecordWhereInput {
  const any: Prisma.ApplyRecordWhereInput[] = [on({ in: lookup.values })];
  if (lookup.unknown) any.push(on(null), on({ notIn: lookup.known }));
  return { OR: any };
}

function applicationWhere(filter: ApplicationFilter): Prisma.ApplyRecordWhereInput {
  const all: Prisma.ApplyRecordWhereInput[] = [];
  // The year lives on the batch (indexes batch(year, code) and apply_record(batch_code, id)).
  if (filter.year != null) all.push({ batch: { year: filter.year } });
  if (filter.series) all.push(matchLocal(localSeriesCodes(filter.series), (seriesCode) => ({ seriesCode })));
  if (filter.specialty) all.push({ specialty: { in: [...filter.specialty] } });
  if (filter.level) all.push(matchLocal(localLevelCodes(filter.level), (levelCode) => ({ levelCode })));
  if (filter.reviewKind) all.push(matchLocal(localTracks(filter.reviewKind), (track) => ({ track })));
  if (filter.status) all.push(matchLocal(localStates(filter.status), (state) => ({ state })));
  return { AND: all };
}

/** The one relation an application needs: its batch's year, read in one more statement for all rows. */
const WITH_YEAR = { batch: { select: { year: true } } } as const;

/** The apply_record columns behind each statistics dimension (REGION is constant here). */
const DIMENSION_COLUMNS = {
  SERIES: 'seriesCode',
  SPECIALTY: 'specialty',
  LEVEL: 'levelCode',
  REVIEW_KIND: 'track',
  STATUS: 'state',
} as const satisfies Record<Exclude<StatisticsDimension, 'REGION'>, Prisma.ApplyRecordScalarFieldEnum>;

type LocalGroup = {
  seriesCode?: string | null;
  specialty?: string | null;
  levelCode?: number | null;
  track?: string | null;
  state?: string | null;
  _count: { _all: number };
};

function sharedGroup(group: LocalGroup, dimensions: ReadonlySet<StatisticsDimension>): StatisticsGroup {
  return {
    series: dimensions.has('SERIES') ? seriesOf(group.seriesCode ?? null) : null,
    specialty: dimensions.has('SPECIALTY') ? (group.specialty ?? null) : null,
    level: dimensions.has('LEVEL') ? levelOf(group.levelCode ?? null) : null,
    reviewKind: dimensions.has('REVIEW_KIND') ? reviewKindOf(group.track ?? null) : null,
    status: dimensions.has('STATUS') ? statusOf(group.state ?? null) : null,
    count: group._count._all,
  };
}

/** An applicant row as findPeople's SQL returns it: the profile columns and the normalised number. */
type PersonRow = ApplicantProfileRow & { normalised: string };

/** A person's number as every lookup matches it: the expression the index gateway_applicant_id_number is on. */
const ID_NUMBER = Prisma.sql`gateway.normalise_id_number(applicant.id_card)`;

/**
 * The applicant rows of these people. The same expression as the index, so the index serves it;
 * the function also turns the migrated 15-digit numbers into the 18-character form asked for.
 * id_card itself is never selected. findPeople and applicationsByIdNumber both use it, so that
 * they cannot disagree on who a person is.
 */
const heldBy = (idNumbers: readonly string[]): Prisma.Sql => Prisma.sql`${ID_NUMBER} = ANY(${[...idNumbers]}::text[])`;

export function createAksSource(prisma: PrismaClient, report: DataQualityReporter): RegionalSource {
  const toApplication = (row: Parameters<typeof mapApplication>[0]): Application => mapApplication(row, report);

  return {
    async findPeople(idNumbers) {
      const result = new Map<string, LocalPerson[]>(idNumbers.map((id) => [id, []]));
      if (idNumbers.length === 0) return result;
      const rows = await prisma.$queryRaw<PersonRow[]>`
        SELECT ${ID_NUMBER} AS normalised,
               id, full_name AS "fullName", gender_code AS "genderCode", ethnic_code AS "ethnicCode",
               political_code AS "politicalCode", employer, employer_kind AS "employerKind",
               civil_servant AS "civilServant", retired, sanction_until AS "sanctionUntil",
               created_at AS "createdAt"
          FROM applicant
         WHERE ${heldBy(idNumbers)}
         ORDER BY id`;
      for (const { normalised, ...row } of rows) {
        result.get(normalised)?.push({
          localId: String(row.id),
          profile: mapProfile(row, report),
          // The portal records no change time; the creation time is the newest it has.
          updatedAt: instantToBeijing(row.createdAt),
        });
      }
      return result;
    },

    async applicationsByIdNumber(idNumbers) {
      const result = new Map<string, Application[]>(idNumbers.map((id) => [id, []]));
      if (idNumbers.length === 0) return result;
      // The columns under the Prisma model's field names (prisma/aks/schema.prisma) and the batch's
      // year nested as WITH_YEAR gives it, so that the rows map as applicationsOf's do.
      const rows = await prisma.$queryRaw<(ApplyRecord & { normalised: string; batchYear: number })[]>`
        SELECT ${ID_NUMBER} AS normalised,
               r.id, r.applicant_id AS "applicantId", r.batch_code AS "batchCode", r.series_code AS "seriesCode",
               r.specialty, r.level_code AS "levelCode", r.track, r.state, r.submit_count AS "submitCount",
               r.submitted_at AS "submittedAt", r.fee_cents AS "feeCents", r.defense_required AS "defenseRequired",
               b.year AS "batchYear"
          FROM applicant
          JOIN apply_record r ON r.applicant_id = applicant.id
          JOIN batch b ON b.code = r.batch_code
         WHERE ${heldBy(idNumbers)}
         ORDER BY applicant.id, r.id`;
      for (const { normalised, batchYear, ...row } of rows) result.get(normalised)?.push(toApplication({ ...row, batch: { year: batchYear } }));
      return result;
    },

    async applicationsOf(localIds) {
      const keys = parseKeys(localIds);
      const rows =
        keys.length === 0
          ? []
          : await prisma.applyRecord.findMany({
              where: { applicantId: { in: keys } },
              include: WITH_YEAR,
              orderBy: { id: 'asc' },
            });
      return groupByKey(localIds, rows, (row) => row.applicantId, toApplication);
    },

    async qualificationsOf(localIds) {
      const keys = parseKeys(localIds);
      const rows =
        keys.length === 0
          ? []
          : await prisma.titleHeld.findMany({ where: { applicantId: { in: keys } }, orderBy: { id: 'asc' } });
      return groupByKey(localIds, rows, (row) => row.applicantId, (row) => mapQualification(row, report));
    },

    async integrityRecordsOf(localIds) {
      const keys = parseKeys(localIds);
      const rows =
        keys.length === 0
          ? []
          : await prisma.blacklist.findMany({ where: { applicantId: { in: keys } }, orderBy: { id: 'asc' } });
      return groupByKey(localIds, rows, (row) => row.applicantId, mapIntegrityRecord);
    },

    async assessmentsOf(localIds) {
      const keys = parseKeys(localIds);
      // The table has no key, so Prisma ignores its model: read it with SQL.
      const rows =
        keys.length === 0
          ? []
          : await prisma.$queryRaw<AssessmentRow[]>`
              SELECT applicant_id AS "applicantId", year, result
                FROM assessment
               WHERE applicant_id = ANY(${keys}::int[])
               ORDER BY applicant_id, year, result`;
      return groupByKey(localIds, rows, (row) => row.applicantId, (row) => mapAssessment(row, report));
    },

    async listApplications(filter, page: PageRequest): Promise<Page<Application>> {
      const after = page.after === null ? null : parseKey(page.after);
      if (page.after !== null && after === null) {
        throw new TypeError('The cursor does not name an aks application.');
      }
      const rows = await prisma.applyRecord.findMany({
        where: after === null ? applicationWhere(filter) : { AND: [applicationWhere(filter), { id: { gt: after } }] },
        include: WITH_YEAR,
        orderBy: { id: 'asc' },
        take: page.first + 1,
      });
      return { items: rows.slice(0, page.first).map(toApplication), hasNextPage: rows.length > page.first };
    },

    countApplications(filter) {
      return prisma.applyRecord.count({ where: applicationWhere(filter) });
    },

    async statistics(year, groupBy) {
      const dimensions = new Set(groupBy.filter((dimension) => dimension !== 'REGION'));
      const where: Prisma.ApplyRecordWhereInput = year === null ? {} : { batch: { year } };
      const by = [...dimensions].map((dimension) => DIMENSION_COLUMNS[dimension]);
      if (by.length === 0) {
        const count = await prisma.applyRecord.count({ where });
        return [sharedGroup({ _count: { _all: count } }, dimensions)];
      }
      const groups = await prisma.applyRecord.groupBy({ by, where, _count: { _all: true } });
      return mergeStatisticsGroups(groups.map((group) => sharedGroup(group, dimensions)));
    },

    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
  };
}
