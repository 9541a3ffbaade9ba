/**
 * The aks portal (阿克苏地区职称评审系统) as a RegionalSource: its tables and columns
 * described for the kit (subgraphs/template/portalSource.ts), which
 * writes the queries, and the aspects read through the aks Prisma client. Rows are mapped by
 * ./mapping.ts.
 */
import { sqltag as sql } from '@prisma/client/runtime/client';
import type { ApplyRecord, PrismaClient } from '../../generated/prisma/aks/client.js';
import type { DataQualityReporter } from '../template/dataQuality.js';
import { instantToBeijing } from '../../domain/time.js';
import { INT_KEY, perPerson } from '../template/keys.js';
import { createPortalSource } from '../template/portalSource.js';
import type { RegionalSource } from '../template/source.js';
import { CODES, mapApplication, mapAssessment, mapIntegrityRecord, mapProfile, mapQualification, type ApplicantProfileRow, type AssessmentRow } from './mapping.js';

/**
 * The apply_record columns under the Prisma model's field names (prisma/aks/schema.prisma), and the
 * review year, which the portal keeps on the batch only (indexes batch(year, code) and
 * apply_record(batch_code, id)).
 */
const APPLICATION_COLUMNS = sql`
  r.id, r.applicant_id AS "applicantId", r.batch_code AS "batchCode", r.series_code AS "seriesCode",
  r.specialty, r.level_code AS "levelCode", r.track, r.state, r.submit_count AS "submitCount",
  r.submitted_at AS "submittedAt", r.fee_cents AS "feeCents", r.defense_required AS "defenseRequired",
  b.year AS "batchYear"`;

export function createAksSource(prisma: PrismaClient, report: DataQualityReporter): RegionalSource {
  const ofApplicants = (keys: number[]) => ({ where: { applicantId: { in: keys } }, orderBy: { id: 'asc' as const } });

  return createPortalSource<ApplicantProfileRow, ApplyRecord & { batchYear: number }, number>(
    prisma,
    CODES,
    {
      table: sql`applicant`,
      idNumber: sql`applicant.id_card`,
      key: sql`applicant.id`,
      select: sql`applicant.id, full_name AS "fullName", gender_code AS "genderCode", ethnic_code AS "ethnicCode",
                  political_code AS "politicalCode", employer, employer_kind AS "employerKind",
                  civil_servant AS "civilServant", retired, sanction_until AS "sanctionUntil", created_at AS "createdAt"`,
      // The portal records no change time; the creation time is the newest it has.
      map: (row) => ({ localId: String(row.id), profile: mapProfile(row, report), updatedAt: instantToBeijing(row.createdAt) }),
    },
    {
      from: sql`apply_record r JOIN batch b ON b.code = r.batch_code`,
      fromPeople: sql`JOIN apply_record r ON r.applicant_id = applicant.id JOIN batch b ON b.code = r.batch_code`,
      key: { column: sql`r.id`, type: INT_KEY },
      year: sql`b.year`,
      submittedAt: { column: sql`r.submitted_at`, type: 'timestamptz' },
      columns: { series: sql`r.series_code`, specialty: sql`r.specialty`, level: sql`r.level_code`, reviewKind: sql`r.track`, status: sql`r.state` },
      select: APPLICATION_COLUMNS,
      map: ({ batchYear, ...row }) => mapApplication({ ...row, batch: { year: batchYear } }, report),
    },
    {
      qualificationsOf: perPerson(INT_KEY, async (keys) =>
        (await prisma.titleHeld.findMany(ofApplicants(keys))).map((row) => [row.applicantId, mapQualification(row, report)] as const)),
      integrityRecordsOf: perPerson(INT_KEY, async (keys) =>
        (await prisma.blacklist.findMany(ofApplicants(keys))).map((row) => [row.applicantId, mapIntegrityRecord(row)] as const)),
      // The table has no key, so Prisma ignores its model: plain SQL.
      assessmentsOf: perPerson(INT_KEY, async (_keys, keys) =>
        (await prisma.$queryRaw<AssessmentRow[]>(sql`
          SELECT applicant_id AS "applicantId", year, result FROM assessment
           WHERE applicant_id = ANY(${keys}) ORDER BY applicant_id, year, result`)).map((row) => [row.applicantId, mapAssessment(row, report)] as const)),
    },
  );
}
