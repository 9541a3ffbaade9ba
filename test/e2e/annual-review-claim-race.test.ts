/**
 * The race the claim exists for (issue 13): two portals of different regions claim the same fresh
 * person at the same instant, each through its own gateway process and its own province process,
 * over one province database. Exactly one is GRANTED, every round. The gateways and provinces are
 * spawned as `npm start` spawns them (`tsx scripts/serve.ts <name>`, bench/processes.ts); the
 * regions run in this process on their real PostgreSQL databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnListening, spawnService, type BenchProcess } from '../../bench/processes.js';
import { REGIONS } from '../../domain/regions.js';
import { loadConfig } from '../../platform/config.js';
import { startNamedService, type StartedService } from '../../app/services.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { activeClaimsPerPerson, claimThrough, seedRacePeople, type RacePerson } from '../helpers/claimRace.js';
import { gatewayHeaders, TEST_IDENTITY_SECRET } from '../helpers/system.js';

const ROUNDS = 40;

let people: RacePerson[];
const databases: TestDatabase[] = [];
const regions: StartedService[] = [];
const processes: BenchProcess[] = [];
let province: TestDatabase;
let gateways: [string, string];

beforeAll(async () => {
  const byRegion: Record<string, TestDatabase> = {};
  for (const region of REGIONS) databases.push((byRegion[region.code] = await createTestDatabase(region.code)));
  province = await createTestDatabase('province');
  databases.push(province);
  people = await seedRacePeople(byRegion, ROUNDS);

  const env: Record<string, string> = {
    NODE_ENV: 'test',
    IDENTITY_SECRET: TEST_IDENTITY_SECRET,
    SUBGRAPH_TIMEOUT_MS: '10000',
    PROVINCE_DATABASE_URL: province.url,
    ...Object.fromEntries(REGIONS.map((region) => [`${region.code.toUpperCase()}_DATABASE_URL`, byRegion[region.code]!.url])),
  };
  const config = loadConfig(env);
  for (const region of REGIONS) regions.push(await startNamedService(region.code, config, 0));
  const regionUrls = Object.fromEntries(REGIONS.map((region, index) => [`${region.code.toUpperCase()}_SUBGRAPH_URL`, regions[index]!.url]));

  const provinces = await Promise.all(
    [0, 1].map(() => spawnListening((port) => spawnService('province', port, { ...env, ...regionUrls, PROVINCE_PORT: String(port) }))),
  );
  processes.push(...provinces);
  const gatewayProcesses = provinces.map((province) =>
    spawnListening((port) => spawnService('gateway', port, { ...env, ...regionUrls, PORT: String(port), PROVINCE_SUBGRAPH_URL: province.url })),
  );
  processes.push(...(await Promise.all(gatewayProcesses)));
  gateways = [processes[2]!.url, processes[3]!.url];
}, 300_000);

afterAll(async () => {
  await Promise.all(processes.map((proc) => proc.stop()));
  for (const service of regions) await service.stop();
  for (const database of databases) await database.drop();
});

const portal = (region: string) => gatewayHeaders({ role: 'portal', region, subject: `${region}-clerk` });

describe('two portals claiming one fresh person at the same instant', () => {
  it('grants exactly one of them every round, through two gateways and two provinces over one database', async () => {
    const winners: string[] = [];
    const [bzPortal, aksPortal] = await Promise.all([portal('bz'), portal('aks')]);
    for (const person of people) {
      // Both requests leave before either answers; each goes to its own gateway and province.
      const [bz, aks] = await Promise.all([
        claimThrough(gateways[0], bzPortal, person.idNumber, person.bz),
        claimThrough(gateways[1], aksPortal, person.idNumber, person.aks),
      ]);
      expect(bz.errors).toBeUndefined();
      expect(aks.errors).toBeUndefined();
      const answers = [bz.data!.claimAnnualReview, aks.data!.claimAnnualReview];
      const granted = answers.filter((answer) => answer.outcome === 'GRANTED');
      expect(granted).toHaveLength(1);
      const loser = answers.find((answer) => answer.outcome !== 'GRANTED')!;
      expect(loser).toEqual({ outcome: 'REFUSED', conflicts: [{ region: granted[0]!.claim!.region, kind: 'CLAIMED' }], missingRegions: [], claim: null });
      winners.push(granted[0]!.claim!.region);
    }
    // The database agrees: one active claim per person, no more.
    const rows = await activeClaimsPerPerson(province.sql);
    expect(rows).toHaveLength(ROUNDS);
    expect(rows.every((row) => row.active === 1)).toBe(true);
    expect(winners).toHaveLength(ROUNDS);
  }, 240_000);
});
