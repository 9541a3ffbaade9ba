/**
 * Faults under load, on the system as production runs it: every service its own process
 * (NODE_ENV=production), real signals, real PostgreSQL. A steady load of portal checks runs
 * through each fault; every fault asserts that no answer is fail-open (CLEAR where it is not), that
 * every answered lookup has its access-log row, that the system recovers without a restart of
 * anything but the faulty process, and that a SIGTERM drains: zero connections reset, exit code 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_CASES, seedCheckCases } from '../fixtures/checkCases.js';
import { completeAgain, missingAccessLogEntries, startCheckLoad, summarize, type CheckLoad, type CheckOutcome } from '../helpers/checkLoad.js';
import { startProcessSystem, type ProcessSystem } from '../helpers/processSystem.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let system: ProcessSystem;
let portalToken: string;

beforeAll(async () => {
  system = await startProcessSystem({
    // Generous deadlines: on a busy shared machine a healthy check can take seconds, and a check
    // that times out would look like the fault under test.
    // No rate limit: the load sends far more than one portal's budget once a fault makes answers
    // come back in milliseconds, and a 429 would hide whether the system recovered (the limiter
    // has tests of its own in test/e2e/rate-limits.test.ts).
    env: { PORTAL_SUBGRAPH_TIMEOUT_MS: '5000', SUBGRAPH_TIMEOUT_MS: '10000', CIRCUIT_OPEN_MS: '2000', RATE_LIMIT_PORTAL: '0' },
    seed: seedCheckCases,
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

const CONCURRENCY = 16;

function load(): CheckLoad {
  return startCheckLoad({ gatewayUrl: system.gatewayUrl, token: portalToken, cases: CHECK_CASES, concurrency: CONCURRENCY });
}

/**
 * A check that waited out a region's full deadline: its answer names the region missing for
 * TIMEOUT. Counted from the answers, not timed, so a slow machine does not change the count.
 */
const paidTheDeadline = (outcome: CheckOutcome) => outcome.errorReasons.includes('TIMEOUT');

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
    const recoveryMs = await completeAgain(running, restartedAt);
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
    const recoveryMs = await completeAgain(running, restartedAt);
    await sleep(300);
    const outcomes = await running.stop();

    await expectSafe(outcomes);
    expect(recoveryMs).toBeLessThan(10_000);
  }, 90_000);
});

describe('a region that fails under load', () => {
  it('hung (SIGSTOP): once its circuit is open no check waits for it, the others still decide, and it recovers on SIGCONT', async () => {
    const running = load();
    await sleep(1_000);
    system.signal('aks', 'SIGSTOP');
    await system.waitForCircuit('aks', 'open');
    // The gateway stays ready with the region's circuit open.
    expect((await fetch(system.gatewayUrl.replace(/\/graphql$/, '/ready'))).status).toBe(200);
    const openFrom = running.elapsed();
    await sleep(3_000);
    const openUntil = running.elapsed();
    system.signal('aks', 'SIGCONT');
    const recoveryMs = await completeAgain(running, running.elapsed());
    const outcomes = await running.stop();

    await expectSafe(outcomes);
    // Until the circuit opened: the checks in flight when aks stopped waited, and the circuit
    // opened at their timeouts (failures in a row), so hardly more than one round of them.
    const opening = outcomes.filter((outcome) => outcome.sentAt < openFrom);
    expect(opening.filter(paidTheDeadline).length).toBeGreaterThan(0);
    expect(opening.filter(paidTheDeadline).length).toBeLessThanOrEqual(2 * CONCURRENCY);
    // Checks sent while the circuit was open: answered, with aks named missing for CIRCUIT_OPEN;
    // only the one probe per CIRCUIT_OPEN_MS (2 s here) waits out the deadline.
    const all = outcomes.filter((outcome) => outcome.sentAt >= openFrom && outcome.sentAt < openUntil);
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((outcome) => outcome.kind === 'answered')).toBe(true);
    expect(all.filter((outcome) => outcome.errorReasons.includes('CIRCUIT_OPEN')).length).toBeGreaterThan(0);
    const probes = Math.ceil((openUntil - openFrom) / 2_000) + 1;
    // So the share that paid it is probes / checks: within the 1% wherever the window
    // carries 100 checks per probe, which `npm run faults` measures over a longer window.
    expect(all.filter(paidTheDeadline).length).toBeLessThanOrEqual(probes);
    expect(recoveryMs).toBeLessThan(15_000);
    expect(await system.circuit('aks')).toBe('closed');
  }, 120_000);

  it('killed (SIGKILL): checks answer without it at once, and recover once it is restarted', async () => {
    const running = load();
    await sleep(1_000);
    system.signal('aks', 'SIGKILL');
    expect((await system.exited('aks')).signal).toBe('SIGKILL');
    await sleep(2_000);
    await system.start('aks');
    const recoveryMs = await completeAgain(running, running.elapsed());
    const outcomes = await running.stop();

    await expectSafe(outcomes);
    expect(outcomes.some((outcome) => outcome.missingRegions?.includes('aks'))).toBe(true);
    expect(recoveryMs).toBeLessThan(15_000);
  }, 120_000);

  it('its database refusing connections: checks answer without it, fast, and recover when it accepts again', async () => {
    const running = load();
    await sleep(1_000);
    await system.setConnectionsAllowed(system.databases.aks!, false);
    const refusingFrom = running.elapsed();
    await sleep(3_000);
    await system.setConnectionsAllowed(system.databases.aks!, true);
    const recoveryMs = await completeAgain(running, running.elapsed());
    const outcomes = await running.stop();

    await expectSafe(outcomes);
    const refusing = outcomes.filter((outcome) => outcome.sentAt >= refusingFrom + 500 && outcome.sentAt < refusingFrom + 3_000);
    expect(refusing.some((outcome) => outcome.missingRegions?.includes('aks'))).toBe(true);
    expect(refusing.filter((outcome) => outcome.durationMs >= 5_000)).toEqual([]);
    expect(refusing.filter(paidTheDeadline)).toEqual([]);
    expect(recoveryMs).toBeLessThan(15_000);
  }, 120_000);
});

describe('the province killed under load (SIGKILL)', () => {
  it('loses no access-log entry of an answered lookup, answers nothing while it is away, and recovers after its restart', async () => {
    const running = load();
    await sleep(1_500);
    system.signal('province', 'SIGKILL');
    expect((await system.exited('province')).signal).toBe('SIGKILL');
    await sleep(1_000);
    await system.start('province');
    const recoveryMs = await completeAgain(running, running.elapsed());
    await sleep(300);
    const outcomes = await running.stop();

    await expectSafe(outcomes);
    expect(summarize(outcomes).unanswered).toBeGreaterThan(0);
    expect(recoveryMs).toBeLessThan(15_000);
  }, 150_000);
});
