/**
 * Per-request DataLoaders over a RegionalSource: one loader per
 * aspect, so that however many people a request names, each aspect costs a fixed number of SQL
 * statements. A new set per request: a shared cache would leak between users and go stale.
 */
import DataLoader from 'dataloader';
import type { Application, Assessment, IntegrityRecord, Qualification } from '../../domain/types.js';
import type { LocalPerson, RegionalSource } from './source.js';

export interface RegionalLoaders {
  /** Keyed by normalised ID number. */
  people: DataLoader<string, LocalPerson[]>;
  /** Every application of a person, keyed by normalised ID number: one statement, no people lookup first. */
  applicationsByIdNumber: DataLoader<string, Application[]>;
  /** The rest keyed by the portal's own person key (wlmq: declaration number). */
  qualifications: DataLoader<string, Qualification[]>;
  integrityRecords: DataLoader<string, IntegrityRecord[]>;
  assessments: DataLoader<string, Assessment[]>;
}

function batched<V>(load: (keys: readonly string[]) => Promise<Map<string, V[]>>): DataLoader<string, V[]> {
  return new DataLoader<string, V[]>(async (keys) => {
    const found = await load(keys);
    return keys.map((key) => found.get(key) ?? []);
  });
}

export function createLoaders(source: RegionalSource): RegionalLoaders {
  return {
    people: batched((ids) => source.findPeople(ids)),
    applicationsByIdNumber: batched((ids) => source.applicationsByIdNumber(ids)),
    qualifications: batched((ids) => source.qualificationsOf(ids)),
    integrityRecords: batched((ids) => source.integrityRecordsOf(ids)),
    assessments: batched((ids) => source.assessmentsOf(ids)),
  };
}

/** Loads one aspect for all of a person's local records and flattens it. */
export async function loadForPerson<V>(
  loaders: RegionalLoaders,
  idNumber: string,
  aspect: DataLoader<string, V[]>,
): Promise<V[]> {
  const people = await loaders.people.load(idNumber);
  const lists = await aspect.loadMany(people.map((person) => person.localId));
  return lists.flatMap((list) => {
    if (list instanceof Error) throw list;
    return list;
  });
}
