/**
 * Which region each record the gateway gathered through @requires belongs to. `region` cannot be
 * part of a @requires (the province declares it on the interface), so a record is known by its type
 * name where the gateway sends one, else by its position: the province itself returned the records
 * in registry order, and the gateway keeps list positions, with null where a region failed.
 */
import type { RegionDefinition } from '../../domain/regions.js';
import type { Application, Assessment, IntegrityRecord, PersonProfile } from '../../domain/types.js';
import { recordTypeName } from '../../schema/sdl.js';

/**
 * A region's record as the gateway gathered it for the province's @requires: the annual review
 * reads its applications, eligibility every aspect. A field the @requires did not select is absent.
 */
export interface RequiredRecord {
  __typename?: string;
  /** Every application in full, for the rules; clients cannot select it (see subgraphs/access.ts). */
  applicationsForProvince?: Application[] | null;
  /** Only the fields the rules read arrive (the @requires in schema/eligibility.graphql). */
  profileForProvince?: Partial<PersonProfile> | null;
  integrityRecordsForProvince?: IntegrityRecord[] | null;
  assessmentsForProvince?: Assessment[] | null;
}

export function requiredRecordOf<R extends { __typename?: string }>(
  records: ReadonlyArray<R | null>,
  region: RegionDefinition,
  index: number,
): R | null | undefined {
  return (
    records.find((candidate) => candidate?.__typename === recordTypeName(region)) ??
    (records[index]?.__typename === undefined ? records[index] : undefined)
  );
}
