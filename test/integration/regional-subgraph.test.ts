/**
 * Each regional subgraph on its own, as the gateway sees it: it answers `_service { sdl }`, and
 * `_entities` for its record type with mapped data, and the SQL it sends for one request does not
 * grow with the number of people in it (per-request DataLoaders).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { REGIONS } from '../../domain/regions.js';
import { loadConfig } from '../../platform/config.js';
import { createIdentity } from '../../platform/identity.js';
import { startNamedService, type StartedService } from '../../app/services.js';
import { insertAksApplicant, insertBzPerson, insertWlmqDeclaration } from '../fixtures/portalRows.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { scrape } from '../helpers/prometheus.js';
import { subgraphHeaders, TEST_IDENTITY_SECRET } from '../helpers/system.js';

const identity = createIdentity(TEST_IDENTITY_SECRET);

/** `count` distinct valid ID numbers. */
function idNumbers(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, index) => {
    const body = `${prefix}19800101${String(100 + index).padStart(3, '0')}`;
    return body + checkCharacter(body);
  });
}

const people = {
  bz: idNumbers(25, '652801'),
  aks: idNumbers(25, '652901'),
  wlmq: idNumbers(25, '650102'),
};

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on RegionalRecord {
        region found
        profile { gender }
        allApplications { id region year series level levelCode levelLabel reviewKind status countsTowardAnnualLimit }
        qualifications { level }
        integrityRecords { barredUntil }
        assessments { result }
      }
    }
  }
`;

async function seed(region: string, database: TestDatabase): Promise<void> {
  for (const [index, idNumber] of people[region as keyof typeof people].entries()) {
    if (region === 'bz') {
      await insertBzPerson(database.sql, { xm: `测试${index}`, sfzh: idNumber }, [
        { sbnd: 2024, pslb: '民营专项', sbjb: '中级', zt: 3 },
        { sbnd: 2023, pslb: '评审', sbjb: '初级', zt: 7 },
      ]);
    } else if (region === 'aks') {
      await insertAksApplicant(database.sql, { fullName: `测试${index}`, idCard: idNumber }, [
        { batchCode: 'AKS-2024-JXDZ-HG', year: 2024, levelCode: 412 },
      ]);
    } else {
      await insertWlmqDeclaration(database.sql, { declarationNo: `WLMQ2024-${String(index).padStart(6, '0')}`, certNo: idNumber, name: `测试${index}`, targetTitle: '高级经济师', seriesName: '经济' });
    }
  }
}

describe.each(REGIONS.map((region) => region.code))('the %s subgraph on its own', (code) => {
  let database: TestDatabase;
  let service: StartedService;
  const region = REGIONS.find((candidate) => candidate.code === code)!;

  beforeAll(async () => {
    database = await createTestDatabase(code);
    await seed(code, database);
    const config = loadConfig({ NODE_ENV: 'test', IDENTITY_SECRET: TEST_IDENTITY_SECRET, [`${code.toUpperCase()}_DATABASE_URL`]: database.url });
    service = await startNamedService(code, config, 0);
  });
  afterAll(async () => {
    await service?.stop();
    await database?.drop();
  });

  async function post(query: string, variables?: Record<string, unknown>) {
    const response = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await subgraphHeaders()) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: Array<{ extensions?: { code?: string } }> };
  }

  const representations = (ids: string[]) =>
    ids.map((id) => ({ __typename: `${region.typePrefix}Record`, personRef: identity.sealPersonRef(id) }));

  it('answers _service { sdl } with its own record and region types', async () => {
    const { data } = await post('{ _service { sdl } }');
    const sdl = (data!._service as { sdl: string }).sdl;
    expect(sdl).toContain(`type ${region.typePrefix}Record implements RegionalRecord`);
    expect(sdl).toContain(`type ${region.typePrefix}Region implements Region`);
    expect(sdl).toMatch(/@key\(fields: "personRef"\)/);
  });

  it('answers _entities for its record type with mapped data', async () => {
    const mine = people[code as keyof typeof people];
    const { data, errors } = await post(ENTITIES, { representations: representations([mine[0]!, idNumbers(1, '110105')[0]!]) });
    expect(errors).toBeUndefined();
    const [found, absent] = data!._entities as Array<Record<string, unknown> & { allApplications: Array<Record<string, unknown>> }>;
    expect(found).toMatchObject({ region: code, found: true });
    expect(found!.allApplications.length).toBeGreaterThan(0);
    const application = found!.allApplications[0]!;
    expect(application.id).toMatch(new RegExp(`^${code}:\\d|^${code}:WLMQ`));
    const expected = {
      bz: { level: 'INTERMEDIATE', levelCode: '420', levelLabel: '中级', reviewKind: 'PRIVATE_ENTERPRISE_REVIEW', status: 'AWAITING_COMMITTEE_AUDIT', year: 2024 },
      aks: { level: 'ASSOCIATE_SENIOR', levelCode: '412', levelLabel: '副高级', reviewKind: 'REVIEW', status: 'AWAITING_COMMITTEE_AUDIT', year: 2024 },
      wlmq: { level: 'ASSOCIATE_SENIOR', series: 'ECONOMICS', reviewKind: 'REVIEW', status: 'AWAITING_COMMITTEE_AUDIT', year: 2024 },
    }[code];
    expect(application).toMatchObject(expected!);
    expect(absent).toMatchObject({ region: code, found: false, allApplications: [], qualifications: [], integrityRecords: [] });
  });

  it('refuses a person reference it did not issue', async () => {
    const { data, errors } = await post(ENTITIES, { representations: [{ __typename: `${region.typePrefix}Record`, personRef: 'not-a-sealed-reference' }] });
    expect((data?._entities as unknown[] | undefined)?.[0] ?? null).toBeNull();
    expect(errors![0]!.extensions!.code).toBe('INVALID_PERSON_REF');
  });

  it('sends the same number of SQL statements for 1 person as for 25', async () => {
    // Counted as the operators' Prometheus would: scraped from the service's metrics listener.
    const statements = async () => (await scrape(service.metricsUrl)).sum('xjzc_sql_statements_total');
    const mine = people[code as keyof typeof people];
    const statementsFor = async (ids: string[]) => {
      const before = await statements();
      const { errors } = await post(ENTITIES, { representations: representations(ids) });
      expect(errors).toBeUndefined();
      return (await statements()) - before;
    };
    const one = await statementsFor(mine.slice(0, 1));
    const many = await statementsFor(mine);
    expect(one).toBeGreaterThan(0);
    expect(many).toBe(one);
  });
});
