/**
 * Two portals of different regions claiming one fresh person's year at the same instant (issue
 * 13): the people to race on, the claim as a portal sends it, and what the ledger holds after.
 * Used by test/e2e/annual-review-claim-race.test.ts and test/e2e/replicas.test.ts.
 */
import { checkCharacter } from '../../domain/idNumber.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { insertAksApplicant, insertBzPerson } from '../fixtures/portalRows.js';
import type { TestDatabase } from './database.js';

/** A person with a draft in bz and one in aks for 2024: nothing counts yet, so only the ledger tells the two portals apart. */
export interface RacePerson {
  idNumber: string;
  /** The application ids each portal claims with. */
  bz: string;
  aks: string;
}

/** Writes `count` such people (numbers from `series`, so that two suites on one database differ). */
export async function seedRacePeople(databases: Record<string, TestDatabase>, count: number, series = '1991'): Promise<RacePerson[]> {
  const people: RacePerson[] = [];
  for (let round = 0; round < count; round++) {
    // Born in `series` on a real day (a typed number with an impossible birth date is refused).
    const day = round % 336;
    const birth = `${series}${String(1 + Math.floor(day / 28)).padStart(2, '0')}${String(1 + (day % 28)).padStart(2, '0')}`;
    const body = `652801${birth}${String(Math.floor(round / 336)).padStart(3, '0')}`;
    const idNumber = body + checkCharacter(body);
    const bz = await insertBzPerson(databases.bz!.sql, { xm: '测试', sfzh: idNumber }, [{ sbnd: 2024, zt: 0 }]);
    const aks = await insertAksApplicant(databases.aks!.sql, { fullName: '测试', idCard: idNumber }, [{ batchCode: 'AKS-2024-R', year: 2024, state: 'draft' }]);
    people.push({ idNumber, bz: `bz:${bz.sqsids[0]}`, aks: `aks:${aks.applicationIds[0]}` });
  }
  return people;
}

export const CLAIM = /* GraphQL */ `
  mutation Claim($input: AnnualReviewClaimInput!) {
    claimAnnualReview(input: $input) { outcome conflicts { region kind } missingRegions claim { id region } }
  }
`;

export interface ClaimAnswer {
  data?: { claimAnnualReview: { outcome: string; conflicts: Array<{ region: string; kind: string }>; missingRegions: string[]; claim: { id: string; region: string } | null } };
  errors?: unknown[];
}

/** One portal's claim for 2024, through one gateway, with that portal's headers (its bearer token). */
export async function claimThrough(gateway: string, headers: Record<string, string>, idNumber: string, applicationId: string): Promise<ClaimAnswer> {
  const response = await fetch(gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: CLAIM, variables: { input: { idNumber, year: 2024, applicationId } } }),
  });
  return (await response.json()) as ClaimAnswer;
}

/** Active (HELD or CONFIRMED) claims per person in the province's ledger: never more than one. */
export async function activeClaimsPerPerson(provinceSql: SqlClient): Promise<Array<{ person_key: string; active: number }>> {
  const { rows } = await provinceSql.query<{ person_key: string; active: number }>(
    `SELECT person_key, count(*) FILTER (WHERE state IN ('HELD', 'CONFIRMED'))::int AS active FROM annual_review_claim GROUP BY person_key`,
  );
  return rows;
}
