/**
 * RegionalSource.applicationsByIdNumber, the duplicate check's one-statement read, on each
 * region's demo data in real PostgreSQL, against a reference built apart from it: which
 * application belongs to which person, written here in SQL over the portal's own tables, and every
 * application as the region's list maps it. The same applications, mapped the same, in the same
 * order (person key, then application key), for every person, in one SQL statement however many
 * people are asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import type { Application } from '../../domain/types.js';
import type { RegionalSource } from '../../subgraphs/template/source.js';
import { NON_RESIDENT_CERT_TYPES } from '../../subgraphs/wlmq/mapping.js';
import type { TestDatabase } from '../helpers/database.js';
import { demoSource, type DemoSource } from '../helpers/regionalSource.js';

const ID_COLUMN = { bz: 'ry_jbxx.sfzh', aks: 'applicant.id_card', wlmq: '"Declaration"."certNo"' } as const;

/** Each person's normalised number with the keys of their applications, in person-key then application-key order. */
const OWNERSHIP = {
  bz: `SELECT gateway.normalise_id_number(p.sfzh) AS id, a.sqsid::text AS key
         FROM ry_jbxx p JOIN sb_sqs a ON a.ryid = p.ryid ORDER BY p.ryid, a.sqsid`,
  aks: `SELECT gateway.normalise_id_number(p.id_card) AS id, r.id::text AS key
          FROM applicant p JOIN apply_record r ON r.applicant_id = p.id ORDER BY p.id, r.id`,
  // Passport and permit holders have no resident ID number (subgraphs/wlmq/mapping.ts).
  wlmq: `SELECT gateway.normalise_id_number("certNo") AS id, "declarationNo" AS key FROM "Declaration"
          WHERE "certType" IS NULL OR "certType" <> ALL($1::text[]) ORDER BY "declarationNo"`,
} as const;

/** Valid numbers no demo generator draws (an unused division code). */
const ABSENT = ['11010519491231002X', '110105194912310029'].filter((id) => checkCharacter(id.slice(0, 17)) === id[17]);

async function reference(code: keyof typeof OWNERSHIP, database: TestDatabase, source: RegionalSource, idNumbers: string[]): Promise<Map<string, Application[]>> {
  const mapped = new Map<string, Application>();
  for (let after: string | null = null, more = true; more; ) {
    const page = await source.listApplications({}, { first: 200, after });
    for (const application of page.items) mapped.set(application.localId, application);
    after = page.items.at(-1)?.localId ?? null;
    more = page.hasNextPage;
  }
  const { rows } = await database.sql.query<{ id: string | null; key: string }>(OWNERSHIP[code], code === 'wlmq' ? [NON_RESIDENT_CERT_TYPES] : []);
  const result = new Map<string, Application[]>(idNumbers.map((id) => [id, []]));
  for (const row of rows) if (row.id !== null) result.get(row.id)?.push(mapped.get(row.key)!);
  return result;
}

describe.each(['bz', 'aks', 'wlmq'] as const)('%s applicationsByIdNumber', (code) => {
  let demo: DemoSource;
  let everyone: string[] = [];

  beforeAll(async () => {
    demo = await demoSource(code, { seed: 7, applications: 1_500 });
    const [table, column] = ID_COLUMN[code].split(/\.(?=[^.]+$)/) as [string, string];
    const { rows } = await demo.database.sql.query<{ id: string }>(
      `SELECT DISTINCT gateway.normalise_id_number(${column}) AS id FROM ${table} WHERE gateway.normalise_id_number(${column}) IS NOT NULL ORDER BY 1`,
    );
    everyone = rows.map((row) => row.id);
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('gives every person exactly their applications, mapped as the list maps them, in person then application order', async () => {
    expect(everyone.length).toBeGreaterThan(100);
    const asked = [...everyone, ...ABSENT];
    const [got, expected] = [await demo.source.applicationsByIdNumber(asked), await reference(code, demo.database, demo.source, asked)];
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const id of asked) expect(got.get(id), `person ${everyone.indexOf(id)}`).toEqual(expected.get(id));
    // Not an empty comparison: most people have applications.
    const withApplications = [...got.values()].filter((list) => list.length > 0).length;
    expect(withApplications).toBeGreaterThan(everyone.length / 2);
    for (const id of ABSENT) expect(got.get(id)).toEqual([]);
  });

  it('sends one SQL statement for one person as for all of them, and none for nobody', async () => {
    const sent = async (ids: string[]) => {
      const before = demo.statements.length;
      await demo.source.applicationsByIdNumber(ids);
      return demo.statements.length - before;
    };
    expect(await sent(everyone.slice(0, 1))).toBe(1);
    expect(await sent(everyone)).toBe(1);
    expect(await sent([])).toBe(0);
  });
});
