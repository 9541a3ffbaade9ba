/**
 * An error from a region's entity fetch points at that region's own list item. @apollo/gateway
 * 2.14 numbered them by the region's representations instead (the third region's only entity is
 * its `_entities.0`), so errors from aks and wlmq read `["regions", 0, …]`, bz's item; fixed by
 * patches/@apollo+gateway+2.14.4.patch until upstream maps them through its own representation
 * index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { insertAksApplicant, insertBzPerson, insertWlmqDeclaration } from '../fixtures/portalRows.js';
import { gatewayHeaders, startTestSystem, type TestSystem } from '../helpers/system.js';

const body = '65280119850101123';
const PERSON = body + checkCharacter(body);

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({
    seed: async (databases) => {
      await insertBzPerson(databases.bz!.sql, { xm: '路径测试', sfzh: PERSON }, [{ sbnd: 2024 }]);
      await insertAksApplicant(databases.aks!.sql, { fullName: '路径测试', idCard: PERSON }, [{ batchCode: 'AKS-2024-JXDZ-HG', year: 2024, levelCode: 420 }]);
      await insertWlmqDeclaration(databases.wlmq!.sql, { declarationNo: 'WLMQ2024-000001', certNo: PERSON, name: '路径测试' });
    },
  });
});
afterAll(async () => {
  await system?.stop();
});

describe('error paths', () => {
  it('name the item of the region that failed in `regions`', async () => {
    const { data, errors } = await system.query<{ regions: Array<{ code: string; applications: null }> }>(
      `{ regions { code applications { totalCount } } }`,
      undefined,
      await gatewayHeaders({ role: 'dashboard' }),
    );
    expect(data!.regions.map((region) => region.code)).toEqual(['bz', 'aks', 'wlmq']);
    expect(errors).toHaveLength(3);
    for (const error of errors!) {
      expect(error.extensions!.code).toBe('FORBIDDEN');
      const [field, index, ...rest] = error.path!;
      expect([field, rest]).toEqual(['regions', ['applications']]);
      expect(data!.regions[index as number]!.code).toBe(error.extensions!.region);
    }
    expect(errors!.map((error) => error.path![1]).sort()).toEqual([0, 1, 2]);
  });

  it('name the record of the region that failed under person.records', async () => {
    const { data, errors } = await system.query<{ person: { records: Array<{ region: string }> } }>(
      `query ($id: String!) { person(idNumber: $id) { records { region
         ... on AksRecord { qualifications { name } } ... on WlmqRecord { qualifications { name } } } } }`,
      { id: PERSON },
      await gatewayHeaders({ role: 'portal', region: 'bz' }),
    );
    expect(data!.person.records.map((record) => record.region)).toEqual(['bz', 'aks', 'wlmq']);
    expect(errors!.map((error) => [error.extensions!.code, error.extensions!.region, error.path])).toEqual(
      expect.arrayContaining([
        ['FORBIDDEN', 'aks', ['person', 'records', 1, 'qualifications']],
        ['FORBIDDEN', 'wlmq', ['person', 'records', 2, 'qualifications']],
      ]),
    );
    expect(errors).toHaveLength(2);
  });
});
