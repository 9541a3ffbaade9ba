/**
 * RegionalSource.applicationsByIdNumber, the duplicate check's one-statement read, against the
 * two-step reference it replaces on the hot path (findPeople, then applicationsOf), on each
 * region's demo data in real PostgreSQL: the same applications, mapped the same, in the same
 * order, for every person, in one SQL statement however many people are asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoData } from '../../demo/writeDemoData.js';
import { checkCharacter } from '../../domain/idNumber.js';
import type { Application } from '../../domain/types.js';
import { prismaAdapterFor } from '../../platform/database/adapter.js';
import { loadRegionalModule } from '../../subgraphs/registry.js';
import type { ConnectedSource } from '../../subgraphs/template/module.js';
import type { RegionalSource } from '../../subgraphs/template/source.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const ID_COLUMN = { bz: 'ry_jbxx.sfzh', aks: 'applicant.id_card', wlmq: '"Declaration"."certNo"' } as const;

/** Valid numbers no demo generator draws (an unused division code). */
const ABSENT = ['11010519491231002X', '110105194912310029'].filter((id) => checkCharacter(id.slice(0, 17)) === id[17]);

async function reference(source: RegionalSource, idNumbers: string[]): Promise<Map<string, Application[]>> {
  const people = await source.findPeople(idNumbers);
  const localIds = [...people.values()].flat().map((person) => person.localId);
  const applications = await source.applicationsOf(localIds);
  return new Map(idNumbers.map((id) => [id, (people.get(id) ?? []).flatMap((person) => applications.get(person.localId) ?? [])]));
}

describe.each(['bz', 'aks', 'wlmq'] as const)('%s applicationsByIdNumber', (code) => {
  let database: TestDatabase;
  let connected: ConnectedSource;
  let statements = 0;
  let everyone: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(code);
    await writeDemoData({ [code]: database.sql }, { seed: 7, applications: 1_500 });
    const [table, column] = ID_COLUMN[code].split(/\.(?=[^.]+$)/) as [string, string];
    const { rows } = await database.sql.query<{ id: string }>(
      `SELECT DISTINCT gateway.normalise_id_number(${column}) AS id FROM ${table} WHERE gateway.normalise_id_number(${column}) IS NOT NULL ORDER BY 1`,
    );
    everyone = rows.map((row) => row.id);
    const module = await loadRegionalModule(code);
    connected = module.connect(prismaAdapterFor({ kind: 'postgres', url: database.url }), {
      report: () => {},
      onStatement: () => {
        statements++;
      },
    });
  });
  afterAll(async () => {
    await connected?.disconnect();
    await database?.drop();
  });

  it('gives every person exactly what findPeople then applicationsOf give, in the same order', async () => {
    expect(everyone.length).toBeGreaterThan(100);
    const asked = [...everyone, ...ABSENT];
    const [got, expected] = [await connected.source.applicationsByIdNumber(asked), await reference(connected.source, asked)];
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const id of asked) expect(got.get(id), `person ${everyone.indexOf(id)}`).toEqual(expected.get(id));
    // Not an empty comparison: most people have applications.
    const withApplications = [...got.values()].filter((list) => list.length > 0).length;
    expect(withApplications).toBeGreaterThan(everyone.length / 2);
    for (const id of ABSENT) expect(got.get(id)).toEqual([]);
  });

  it('sends one SQL statement for one person as for all of them, and none for nobody', async () => {
    const sent = async (ids: string[]) => {
      const before = statements;
      await connected.source.applicationsByIdNumber(ids);
      return statements - before;
    };
    expect(await sent(everyone.slice(0, 1))).toBe(1);
    expect(await sent(everyone)).toBe(1);
    expect(await sent([])).toBe(0);
  });
});
