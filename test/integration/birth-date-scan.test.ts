/**
 * The data-quality scan every regional service runs once at start (RegionalSource
 * .impossibleBirthDates) reads the birth-date index of migration 20261203000000_birth_date_scan_index,
 * not every person row through gateway.normalise_id_number and gateway.id_number_birth_date: on the
 * benchmark's 1,000,000 applications the full read cost about 25 s of PostgreSQL CPU per region at
 * every start. Checked on each region's demo data in real PostgreSQL, with the statement the
 * source sends (as Prisma reports it) explained with its own parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { insertAksApplicant, insertBzPerson, insertWlmqDeclaration } from '../fixtures/portalRows.js';
import { demoSource, type DemoSource } from '../helpers/regionalSource.js';

const withCheck = (first17: string) => first17 + checkCharacter(first17);
const BORN_2099 = '110105209912310010';
const FEBRUARY_30 = withCheck('65010519490230002');

const INDEX = { bz: 'gateway_ry_jbxx_birth_date', aks: 'gateway_applicant_birth_date', wlmq: 'gateway_declaration_birth_date' } as const;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

describe.each(['bz', 'aks', 'wlmq'] as const)('%s: the start-up scan for impossible birth dates', (code) => {
  let demo: DemoSource;
  let stored = '';

  beforeAll(async () => {
    demo = await demoSource(code, {
      seed: 11,
      applications: 3_000,
      before: async ({ sql }) => {
        if (code === 'bz') stored = (await insertBzPerson(sql, { xm: '日期错', sfzh: BORN_2099 })).ryid;
        if (code === 'aks') stored = String((await insertAksApplicant(sql, { fullName: '未来人', idCard: BORN_2099 })).id);
        if (code === 'wlmq') {
          stored = 'WLMQ-IMPOSSIBLE-1';
          await insertWlmqDeclaration(sql, { declarationNo: stored, certNo: FEBRUARY_30, name: '二月三十' });
        }
        await sql.exec('ANALYZE');
      },
    });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('finds the stored number with an impossible birth date through the birth-date index, reading no person row by scan', async () => {
    const found = await demo.source.impossibleBirthDates('2026-12-01', 100);
    expect(found.localIds).toContain(stored);
    expect(found.total).toBe(found.localIds.length);

    const scan = demo.statements.find((statement) => statement.query.includes('gateway.id_number_birth_date'));
    expect(scan).toBeDefined();
    const { rows } = await demo.database.sql.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${scan!.query}`, JSON.parse(scan!.params) as unknown[]);
    const plan = nodes(rows[0]!['QUERY PLAN'][0]!.Plan);
    expect(plan.map((node) => node['Index Name']).filter(Boolean)).toContain(INDEX[code]);
    expect(plan.filter((node) => node['Node Type'] === 'Seq Scan')).toEqual([]);
  });
});
