/**
 * The security audit's findings, tried as an attacker would, through the gateway on real
 * PostgreSQL: unbounded input echoed back in error messages, in eligibility reasons and by the
 * CSV export; a claim for an ID number whose birth date cannot be real; years the province did not
 * check; persisted-query mistakes answered as our own failure; and an operation name so long that
 * the province refused the gateway's call and the client was told the province was unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { gatewayHeaders, startTestSystem, type GraphQLBody, type TestCaller, type TestSystem } from '../helpers/system.js';

const analyst: TestCaller = { role: 'analyst' };

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
});

afterAll(async () => {
  await system?.stop();
});

interface Answer {
  status: number;
  text: string;
  body: GraphQLBody<Record<string, unknown>>;
}

async function post(payload: unknown, caller: TestCaller = analyst): Promise<Answer> {
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(await gatewayHeaders(caller)) },
    body: JSON.stringify(payload),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as GraphQLBody<Record<string, unknown>> };
}

const codes = (answer: Answer) => [...new Set(answer.body.errors?.map((error) => String(error.extensions?.code)) ?? [])];

/** The answer is short and holds no run of the attacker's character longer than a bounded quote. */
function expectNoEcho(answer: Answer, character: string): void {
  expect(answer.text.length, answer.text.slice(0, 300)).toBeLessThan(2_000);
  expect(answer.text).not.toContain(character.repeat(100));
}

describe('client input quoted in error messages is bounded', () => {
  it('a variable `$y: Int` sent as an 84 kB string: 400 BAD_USER_INPUT, its value cut', async () => {
    const answer = await post({ query: 'query Stats($y: Int) { regions { statistics(year: $y, groupBy: [LEVEL]) { count } } }', variables: { y: 's'.repeat(84_000) } });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expectNoEcho(answer, 's');
    // Still a message a person can act on: the variable is named and the start of the value kept.
    expect(answer.body.errors![0]!.message).toMatch(/"\$y".*"s{60}…"/);
  });

  it('a 90 kB string literal as a year: 400 GRAPHQL_VALIDATION_FAILED, not echoed', async () => {
    const answer = await post({ query: `{ regions { statistics(year: "${'s'.repeat(90_000)}", groupBy: [LEVEL]) { count } } }` });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expectNoEcho(answer, 's');
  });

  it('a 90 kB field name: 400 GRAPHQL_VALIDATION_FAILED, not echoed', async () => {
    const answer = await post({ query: `{ ${'f'.repeat(90_000)} }` });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expectNoEcho(answer, 'f');
  });
});

describe('the CSV export', () => {
  it('refuses a 5,000-character filter value with 400 BAD_USER_INPUT, without echoing it', async () => {
    const response = await fetch(`${new URL(system.gatewayUrl).origin}/export/applications.csv?level=${'X'.repeat(5_000)}`, { headers: await gatewayHeaders(analyst) });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect((JSON.parse(text) as GraphQLBody<unknown>).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(text.length).toBeLessThan(500);
    expect(text).not.toContain('X'.repeat(100));
  });

  it('answers an unknown but short value as before: 400, the message bounded', async () => {
    const response = await fetch(`${new URL(system.gatewayUrl).origin}/export/applications.csv?level=${'X'.repeat(99)}`, { headers: await gatewayHeaders(analyst) });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text.length).toBeLessThan(1_000);
  });
});

const withCheck = (first17: string) => first17 + checkCharacter(first17);
const PERSON = withCheck('65280119850505123');
const bzPortal: TestCaller = { role: 'portal', region: 'bz', subject: 'bz-clerk' };

const ELIGIBILITY = /* GraphQL */ `
  query Eligibility($id: String!, $input: EligibilityInput!) {
    person(idNumber: $id) { eligibility(input: $input) { verdict reasons { code messageZh messageEn } } }
  }
`;
const eligibilityInput = (extra: Record<string, unknown>) => ({ region: 'bz', level: 'INTERMEDIATE', reviewKind: 'REVIEW', ...extra });

describe('eligibility input', () => {
  it.each([
    ['batchCode', { batchCode: 'B'.repeat(20_000) }, 'B'],
    ['location', { batchCode: 'BZ2024ZJMQ', location: 'L'.repeat(20_000) }, 'L'],
    ['specialty', { year: 2024, series: 'ENGINEERING', specialty: 'S'.repeat(20_000) }, 'S'],
  ])('a 20,000-character %s is BAD_USER_INPUT, never quoted back', async (field, extra, character) => {
    for (const caller of [analyst, bzPortal]) {
      const answer = await post({ query: ELIGIBILITY, variables: { id: PERSON, input: eligibilityInput(extra) } }, caller);
      expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
      expect(answer.body.errors![0]!.message).toContain(`input.${field}`);
      expect(answer.text).not.toContain(character.repeat(100));
      expect(answer.text.length).toBeLessThan(1_000);
    }
  });

  it('a batch code within the limit is still checked: BATCH_NOT_FOUND', async () => {
    const answer = await post({ query: ELIGIBILITY, variables: { id: PERSON, input: eligibilityInput({ batchCode: 'B'.repeat(64) }) } });
    expect(answer.body.errors).toBeUndefined();
    const eligibility = (answer.body.data!.person as { eligibility: { reasons: Array<{ code: string }> } }).eligibility;
    expect(eligibility.reasons.map((reason) => reason.code)).toContain('BATCH_NOT_FOUND');
  });

  it.each([99_999, -1, 2_147_483_647, 1977, 2101])('year %i is BAD_USER_INPUT, not verdict UNKNOWN', async (year) => {
    const answer = await post({ query: ELIGIBILITY, variables: { id: PERSON, input: eligibilityInput({ year, series: 'ENGINEERING', specialty: '建筑' }) } });
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.body.errors![0]!.message).toMatch(/1978 to 2100/);
    expect(answer.body.data ?? null).toBeNull();
  });
});

describe('reviewBatches(year:)', () => {
  it.each([99_999, -1, 1977, 2101])('year %i is BAD_USER_INPUT, not an empty list', async (year) => {
    const answer = await post({ query: 'query Batches($year: Int) { reviewBatches(year: $year) { code } }', variables: { year } });
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.body.data ?? null).toBeNull();
  });

  it('a real year still lists its batches', async () => {
    const answer = await post({ query: '{ reviewBatches(year: 2024) { code } }' });
    expect(answer.body.errors).toBeUndefined();
    expect((answer.body.data!.reviewBatches as unknown[]).length).toBeGreaterThan(0);
  });
});

const BORN_2099 = '110105209912310010';
const MONTH_13 = '110105199913310016';

describe('claimAnnualReview with an ID number whose birth date cannot be real', () => {
  const CLAIM = /* GraphQL */ `mutation Claim($input: AnnualReviewClaimInput!) { claimAnnualReview(input: $input) { outcome } }`;
  const accessLogRows = async () => Number((await system.provinceDatabase.sql.query<{ n: string }>('SELECT count(*) AS n FROM access_log')).rows[0]!.n);

  it.each([
    ['born 2099-12-31', BORN_2099],
    ['month 13', MONTH_13],
  ])('is INVALID_ID_NUMBER (%s) and writes no access-log entry', async (_label, idNumber) => {
    const before = await accessLogRows();
    const answer = await post({ query: CLAIM, variables: { input: { idNumber, year: 2024, applicationId: 'bz:1' } } }, bzPortal);
    expect(codes(answer)).toEqual(['INVALID_ID_NUMBER']);
    expect(answer.body.errors![0]!.message).toMatch(/birth date/);
    expect(answer.text).not.toContain(idNumber);
    expect(await accessLogRows()).toBe(before);
  });
});

describe('persisted-query mistakes are the client\'s, answered 4xx with a code', () => {
  it.each([
    ['version 2', { extensions: { persistedQuery: { version: 2, sha256Hash: 'abc' } } }, 'PERSISTED_QUERY_NOT_SUPPORTED'],
    ['persistedQuery not an object', { extensions: { persistedQuery: 'x' } }, 'PERSISTED_QUERY_NOT_SUPPORTED'],
    ['a hash that is not the query\'s', { query: '{ regions { code } }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }, 'PERSISTED_QUERY_HASH_MISMATCH'],
  ])('%s: 400 %s', async (_label, payload, code) => {
    const answer = await post(payload);
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual([code]);
  });
});

describe('a name of 40,000 characters in the document', () => {
  it.each([
    ['an operation', (name: string) => `query ${name} { regions { code } }`],
    ['a variable', (name: string) => `query Stats($${name}: Int) { regions { statistics(year: $${name}, groupBy: [LEVEL]) { count } } }`],
    ['an alias', (name: string) => `{ ${name}: regions { code } }`],
  ])('in %s is refused at the gateway with 400 GRAPHQL_VALIDATION_FAILED, not sent on, not echoed', async (_label, document) => {
    // 40,000: a variable's name appears twice, and the body must stay under the 100 kB limit.
    const answer = await post({ query: document('O'.repeat(40_000)) });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(codes(answer)).not.toContain('REGION_UNAVAILABLE');
    expectNoEcho(answer, 'O');
  });

  it('of 100 characters is served', async () => {
    const answer = await post({ query: `query ${'O'.repeat(100)} { regions { code } }` });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });
});
