/**
 * A HELD claim lapses after ANNUAL_REVIEW_CLAIM_TTL_SECONDS unless confirmed (issue 13): here 5
 * seconds, so that the test can wait for it. The lapsed claim frees the year for another region
 * and stays in the ledger as EXPIRED history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { insertAksApplicant, insertBzPerson } from '../fixtures/portalRows.js';
import { gatewayHeaders, startTestSystem, type GraphQLBody, type TestSystem } from '../helpers/system.js';

const BODY = '65280119920202001';
const ID_NUMBER = BODY + checkCharacter(BODY);
const TTL_SECONDS = 5;
const ids: { bz?: string; aks?: string } = {};
let system: TestSystem;

interface ClaimData {
  claimAnnualReview: { outcome: string; conflicts: Array<{ region: string; kind: string }>; claim: { id: string; state: string; expiresAt: string } | null };
}

const CLAIM = /* GraphQL */ `
  mutation Claim($input: AnnualReviewClaimInput!) {
    claimAnnualReview(input: $input) { outcome conflicts { region kind } claim { id state expiresAt } }
  }
`;

async function asPortal<T>(region: string, query: string, variables: Record<string, unknown>): Promise<GraphQLBody<T>> {
  return system.query<T>(query, variables, await gatewayHeaders({ role: 'portal', region }));
}

beforeAll(async () => {
  system = await startTestSystem({
    // A loaded machine must not make a cold first call time out.
    env: { ANNUAL_REVIEW_CLAIM_TTL_SECONDS: String(TTL_SECONDS), SUBGRAPH_TIMEOUT_MS: '10000' },
    seed: async ({ bz, aks }) => {
      ids.bz = `bz:${(await insertBzPerson(bz!.sql, { xm: '测试', sfzh: ID_NUMBER }, [{ sbnd: 2024, zt: 0 }])).sqsids[0]}`;
      ids.aks = `aks:${(await insertAksApplicant(aks!.sql, { fullName: '测试', idCard: ID_NUMBER }, [{ batchCode: 'AKS-2024-E', year: 2024, state: 'draft' }])).applicationIds[0]}`;
    },
  });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

describe('an unconfirmed claim lapses', () => {
  it('holds the year for the TTL, then lets another region claim it, leaving the first EXPIRED', async () => {
    const before = Date.now();
    const held = await asPortal<ClaimData>('bz', CLAIM, { input: { idNumber: ID_NUMBER, year: 2024, applicationId: ids.bz } });
    expect(held.data!.claimAnnualReview.outcome).toBe('GRANTED');
    const after = Date.now();
    const claim = held.data!.claimAnnualReview.claim!;
    // The TTL from some instant of the request (the shown time has whole seconds).
    expect(Date.parse(claim.expiresAt)).toBeGreaterThanOrEqual(before + TTL_SECONDS * 1000 - 1000);
    expect(Date.parse(claim.expiresAt)).toBeLessThanOrEqual(after + TTL_SECONDS * 1000);

    const refused = await asPortal<ClaimData>('aks', CLAIM, { input: { idNumber: ID_NUMBER, year: 2024, applicationId: ids.aks } });
    expect(refused.data!.claimAnnualReview).toMatchObject({ outcome: 'REFUSED', conflicts: [{ region: 'bz', kind: 'CLAIMED' }] });

    await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000 + 500));

    // Lapsed: bz's annualReview no longer counts it, and it cannot be confirmed back.
    const review = await asPortal<{ person: { annualReview: { verdict: string; claims: unknown[] } } }>('aks', `query R($n: String!) { person(idNumber: $n) { annualReview(year: 2024) { verdict claims { region } } } }`, { n: ID_NUMBER });
    expect(review.data!.person.annualReview).toEqual({ verdict: 'CLEAR', claims: [] });
    const confirm = await asPortal<unknown>('bz', `mutation C($id: ID!) { confirmAnnualReviewClaim(id: $id) { state } }`, { id: claim.id });
    expect(confirm.errors![0]!.extensions!.code).toBe('CLAIM_NOT_ACTIVE');

    const granted = await asPortal<ClaimData>('aks', CLAIM, { input: { idNumber: ID_NUMBER, year: 2024, applicationId: ids.aks } });
    expect(granted.data!.claimAnnualReview).toMatchObject({ outcome: 'GRANTED', claim: { state: 'HELD' } });

    // Releasing the lapsed claim changes nothing: it holds nothing already.
    const release = await asPortal<{ releaseAnnualReviewClaim: { state: string; history: Array<{ action: string; role: string }> } }>(
      'bz',
      `mutation R($id: ID!) { releaseAnnualReviewClaim(id: $id, reason: ABANDONED) { state history { action role } } }`,
      { id: claim.id },
    );
    expect(release.data!.releaseAnnualReviewClaim).toEqual({
      state: 'EXPIRED',
      history: [
        { action: 'CLAIMED', role: 'portal' },
        { action: 'EXPIRED', role: 'system' },
      ],
    });
  });
});
