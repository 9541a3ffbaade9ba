/**
 * The wlmq portal (乌鲁木齐市职称评审系统) as a RegionalSource: its one table described for the kit
 * (subgraphs/template/portalSource.ts), which writes the queries, and the aspects whose shape is
 * wlmq's own. The portal keeps one row per declaration with the person copied into each,
 * so a "local person" here is a declaration: its "declarationNo" is
 * the localId, and a person who declared in several years is several local people with the same ID
 * number. The review year is read through gateway.wlmq_review_year in SQL, which the year indexes
 * serve. The portal records no assessments.
 */
import { raw, sqltag as sql, type Sql } from '@prisma/client/runtime/client';
import type { PrismaClient } from '../../generated/prisma/wlmq/client.js';
import type { Assessment, IntegrityRecord, Qualification } from '../../domain/types.js';
import type { DataQualityReporter } from '../template/dataQuality.js';
import { wallClockToBeijing } from '../../domain/time.js';
import { addedToEarlierRows, emptyLists, TEXT_KEY } from '../template/keys.js';
import { createPortalSource } from '../template/portalSource.js';
import type { RegionalSource } from '../template/source.js';
import { CODES, mapApplication, mapIntegrityRecord, mapProfile, mapTitleHistory, NON_RESIDENT_CERT_TYPES, type DeclarationApplicationRow, type DeclarationCreditRow, type DeclarationProfileRow, type DeclarationTitleHistoryRow } from './mapping.js';

/** A passport or permit holder has no resident ID number, so is never matched by one. */
const holdsResidentId = (table: string): Sql =>
  sql`(${raw(`${table}."certType"`)} IS NULL OR ${raw(`${table}."certType"`)} <> ALL(${[...NON_RESIDENT_CERT_TYPES]}::text[]))`;

type HistoryColumn = 'titleHistory' | 'creditFlag' | 'creditUntil';

/** A declaration read for `key`: the key's own row, or an earlier declaration of the same person. */
interface PersonHistoryRow {
  key: string;
  declarationNo: string;
}

export function createWlmqSource(prisma: PrismaClient, report: DataQualityReporter): RegionalSource {
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
      raw(['declarationNo', ...columns].map((column) => `${alias}."${column}"`).join(', '));
    const own = select('k');
    const earlier = select('o');
    return prisma.$queryRaw<Row[]>(sql`
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
         AND ${holdsResidentId('k')} AND ${holdsResidentId('o')}`);
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
    if (keys.length === 0) return emptyLists<T>(keys);
    const rows = await withEarlierDeclarations<Row>(keys, columns);
    return addedToEarlierRows(keys, rows, (row) => row.key, (row) => row.declarationNo === row.key, mapRow, report);
  }

  return createPortalSource<DeclarationProfileRow & { updatedAt: Date | null }, DeclarationApplicationRow, string>(
    prisma,
    CODES,
    {
      table: sql`"Declaration"`,
      idNumber: sql`"Declaration"."certNo"`,
      matchable: holdsResidentId('"Declaration"'),
      key: sql`"Declaration"."declarationNo"`,
      select: sql`"declarationNo", "name", "sex", "nation", "politics", "unitName", "zone", "updatedAt"`,
      map: (row) => ({ localId: row.declarationNo, profile: mapProfile(row, report), updatedAt: wallClockToBeijing(row.updatedAt) }),
    },
    {
      from: sql`"Declaration"`,
      // A declaration is both the person and the application.
      fromPeople: sql``,
      key: { column: sql`"Declaration"."declarationNo"`, type: TEXT_KEY },
      year: sql`gateway.wlmq_review_year("reviewYear")`,
      // The portal records no submission time: its declarations come after every dated application.
      submittedAt: null,
      columns: { series: sql`"seriesName"`, specialty: sql`"majorName"`, level: sql`"targetTitle"`, reviewKind: sql`"way"`, status: sql`"flowState"` },
      select: sql`"declarationNo", "reviewYear", "seriesName", "majorName", "targetTitle", "way", "flowState", "returnTimes"`,
      map: (row) => mapApplication(row, report),
    },
    {
      qualificationsOf: (localIds): Promise<Map<string, Qualification[]>> =>
        addedByEachDeclaration<PersonHistoryRow & DeclarationTitleHistoryRow, Qualification>(localIds, ['titleHistory'], mapTitleHistory),
      integrityRecordsOf: (localIds): Promise<Map<string, IntegrityRecord[]>> =>
        addedByEachDeclaration<PersonHistoryRow & DeclarationCreditRow, IntegrityRecord>(localIds, ['creditFlag', 'creditUntil'], (row) => {
          const record = mapIntegrityRecord(row);
          return record ? [record] : [];
        }),
      assessmentsOf: async (localIds) => emptyLists<Assessment>(localIds),
    },
  );
}
