/**
 * Which region each record the gateway gathered through @requires belongs to. `region` cannot be
 * part of a @requires (the province declares it on the interface), so a record is known by its type
 * name where the gateway sends one, else by its position: the province itself returned the records
 * in registry order, and the gateway keeps list positions, with null where a region failed.
 */
import type { RegionDefinition } from '../../domain/regions.js';
import { recordTypeName } from '../../schema/sdl.js';

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
