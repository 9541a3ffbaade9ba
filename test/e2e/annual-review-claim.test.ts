/**
 * The annual-review claim end to end (issue 13): portals claim, confirm and release through the
 * gateway, the province decides in its own PostgreSQL database, and the regions' real data counts.
 * Every rule of the claim, each with its own people, on one system; the region-down case last.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { insertAksApplicant, insertBzPerson, insertWlmqDeclaration } from '../fixtures/portalRows.js';
import { gatewayHeaders, startTestSystem, type GraphQLBody, type TestSystem } from '../helpers/system.js';

/** A valid 18-character number from a 17-digit body. */
const idNumber = (body17: string) => body17 + checkCharacter(body17);

const PEOPLE = {
  /** Drafts in bz and aks, nothing counted: the year is free. */
  fresh: idNumber('65280119900101001'),
  /** A bz draft, and an aks application already with the committee in 2024. */
  appliedInAks: idNumber('65280119900101002'),
  /** A bz draft only: for idempotency. */
  retried: idNumber('65280119900101003'),
  /** Drafts in bz and wlmq: released by bz, then claimed by wlmq. */
  handedOver: idNumber('65280119900101004'),
  /** A bz draft and an aks draft: aks claims, then bz's annualReview must see it. */
  heldInAks: idNumber('65280119900101005'),
  /** A bz draft and a wlmq draft: claimed while wlmq is down. */
  duringOutage: idNumber('65280119900101006'),
  /** Nothing anywhere but a bz application of another person: for INVALID_APPLICATION_ID. */
  nobody: idNumber('65280119900101007'),
  /** bz: one counted 2024 application and a second one, also counted (a violation in the data). */
  twiceInBz: idNumber('65280119900101008'),
};

const ids: Record<string, string> = {};
let system: TestSystem;

const CLAIM = /* GraphQL */ `
  mutation Claim($input: AnnualReviewClaimInput!) {
    claimAnnualReview(input: $input) {
      outcome missingRegions conflicts { region kind }
      claim { id year region applicationId state expiresAt createdAt history { action role region subject } }
    }
  }
`;
const CONFIRM = /* GraphQL */ `mutation Confirm($id: ID!) { confirmAnnualReviewClaim(id: $id) { id state expiresAt history { action role region subject } } }`;
const RELEASE = /* GraphQL */ `mutation Release($id: ID!, $reason: ClaimReleaseReason!) { releaseAnnualReviewClaim(id: $id, reason: $reason) { id state releaseReason history { action reason } } }`;
const REVIEW = /* GraphQL */ `
  query Review($idNumber: String!, $exclude: ID) {
    person(idNumber: $idNumber) {
      annualReview(year: 2024, excludeApplication: $exclude) {
        verdict complete missingRegions counted { id }
        claims { region state expiresAt claim { id applicationId } }
      }
    }
  }
`;

interface ClaimData {
  outcome: 'GRANTED' | 'REFUSED' | 'UNKNOWN';
  missingRegions: string[];
  conflicts: Array<{ region: string; kind: string }>;
  claim: { id: string; year: number; region: string; applicationId: string; state: string; expiresAt: string | null; createdAt: string; history: Array<{ action: string; role: string; region: string | null; subject: string }> } | null;
}

async function as<T>(caller: { role: 'portal' | 'analyst' | 'dashboard'; region?: string }, query: string, variables: Record<string, unknown>): Promise<GraphQLBody<T>> {
  return system.query<T>(query, variables, await gatewayHeaders({ ...caller, subject: `${caller.role}-${caller.region ?? 'all'}-user` }));
}

const portal = (region: string) => ({ role: 'portal' as const, region });

async function claim(region: string, input: Record<string, unknown>): Promise<GraphQLBody<{ claimAnnualReview: ClaimData }>> {
  return as(portal(region), CLAIM, { input: { year: 2024, ...input } });
}

beforeAll(async () => {
  system = await startTestSystem({
    // A loaded machine must not make a cold first call time out (the region-down case is a refused connection, not a wait).
    env: { SUBGRAPH_TIMEOUT_MS: '10000' },
    seed: async ({ bz, aks, wlmq }) => {
      const draftInBz = async (key: string, number: string) => {
        ids[`${key}.bz`] = `bz:${(await insertBzPerson(bz!.sql, { xm: '测试', sfzh: number }, [{ sbnd: 2024, zt: 0 }])).sqsids[0]}`;
      };
      const inAks = async (key: string, number: string, state: string) => {
        ids[`${key}.aks`] = `aks:${(await insertAksApplicant(aks!.sql, { fullName: '测试', idCard: number }, [{ batchCode: 'AKS-2024-T', year: 2024, state }])).applicationIds[0]}`;
      };
      const draftInWlmq = async (key: string, number: string, no: string) => {
        await insertWlmqDeclaration(wlmq!.sql, { declarationNo: no, certNo: number, name: '测试', flowState: '暂存' });
        ids[`${key}.wlmq`] = `wlmq:${no}`;
      };
      await draftInBz('fresh', PEOPLE.fresh);
      await inAks('fresh', PEOPLE.fresh, 'draft');
      await draftInBz('appliedInAks', PEOPLE.appliedInAks);
      await inAks('appliedInAks', PEOPLE.appliedInAks, 'committee_audit');
      await draftInBz('retried', PEOPLE.retried);
      await draftInBz('handedOver', PEOPLE.handedOver);
      await draftInWlmq('handedOver', PEOPLE.handedOver, 'WLMQ2024-C00004');
      await draftInBz('heldInAks', PEOPLE.heldInAks);
      await inAks('heldInAks', PEOPLE.heldInAks, 'draft');
      await draftInBz('duringOutage', PEOPLE.duringOutage);
      await draftInWlmq('duringOutage', PEOPLE.duringOutage, 'WLMQ2024-C00006');
      const twice = await insertBzPerson(bz!.sql, { xm: '测试', sfzh: PEOPLE.twiceInBz }, [
        { sbnd: 2024, zt: 3 },
        { sbnd: 2024, zt: 5, pslb: '民营专项' },
      ]);
      ids['twiceInBz.bz'] = `bz:${twice.sqsids[0]}`;
      ids['twiceInBz.bz2'] = `bz:${twice.sqsids[1]}`;
    },
  });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

describe('claiming the one review of a year', () => {
  it('grants a fresh person to the first portal, HELD for 72 hours, recording who claimed', async () => {
    const before = Date.now();
    const { data, errors } = await claim('bz', { idNumber: PEOPLE.fresh, applicationId: ids['fresh.bz'] });
    expect(errors).toBeUndefined();
    const result = data!.claimAnnualReview;
    expect(result).toMatchObject({ outcome: 'GRANTED', conflicts: [], missingRegions: [] });
    expect(result.claim).toMatchObject({ year: 2024, region: 'bz', applicationId: ids['fresh.bz'], state: 'HELD' });
    const lasts = Date.parse(result.claim!.expiresAt!) - before;
    expect(lasts).toBeGreaterThan(72 * 3600_000 - 10_000);
    expect(lasts).toBeLessThan(72 * 3600_000 + 10_000);
    expect(result.claim!.history).toEqual([{ action: 'CLAIMED', role: 'portal', region: 'bz', subject: 'portal-bz-user' }]);
  });

  it("refuses another region's portal with CLAIMED and holds nothing for it", async () => {
    const { data } = await claim('aks', { idNumber: PEOPLE.fresh, applicationId: ids['fresh.aks'] });
    expect(data!.claimAnnualReview).toEqual({ outcome: 'REFUSED', claim: null, conflicts: [{ region: 'bz', kind: 'CLAIMED' }], missingRegions: [] });
  });

  it('accepts the application id without its region prefix, and answers a re-claim with the same claim', async () => {
    const first = await claim('bz', { idNumber: PEOPLE.fresh, applicationId: ids['fresh.bz'] });
    const bare = await claim('bz', { idNumber: PEOPLE.fresh.toLowerCase(), applicationId: ids['fresh.bz']!.replace('bz:', '') });
    expect(bare.errors).toBeUndefined();
    expect(bare.data!.claimAnnualReview.outcome).toBe('GRANTED');
    expect(bare.data!.claimAnnualReview.claim!.id).toBe(first.data!.claimAnnualReview.claim!.id);
  });

  it("refuses with APPLIED when another region holds a counted application, naming only the region and kind", async () => {
    const { data } = await claim('bz', { idNumber: PEOPLE.appliedInAks, applicationId: ids['appliedInAks.bz'] });
    expect(data!.claimAnnualReview).toEqual({ outcome: 'REFUSED', claim: null, conflicts: [{ region: 'aks', kind: 'APPLIED' }], missingRegions: [] });
    // Nothing was held: the ledger has no claim for the person.
    const { rows } = await system.provinceDatabase.sql.query(`SELECT count(*)::int AS n FROM annual_review_claim WHERE application_id = $1`, [ids['appliedInAks.bz']]);
    expect(rows[0]).toEqual({ n: 0 });
  });

  it("grants a claim for the application that itself counts, when it is the person's only counted one", async () => {
    const { data } = await claim('aks', { idNumber: PEOPLE.appliedInAks, applicationId: ids['appliedInAks.aks'] });
    expect(data!.claimAnnualReview.outcome).toBe('GRANTED');
  });

  it('refuses an application id that is not this person\'s in the caller\'s region with INVALID_APPLICATION_ID', async () => {
    for (const applicationId of [ids['fresh.bz'], 'bz:999999999', 'not an id', 'xx:1']) {
      const { data, errors } = await claim('bz', { idNumber: PEOPLE.nobody, applicationId });
      expect(data).toBeNull();
      expect(errors![0]!.extensions!.code).toBe('INVALID_APPLICATION_ID');
    }
  });

  it("refuses another region's application id, and every role but portal, with FORBIDDEN", async () => {
    const other = await claim('bz', { idNumber: PEOPLE.fresh, applicationId: ids['fresh.aks'] });
    expect(other.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    for (const role of ['analyst', 'dashboard'] as const) {
      const { errors } = await as({ role }, CLAIM, { input: { idNumber: PEOPLE.fresh, year: 2024, applicationId: ids['fresh.bz'] } });
      expect(errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
  });

  it('refuses a malformed ID number and a year out of range with their codes', async () => {
    const bad = await claim('bz', { idNumber: '652801199001010011', applicationId: ids['fresh.bz'] });
    expect(bad.errors![0]!.extensions!.code).toBe('INVALID_ID_NUMBER');
    expect(JSON.stringify(bad)).not.toContain('652801199001010011');
    const year = await as(portal('bz'), CLAIM, { input: { idNumber: PEOPLE.fresh, year: 1900, applicationId: ids['fresh.bz'] } });
    expect(year.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describe('idempotent retries', () => {
  it('answers a retry with the same key with the same claim, and refuses the key with another input', async () => {
    const input = { idNumber: PEOPLE.retried, applicationId: ids['retried.bz'], idempotencyKey: 'bz-submit-retried-1' };
    const answers = await Promise.all([claim('bz', input), claim('bz', input), claim('bz', input)]);
    const claimIds = new Set(answers.map((answer) => answer.data!.claimAnnualReview.claim!.id));
    expect(answers.map((answer) => answer.data!.claimAnnualReview.outcome)).toEqual(['GRANTED', 'GRANTED', 'GRANTED']);
    expect(claimIds.size).toBe(1);

    const reused = await claim('bz', { ...input, applicationId: ids['fresh.bz'], idNumber: PEOPLE.fresh });
    expect(reused.data).toBeNull();
    expect(reused.errors![0]!.extensions!.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherYear = await as(portal('bz'), CLAIM, { input: { ...input, year: 2025 } });
    expect(otherYear.errors![0]!.extensions!.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // One claim, however many retries.
    const { rows } = await system.provinceDatabase.sql.query(`SELECT count(*)::int AS n FROM annual_review_claim WHERE idempotency_key = $1`, [input.idempotencyKey]);
    expect(rows[0]).toEqual({ n: 1 });
  });
});

describe('confirm and release', () => {
  let claimId: string;

  it('confirms a held claim: CONFIRMED, no expiry, the change recorded', async () => {
    claimId = (await claim('bz', { idNumber: PEOPLE.handedOver, applicationId: ids['handedOver.bz'] })).data!.claimAnnualReview.claim!.id;
    const { data, errors } = await as<{ confirmAnnualReviewClaim: { state: string; expiresAt: string | null; history: Array<{ action: string }> } }>(portal('bz'), CONFIRM, { id: claimId });
    expect(errors).toBeUndefined();
    expect(data!.confirmAnnualReviewClaim).toMatchObject({ state: 'CONFIRMED', expiresAt: null });
    expect(data!.confirmAnnualReviewClaim.history.map((event) => event.action)).toEqual(['CLAIMED', 'CONFIRMED']);
    // Confirming again changes nothing.
    const again = await as<{ confirmAnnualReviewClaim: { state: string; history: unknown[] } }>(portal('bz'), CONFIRM, { id: claimId });
    expect(again.data!.confirmAnnualReviewClaim.history).toHaveLength(2);
  });

  it("refuses a portal of another region touching the claim with FORBIDDEN, and changes nothing", async () => {
    for (const [query, variables] of [
      [CONFIRM, { id: claimId }],
      [RELEASE, { id: claimId, reason: 'WITHDRAWN' }],
    ] as const) {
      const { data, errors } = await as(portal('wlmq'), query, variables);
      expect(data).toBeNull();
      expect(errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
    const { rows } = await system.provinceDatabase.sql.query(`SELECT state FROM annual_review_claim WHERE id = $1`, [claimId]);
    expect(rows[0]).toEqual({ state: 'CONFIRMED' });
    const unknown = await as(portal('bz'), CONFIRM, { id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.errors![0]!.extensions!.code).toBe('CLAIM_NOT_FOUND');
  });

  it('keeps the year from wlmq while bz holds it, then lets wlmq claim it once bz releases', async () => {
    const refused = await claim('wlmq', { idNumber: PEOPLE.handedOver, applicationId: ids['handedOver.wlmq'] });
    expect(refused.data!.claimAnnualReview).toMatchObject({ outcome: 'REFUSED', conflicts: [{ region: 'bz', kind: 'CLAIMED' }] });

    const released = await as<{ releaseAnnualReviewClaim: { state: string; releaseReason: string; history: Array<{ action: string; reason: string | null }> } }>(portal('bz'), RELEASE, { id: claimId, reason: 'WITHDRAWN' });
    expect(released.errors).toBeUndefined();
    expect(released.data!.releaseAnnualReviewClaim).toMatchObject({ state: 'RELEASED', releaseReason: 'WITHDRAWN' });
    expect(released.data!.releaseAnnualReviewClaim.history.at(-1)).toEqual({ action: 'RELEASED', reason: 'WITHDRAWN' });

    const granted = await claim('wlmq', { idNumber: PEOPLE.handedOver, applicationId: ids['handedOver.wlmq'] });
    expect(granted.data!.claimAnnualReview).toMatchObject({ outcome: 'GRANTED', claim: { region: 'wlmq', state: 'HELD' } });
    // A released claim cannot be confirmed back into force.
    const confirm = await as(portal('bz'), CONFIRM, { id: claimId });
    expect(confirm.errors![0]!.extensions!.code).toBe('CLAIM_NOT_ACTIVE');
    // The old claim stays in the ledger as history.
    const { rows } = await system.provinceDatabase.sql.query(`SELECT region, state FROM annual_review_claim WHERE person_key = (SELECT person_key FROM annual_review_claim WHERE id = $1) ORDER BY created_at`, [claimId]);
    expect(rows).toEqual([{ region: 'bz', state: 'RELEASED' }, { region: 'wlmq', state: 'HELD' }]);
  });
});

describe('annualReview counts active claims', () => {
  it("answers ALREADY_APPLIED to bz for a person whose only hold is an aks claim, listing it without aks's ids", async () => {
    const before = await as<{ person: { annualReview: { verdict: string } } }>(portal('bz'), REVIEW, { idNumber: PEOPLE.heldInAks });
    expect(before.data!.person.annualReview.verdict).toBe('CLEAR');

    const held = await claim('aks', { idNumber: PEOPLE.heldInAks, applicationId: ids['heldInAks.aks'] });
    expect(held.data!.claimAnnualReview.outcome).toBe('GRANTED');

    const { data, errors } = await as<{ person: { annualReview: { verdict: string; counted: unknown[]; claims: Array<{ region: string; state: string; claim: unknown }> } } }>(portal('bz'), REVIEW, { idNumber: PEOPLE.heldInAks });
    expect(data!.person.annualReview).toMatchObject({ verdict: 'ALREADY_APPLIED', counted: [], claims: [{ region: 'aks', state: 'HELD', claim: null }] });
    expect(errors!.map((error) => [error.extensions!.code, error.path!.join('.')])).toEqual([['FORBIDDEN', 'person.annualReview.claims.0.claim']]);
    // When aks's hold lapses is what bz needs to act on; when it was made would tell when aks took the application in.
    const times = await as<{ person: { annualReview: { claims: Array<{ expiresAt: string | null; createdAt: string | null }> } } }>(
      portal('bz'),
      `query ($idNumber: String!) { person(idNumber: $idNumber) { annualReview(year: 2024) { claims { expiresAt createdAt } } } }`,
      { idNumber: PEOPLE.heldInAks },
    );
    expect(times.data!.person.annualReview.claims).toEqual([{ expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), createdAt: null }]);
    expect(times.errors!.map((error) => [error.extensions!.code, error.path!.join('.')])).toEqual([['FORBIDDEN', 'person.annualReview.claims.0.createdAt']]);

    // aks itself sees its claim in full, and excluding its own application clears it.
    const own = await as<{ person: { annualReview: { verdict: string; claims: Array<{ claim: { applicationId: string } }> } } }>(portal('aks'), REVIEW, { idNumber: PEOPLE.heldInAks });
    expect(own.data!.person.annualReview.claims[0]!.claim.applicationId).toBe(ids['heldInAks.aks']);
    const excluded = await as<{ person: { annualReview: { verdict: string; claims: unknown[] } } }>(portal('aks'), REVIEW, { idNumber: PEOPLE.heldInAks, exclude: ids['heldInAks.aks'] });
    expect(excluded.data!.person.annualReview).toMatchObject({ verdict: 'CLEAR', claims: [] });
  });
});

describe('annualReviewConflicts', () => {
  const CONFLICTS = /* GraphQL */ `
    query Conflicts($year: Int!, $first: Int, $after: String) {
      annualReviewConflicts(year: $year, first: $first, after: $after) {
        totalCount complete missingRegions pageInfo { hasNextPage endCursor }
        edges { cursor node { person { key idNumberMasked } year regions applications { id region status } claims { region applicationId state } } }
      }
    }
  `;
  interface Conflicts {
    annualReviewConflicts: {
      totalCount: number;
      complete: boolean;
      missingRegions: string[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: Array<{ cursor: string; node: { person: { key: string; idNumberMasked: string }; regions: string[]; applications: Array<{ id: string }>; claims: Array<{ applicationId: string }> } }>;
    };
  }

  it('lists the people with two counted applications, or a claim besides a counted application, one page at a time', async () => {
    const first = await as<Conflicts>({ role: 'analyst' }, CONFLICTS, { year: 2024, first: 1 });
    expect(first.errors).toBeUndefined();
    const connection = first.data!.annualReviewConflicts;
    expect(connection).toMatchObject({ totalCount: 1, complete: true, missingRegions: [], pageInfo: { hasNextPage: false } });
    expect(connection.edges[0]!.node).toMatchObject({
      person: { idNumberMasked: `${PEOPLE.twiceInBz.slice(0, 6)}********${PEOPLE.twiceInBz.slice(-4)}` },
      regions: ['bz'],
      claims: [],
    });
    expect(connection.edges[0]!.node.applications.map((application) => application.id).sort()).toEqual([ids['twiceInBz.bz'], ids['twiceInBz.bz2']].sort());

    // appliedInAks (aks's counted application and aks's claim on it) is one review, not a conflict.
    const paged = await as<Conflicts>({ role: 'analyst' }, CONFLICTS, { year: 2024, first: 1, after: connection.edges[0]!.cursor });
    expect(paged.data!.annualReviewConflicts).toMatchObject({ totalCount: 1, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('finds a claim held beside another counted application of the person', async () => {
    // bz submits appliedInAks's draft without claiming: aks's claimed application and bz's now both count.
    await system.databases.bz!.sql.query(`UPDATE sb_sqs SET zt = 3 WHERE sqsid = $1`, [ids['appliedInAks.bz']!.slice(3)]);
    const { data } = await as<Conflicts>({ role: 'analyst' }, CONFLICTS, { year: 2024, first: 10 });
    const connection = data!.annualReviewConflicts;
    expect(connection.totalCount).toBe(2);
    const planted = connection.edges.find((edge) => edge.node.claims.length > 0)!;
    expect(planted.node.regions).toEqual(['bz', 'aks']);
    expect(planted.node.claims.map((claim) => claim.applicationId)).toEqual([ids['appliedInAks.aks']]);
    expect(planted.node.applications.map((application) => application.id).sort()).toEqual([ids['appliedInAks.aks'], ids['appliedInAks.bz']].sort());
    // Ordered by key, so that the cursor is stable.
    const keys = connection.edges.map((edge) => edge.node.person.key);
    expect(keys).toEqual([...keys].sort());
  });

  it('is for analysts only, and refuses a cursor of another year', async () => {
    const asPortal = await as(portal('bz'), CONFLICTS, { year: 2024 });
    expect(asPortal.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const first = await as<Conflicts>({ role: 'analyst' }, CONFLICTS, { year: 2024, first: 1 });
    const other = await as({ role: 'analyst' }, CONFLICTS, { year: 2023, after: first.data!.annualReviewConflicts.edges[0]!.cursor });
    expect(other.errors![0]!.extensions!.code).toBe('INVALID_CURSOR');
  });
});

describe('a region down during a claim', () => {
  it('answers UNKNOWN naming the region and holds nothing, and the conflicts report says it is incomplete', async () => {
    await system.stopService('wlmq');
    const { data, errors } = await claim('bz', { idNumber: PEOPLE.duringOutage, applicationId: ids['duringOutage.bz'] });
    expect(errors).toBeUndefined();
    expect(data!.claimAnnualReview).toEqual({ outcome: 'UNKNOWN', claim: null, conflicts: [], missingRegions: ['wlmq'] });
    const { rows } = await system.provinceDatabase.sql.query(`SELECT count(*)::int AS n FROM annual_review_claim WHERE application_id = $1`, [ids['duringOutage.bz']]);
    expect(rows[0]).toEqual({ n: 0 });

    const conflicts = await as<{ annualReviewConflicts: { complete: boolean; missingRegions: string[] } }>({ role: 'analyst' }, `{ annualReviewConflicts(year: 2024) { complete missingRegions } }`, {});
    expect(conflicts.data!.annualReviewConflicts).toEqual({ complete: false, missingRegions: ['wlmq'] });
  });
});
