/**
 * Faults under load, on the system as production runs it: every service its own process
 * (NODE_ENV=production), real signals, real PostgreSQL. A steady load of portal checks runs
 * through each fault; every fault asserts that no answer is fail-open (CLEAR where it is not), that
 * every answered lookup has its access-log row, that the system recovers without a restart of
 * anything but the faulty process, and that a SIGTERM drains: zero connections reset, exit code 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAksApplicant, insertBzPerson, insertWlmqDeclaration } from '../fixtures/portalRows.js';
import { missingAccessLogEntries, startCheckLoad, summarize, type CheckCase, type CheckLoad, type CheckOutcome } from '../helpers/checkLoad.js';
import { startProcessSystem, type ProcessSystem } from '../helpers/processSystem.js';

const IN_BZ = '650104198808081236';
const IN_BZ_AND_AKS = '65010419880808105X';
const IN_AKS = '652901199001011238';
const IN_WLMQ = '650102198507071234';
const NOWHERE = '650104199202021233';

const CASES: CheckCase[] = [
  { idNumber: IN_BZ, expected: 'ALREADY_APPLIED', decidedBy: ['bz'] },
  { idNumber: IN_BZ_AND_AKS, expected: 'ALREADY_APPLIED', decidedBy: ['bz', 'aks'] },
  { idNumber: IN_AKS, expected: 'ALREADY_APPLIED', decidedBy: ['aks'] },
  { idNumber: IN_WLMQ, expected: 'ALREADY_APPLIED', decidedBy: ['wlmq'] },
  { idNumber: NOWHERE, expected: 'CLEAR', decidedBy: [] },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let system: ProcessSystem;
let portalToken: string;

beforeAll(async () => {
  system = await startProcessSystem({
    // Generous deadlines: on a busy shared machine a healthy check can take seconds, and a check
    // that times out would look like the fault under test.
    env: { PORTAL_SUBGRAPH_TIMEOUT_MS: '8000', SUBGRAPH_TIMEOUT_MS: '10000' },
    seed: async (databases) => {
      await insertBzPerson(databases.bz!.sql, { xm: '赵测试', sfzh: IN_BZ }, [{ sbnd: 2024, pslb: '评审', zt: 3 }]);
      await insertBzPerson(databases.bz!.sql, { xm: '孙测试', sfzh: IN_BZ_AND_AKS }, [{ sbnd: 2024, pslb: '评审', zt: 3 }]);
      await insertAksApplicant(databases.aks!.sql, { fullName: '孙测试', idCard: IN_BZ_AND_AKS }, [{ batchCode: 'AKS-2024-JXDZ-HG', year: 2024 }]);
      await insertAksApplicant(databases.aks!.sql, { fullName: '钱测试', idCard: IN_AKS }, [{ batchCode: 'AKS-2024-JXDZ-HG', year: 2024 }]);
      await insertWlmqDeclaration(databases.wlmq!.sql, { declarationNo: 'WLMQ-F-1', certNo: IN_WLMQ, name: '李测试' });
    },
  });
  portalToken = await system.token({ role: 'portal', region: 'bz', subject: 'bz-clerk' });
  // Warm: the first checks pay for query planning and the first connections.
  const warm = load();
  await sleep(3_000);
  await expectSafe(await warm.stop());
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

function load(): CheckLoad {
  return startCheckLoad({ gatewayUrl: system.gatewayUrl, token: portalToken, cases: CASES, concurrency: 16 });
}

/** Waits until a check sent after `afterMs` is answered completely (every region), or fails. */
async function recovered(running: CheckLoad, afterMs: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const healed = running.outcomes.find((outcome) => outcome.sentAt >= afterMs && outcome.kind === 'answered' && outcome.missingRegions?.length === 0);
    if (healed) return healed.sentAt + healed.durationMs - afterMs;
    await sleep(50);
  }
  throw new Error(`no complete answer within ${timeoutMs} ms`);
}

/** What every fault must keep: no fail-open or wrong answer, no connection reset, no answered lookup missing from the access log. */
async function expectSafe(outcomes: readonly CheckOutcome[]): Promise<void> {
  const summary = summarize(outcomes);
  expect(summary.answered).toBeGreaterThan(0);
  expect(outcomes.filter((outcome) => outcome.failOpen)).toEqual([]);
  expect(outcomes.filter((outcome) => outcome.wrong !== null).map((outcome) => outcome.wrong)).toEqual([]);
  expect(outcomes.filter((outcome) => outcome.kind === 'reset').map((outcome) => outcome.error)).toEqual([]);
  expect(await missingAccessLogEntries(outcomes, system.provinceDatabase.sql)).toEqual([]);
}

describe('SIGTERM under load', () => {
  it('the gateway finishes every request in flight, resets none, and exits 0', async () => {
    const running = load();
    await sleep(1_500);
    const signalledAt = running.elapsed();
    system.signal('gateway', 'SIGTERM');
    const exit = await system.exited('gateway');
    await sleep(200);
    const outcomes = await running.stop();

    expect(exit).toEqual({ code: 0, signal: null });
    // Every check sent before the signal was answered, none refused or reset.
    const before = outcomes.filter((outcome) => outcome.sentAt < signalledAt);
    expect(before.length).toBeGreaterThanOrEqual(16);
    expect(before.filter((outcome) => outcome.kind !== 'answered')).toEqual([]);
    await expectSafe(outcomes);

    await system.start('gateway');
  }, 90_000);

  it('the province drains, exits 0, and checks recover once it is back', async () => {
    const running = load();
    await sleep(1_000);
    system.signal('province', 'SIGTERM');
    expect(await system.exited('province')).toEqual({ code: 0, signal: null });
    await sleep(500);
    await system.start('province');
    const restartedAt = running.elapsed();
    const recoveryMs = await recovered(running, restartedAt);
    await sleep(300);
    const outcomes = await running.stop();

    await expectSafe(outcomes);
    // While the province was away, lookups went unanswered (no person without the province).
    expect(summarize(outcomes).unanswered).toBeGreaterThan(0);
    expect(recoveryMs).toBeLessThan(5_000);
  }, 90_000);

  it('a region drains, exits 0, and checks recover once it is back', async () => {
    const running = load();
    await sleep(1_000);
    system.signal('aks', 'SIGTERM');
    expect(await system.exited('aks')).toEqual({ code: 0, signal: null });
    await sleep(500);
    await system.start('aks');
    const restartedAt = running.elapsed();
    const recoveryMs = await recovered(running, restartedAt);
    await sleep(300);
    const outcomes = await running.stop();

    await expectSafe(outcomes);
    expect(recoveryMs).toBeLessThan(10_000);
  }, 90_000);
});
