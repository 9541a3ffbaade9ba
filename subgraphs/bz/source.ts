/**
 * The bz portal (巴州职称管理系统) as a RegionalSource: its tables and columns
 * described for the kit (subgraphs/template/portalSource.ts), which
 * writes the queries, and the aspects read through the bz Prisma client. Rows are mapped by
 * ./mapping.ts.
 */
import { sqltag as sql } from '@prisma/client/runtime/client';
import type { Application as ApplicationRow, PrismaClient } from '../../generated/prisma/bz/client.js';
import type { DataQualityReporter } from '../template/dataQuality.js';
import { wallClockToBeijing } from '../../domain/time.js';
import { BIGINT_KEY, perPerson } from '../template/keys.js';
import { createPortalSource } from '../template/portalSource.js';
import type { RegionalSource } from '../template/source.js';
import { CODES, mapApplication, mapAssessment, mapIntegrityRecord, mapProfile, mapQualification, type AssessmentRow, type ProfileRow } from './mapping.js';

/** The ry_jbxx columns a profile is made from, under the Prisma model's field names (never sfzh). */
type PersonRow = ProfileRow & { createdAt: Date | null };

/** The sb_sqs columns under the Prisma model's field names (prisma/bz/schema.prisma), as mapApplication reads them. */
const APPLICATION_COLUMNS = sql`
  a.sqsid AS "id", a.ryid AS "personId", a.pcdm AS "batchCode", a.sbnd AS "year", a.xl AS "series",
  a.zy AS "specialty", a.sbjb AS "level", a.pslb AS "reviewKind", a.zt AS "status",
  a.tjcs AS "submissionCount", a.zhtjsj AS "lastSubmittedAt", a.dbzt AS "defenceStatus", a.jfje AS "feePaid"`;

export function createBzSource(prisma: PrismaClient, report: DataQualityReporter): RegionalSource {
  const ofPeople = (keys: bigint[]) => ({ where: { personId: { in: keys } }, orderBy: { id: 'asc' as const } });

  return createPortalSource<PersonRow, ApplicationRow, bigint>(
    prisma,
    CODES,
    {
      table: sql`ry_jbxx`,
      idNumber: sql`ry_jbxx.sfzh`,
      key: sql`ry_jbxx.ryid`,
      select: sql`ry_jbxx.ryid AS "id", xm AS "name", xb AS "gender", mz AS "ethnicity", zzmm AS "politicalStatus",
                  gzdw AS "employer", dwxz AS "employerKind", szxs AS "county", lrsj AS "createdAt"`,
      // bz keeps no time of last change, only 录入时间: the row entered last is the newest.
      map: (row) => ({ localId: row.id.toString(), profile: mapProfile(row, report), updatedAt: wallClockToBeijing(row.createdAt) }),
    },
    {
      from: sql`sb_sqs a`,
      fromPeople: sql`JOIN sb_sqs a ON a.ryid = ry_jbxx.ryid`,
      key: { column: sql`a.sqsid`, type: BIGINT_KEY },
      year: sql`a.sbnd`,
      // zhtjsj is the portal's Beijing wall clock (timestamp without time zone).
      submittedAt: { column: sql`a.zhtjsj`, type: 'timestamp', wallClockOffsetHours: 8 },
      columns: { series: sql`a.xl`, specialty: sql`a.zy`, level: sql`a.sbjb`, reviewKind: sql`a.pslb`, status: sql`a.zt` },
      select: APPLICATION_COLUMNS,
      map: (row) => mapApplication(row, report),
    },
    {
      qualificationsOf: perPerson(BIGINT_KEY, async (keys) =>
        (await prisma.qualification.findMany(ofPeople(keys))).map((row) => [row.personId, mapQualification(row, report)] as const)),
      integrityRecordsOf: perPerson(BIGINT_KEY, async (keys) =>
        (await prisma.integrityRecord.findMany(ofPeople(keys))).map((row) => [row.personId, mapIntegrityRecord(row)] as const)),
      // ry_ndkh has no key, so Prisma ignores its model (prisma/bz/schema.prisma): plain SQL.
      assessmentsOf: perPerson(BIGINT_KEY, async (_keys, keys) =>
        (await prisma.$queryRaw<AssessmentRow[]>(sql`SELECT ryid, khnd, khjg FROM ry_ndkh WHERE ryid = ANY(${keys}) ORDER BY ryid, khnd`))
          .map((row) => [row.ryid, mapAssessment(row, report)] as const)),
    },
  );
}
