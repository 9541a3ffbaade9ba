/**
 * A claim is a lookup of a person, so it is in the access log before it is answered, and the
 * ledger is written only once that entry has committed. A log that cannot write refuses the claim
 * with ACCESS_LOG_UNAVAILABLE and leaves the ledger untouched. On the real PostgreSQL, with the
 * province's own ledger and access log; the regions' answers are given here.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { REGIONS } from '../../domain/regions.js';
import type { Application } from '../../domain/types.js';
import { createPostgresClient } from '../../platform/database/postgres.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { createIdentity } from '../../platform/identity.js';
import { createLogger } from '../../platform/logger.js';
import { createAccessLog, type AccessLog } from '../../subgraphs/province/accessLog.js';
import { createClaimLedger } from '../../subgraphs/province/claims/ledger.js';
import { createClaimsModule } from '../../subgraphs/province/claims/resolvers.js';
import type { RegionCalls } from '../../subgraphs/province/regionCalls.js';
import type { ProvinceContext } from '../../subgraphs/province/schema.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const log = createLogger({ service: 'test', level: 'silent' });
const identity = createIdentity('claim-access-log-test-secret-of-enough-length');
const withCheck = (first17: string) => first17 + checkCharacter(first17);

/** bz holds one application of every person asked about, bz:1 of 2020; the other regions none. */
const regionCalls: RegionCalls = {
  async applicationsOf() {
    const application = { id: 'bz:1', localId: '1', region: 'bz', year: 2020, status: 'PASSED', reviewKind: 'REVIEW' } as unknown as Application;
    return REGIONS.map((region) => ({ region: region.code, applications: region.code === 'bz' ? [application] : [] }));
  },
  annualReviewIndex: async () => [],
};

const context = (): ProvinceContext => ({
  log,
  requestId: 'r-claim',
  principal: { role: 'portal', region: 'bz', subject: 'bz-clerk' },
  internalToken: '',
  extraErrors: [],
});
const info = { parentType: { name: 'Mutation' }, fieldName: 'claimAnnualReview' } as unknown as GraphQLResolveInfo;

let db: TestDatabase;
let sql: SqlClient;

beforeAll(async () => {
  db = await createTestDatabase('province');
  sql = createPostgresClient(db.url, { max: 4 });
});
afterAll(async () => {
  await sql?.close();
  await db?.drop();
});

function claimWith(accessLog: AccessLog) {
  const module = createClaimsModule({ regions: REGIONS, identity, ledger: createClaimLedger(Promise.resolve(sql)), regionCalls, ttlSeconds: 3600, log, accessLog });
  const claim = module.resolvers.Mutation!.claimAnnualReview as (root: unknown, args: unknown, context: ProvinceContext, info: GraphQLResolveInfo) => Promise<{ outcome: string }>;
  return (idNumber: string) => claim(null, { input: { idNumber, year: 2025, applicationId: 'bz:1' } }, context(), info);
}

const claimsOf = async (idNumber: string) =>
  (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM annual_review_claim WHERE person_key = $1', [identity.personKey(idNumber)])).rows[0]!.n;
const lookupsOf = async (idNumber: string) =>
  (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM access_log WHERE person_key = $1', [identity.personKey(idNumber)])).rows[0]!.n;

describe('a claim and the access log', () => {
  it('is granted with its lookup in the access log', async () => {
    const accessLog = createAccessLog({ sql: Promise.resolve(sql), log });
    const idNumber = withCheck('65280119790314001');
    expect(await claimWith(accessLog)(idNumber)).toMatchObject({ outcome: 'GRANTED' });
    expect(await lookupsOf(idNumber)).toBe(1);
    expect(await claimsOf(idNumber)).toBe(1);
    await accessLog.close();
  });

  it('writes nothing to the ledger until its access-log entry has committed', async () => {
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    const slowLog: AccessLog = { ...createAccessLog({ sql: Promise.resolve(sql), log }), record: () => committed };
    const idNumber = withCheck('65280119790314002');
    const answer = claimWith(slowLog)(idNumber);
    let answered = false;
    void answer.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    expect(await claimsOf(idNumber)).toBe(0);
    commit();
    expect(await answer).toMatchObject({ outcome: 'GRANTED' });
    expect(await claimsOf(idNumber)).toBe(1);
  });

  it('is refused with ACCESS_LOG_UNAVAILABLE, holding nothing, when the access log cannot write', async () => {
    const unopened = createAccessLog({ sql: Promise.reject(new Error('the province database is down')), log });
    const idNumber = withCheck('65280119790314003');
    await expect(claimWith(unopened)(idNumber)).rejects.toMatchObject({ extensions: { code: 'ACCESS_LOG_UNAVAILABLE' } });
    expect(await claimsOf(idNumber)).toBe(0);
  });
});
