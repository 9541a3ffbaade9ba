/**
 * Replicas (issue 14, item 7): every service keeps its state in PostgreSQL only, so two of a
 * service answer as one does. The system as production runs it (each service its own process,
 * NODE_ENV=production, test/helpers/processSystem.ts) with two gateways over two province
 * processes and one province database, and the regions. The same load of portal checks goes
 * through one gateway and province, then through both in turn (a round-robin balancer, as the
 * load balancer of docker-compose.yml does), while portals race to claim the same people's year
 * through different gateways. Nothing may differ: the same answer for the same check, every
 * answered lookup in the access log exactly once, and never two claims granted for one year.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_CASES, seedCheckCases } from '../fixtures/checkCases.js';
import { accessLogRowsPerLookup, startCheckLoad, type CheckOutcome } from '../helpers/checkLoad.js';
import { activeClaimsPerPerson, claimThrough, seedRacePeople, type ClaimAnswer, type RacePerson } from '../helpers/claimRace.js';
import { startProcessSystem, type ProcessSystem } from '../helpers/processSystem.js';

const CLAIM_ROUNDS = 12;
const LOAD_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let system: ProcessSystem;
let racePeople: RacePerson[];
let portalToken: string;

beforeAll(async () => {
  system = await startProcessSystem({
    replicas: 2,
    // Generous deadlines on a busy shared machine; no rate limit (the load is one portal's).
    env: { PORTAL_SUBGRAPH_TIMEOUT_MS: '10000', SUBGRAPH_TIMEOUT_MS: '10000', RATE_LIMIT_PORTAL: '0' },
    seed: async (databases) => {
      await seedCheckCases(databases);
      racePeople = await seedRacePeople(databases, CLAIM_ROUNDS, '1992');
    },
  });
  portalToken = await system.token({ role: 'portal', region: 'bz', subject: 'bz-clerk' });
  // Warm both gateways: the first checks pay for query planning and the first connections.
  const warm = startCheckLoad({ gatewayUrl: system.gatewayUrls, token: portalToken, cases: CHECK_CASES, concurrency: 4 });
  await sleep(2_000);
  await warm.stop();
}, 300_000);

afterAll(async () => {
  await system?.stop();
});

/** Each number's answers, as `verdict missingRegions` strings. */
function answersByNumber(outcomes: readonly CheckOutcome[]): Map<string, Set<string>> {
  const answers = new Map<string, Set<string>>();
  for (const outcome of outcomes) {
    const answer = `${outcome.verdict} [${(outcome.missingRegions ?? []).join(',')}]`;
    answers.set(outcome.idNumber, (answers.get(outcome.idNumber) ?? new Set()).add(answer));
  }
  return answers;
}

const failures = (outcomes: readonly CheckOutcome[]) =>
  outcomes.filter((outcome) => outcome.kind !== 'answered' || outcome.status !== 200 || outcome.errorCodes.length > 0 || outcome.failOpen || outcome.wrong !== null);

describe('two gateways over two provinces and one province database', () => {
  it('answers as one of each does, logs every lookup once, and never grants one year twice', async () => {
    const single = startCheckLoad({ gatewayUrl: system.gatewayUrl, token: portalToken, cases: CHECK_CASES, concurrency: 8 });
    await sleep(LOAD_MS);
    const oneOfEach = await single.stop();

    const balanced = startCheckLoad({ gatewayUrl: system.gatewayUrls, token: portalToken, cases: CHECK_CASES, concurrency: 8 });
    const [bzPortal, aksPortal] = await Promise.all(
      (['bz', 'aks'] as const).map(async (region) => ({ authorization: `Bearer ${await system.token({ role: 'portal', region, subject: `${region}-clerk` })}` })),
    );
    const claimRounds: ClaimAnswer[][] = [];
    for (const [round, person] of racePeople.entries()) {
      // Each portal through a different gateway (and so a different province), the sides swapped every round.
      const [first, second] = round % 2 === 0 ? system.gatewayUrls : [...system.gatewayUrls].reverse();
      claimRounds.push(await Promise.all([claimThrough(first!, bzPortal!, person.idNumber, person.bz), claimThrough(second!, aksPortal!, person.idNumber, person.aks)]));
    }
    await sleep(Math.max(0, LOAD_MS - balanced.elapsed()));
    const twoOfEach = await balanced.stop();

    // No check failed, either way.
    expect(failures(oneOfEach)).toEqual([]);
    expect(failures(twoOfEach)).toEqual([]);
    // Both gateways answered their share.
    const perGateway = system.gatewayUrls.map((url) => twoOfEach.filter((outcome) => outcome.gateway === new URL(url).origin));
    for (const outcomes of perGateway) expect(outcomes.length).toBeGreaterThan(CHECK_CASES.length);

    // The same answer for the same check: one answer per number, the same through one gateway,
    // through the two together, and through each of them alone; every region in it.
    const expected = new Map(CHECK_CASES.map((check) => [check.idNumber, new Set([`${check.expected} []`])]));
    expect(answersByNumber(oneOfEach)).toEqual(expected);
    expect(answersByNumber(twoOfEach)).toEqual(expected);
    for (const outcomes of perGateway) expect(answersByNumber(outcomes)).toEqual(expected);

    // Every answered lookup in the access log exactly once, whichever province wrote it.
    const rows = await accessLogRowsPerLookup([...oneOfEach, ...twoOfEach], system.provinceDatabase.sql);
    expect(rows.size).toBe(oneOfEach.length + twoOfEach.length);
    expect([...rows].filter(([, count]) => count !== 1)).toEqual([]);

    // Claims across the replicas: exactly one GRANTED each round, the other REFUSED for that claim.
    for (const answers of claimRounds) {
      for (const answer of answers) expect(answer.errors).toBeUndefined();
      const outcomes = answers.map((answer) => answer.data!.claimAnnualReview);
      const granted = outcomes.filter((outcome) => outcome.outcome === 'GRANTED');
      expect(granted).toHaveLength(1);
      expect(outcomes.find((outcome) => outcome.outcome !== 'GRANTED')).toEqual({
        outcome: 'REFUSED',
        conflicts: [{ region: granted[0]!.claim!.region, kind: 'CLAIMED' }],
        missingRegions: [],
        claim: null,
      });
    }
    const ledger = await activeClaimsPerPerson(system.provinceDatabase.sql);
    expect(ledger).toHaveLength(CLAIM_ROUNDS);
    expect(ledger.filter((row) => row.active !== 1)).toEqual([]);

    // Counts, not rates: the claim races run inside the second window, and the machine is shared.
    console.log(
      `one of each: ${oneOfEach.length} checks; two of each: ${twoOfEach.length} (${perGateway.map((outcomes) => outcomes.length).join(' + ')} per gateway), ` +
        `0 failed, ${rows.size} access-log rows, one each; ${CLAIM_ROUNDS} claim races, ${ledger.length} granted`,
    );
  }, 180_000);
});
