/**
 * Access control end to end, through the gateway on real PostgreSQL: who may read what (issue 5,
 * subgraphs/access.ts). Each role's allowed and denied operations; a portal asking for another
 * region's detail; credentials that are missing, expired or forged; a call straight to a subgraph
 * without the gateway's credential; and the access log of person lookups.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter } from '../../domain/idNumber.js';
import { signInternalToken } from '../../platform/auth.js';
import { insertAksApplicant, insertBzPerson } from '../fixtures/portalRows.js';
import { gatewayHeaders, startTestSystem, subgraphHeaders, type GraphQLBody, type TestCaller, type TestSystem } from '../helpers/system.js';

const withCheck = (first17: string) => first17 + checkCharacter(first17);
// In bz (2024 民营专项) and aks (2024 general review): ALREADY_APPLIED for 2024.
const PERSON = withCheck('65280119900101123');
const NAME = '访问控制·测试';
// Five more bz people with a 2023 review each: a statistics cell of exactly 5.
const FIVE = Array.from({ length: 5 }, (_, index) => withCheck(`6528011980010${index}12`.slice(0, 17)));
// 2022 in bz: 2 初级 and 6 中级 reviews, 8 in all. Showing the 6 would give the 2 away (8 - 6).
const Y2022 = Array.from({ length: 8 }, (_, index) => withCheck(`6528011970020${index}12`.slice(0, 17)));

const LOOKUP = /* GraphQL */ `
  query Lookup($idNumber: String!) {
    person(idNumber: $idNumber) {
      key
      idNumberMasked
      records {
        region
        found
        profile { gender name employer }
        allApplications { id region year reviewKind status series levelLabel }
      }
      annualReview(year: 2024) {
        verdict
        complete
        counted { id region year reviewKind status levelLabel }
      }
    }
  }
`;

interface LookupData {
  person: {
    key: string;
    idNumberMasked: string;
    records: Array<{
      region: string;
      found: boolean | null;
      profile: { gender: string; name: string | null; employer: string | null } | null;
      allApplications: Array<Record<string, unknown>> | null;
    } | null>;
    annualReview: { verdict: string; complete: boolean; counted: Array<Record<string, unknown>> };
  } | null;
}

const STATISTICS = /* GraphQL */ `
  query Dashboard($year: Int) {
    regions(codes: ["bz"]) {
      code
      statistics(year: $year, groupBy: [REGION]) { region count suppressed }
    }
  }
`;

let system: TestSystem;

async function as<T>(caller: TestCaller, query: string, variables?: Record<string, unknown>): Promise<GraphQLBody<T>> {
  return system.query<T>(query, variables, await gatewayHeaders(caller));
}

/** A raw POST to `url`, for status codes and headers. */
async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLBody<Record<string, unknown>> };
}

function codes(body: GraphQLBody<unknown>): string[] {
  return [...new Set((body.errors ?? []).map((error) => String(error.extensions?.code)))];
}

const record = (data: LookupData, region: string) => data.person!.records.find((candidate) => candidate?.region === region)!;

beforeAll(async () => {
  system = await startTestSystem({
    // Generous: on two cores the suites run side by side, and a timeout is not what this tests.
    env: { SUBGRAPH_TIMEOUT_MS: '15000' },
    seed: async (databases) => {
      await insertBzPerson(databases.bz!.sql, { xm: NAME, sfzh: PERSON }, [
        { pcdm: 'BZ2024ZJMQ', sbnd: 2024, pslb: '民营专项', sbjb: '中级', zt: 3, zhtjsj: '2024-07-18 10:30' },
      ]);
      await insertAksApplicant(databases.aks!.sql, { fullName: NAME, idCard: PERSON }, [
        { batchCode: 'AKS-2024-JXDZ-HG', year: 2024, track: 'general', state: 'committee_audit', submittedAt: '2024-08-12T09:00:00+08:00' },
      ]);
      for (const [index, idNumber] of FIVE.entries()) {
        await insertBzPerson(databases.bz!.sql, { xm: `统计${index}号`, sfzh: idNumber }, [{ sbnd: 2023, pslb: '评审', sbjb: '初级', zt: 7 }]);
      }
      for (const [index, idNumber] of Y2022.entries()) {
        await insertBzPerson(databases.bz!.sql, { xm: `二〇二二${index}号`, sfzh: idNumber }, [{ sbnd: 2022, pslb: '评审', sbjb: index < 2 ? '初级' : '中级', zt: 7 }]);
      }
    },
  });
});

afterAll(async () => {
  await system?.stop();
});

describe('authentication at the gateway', () => {
  const lookup = { query: LOOKUP, variables: { idNumber: PERSON } };

  it('refuses a request without a token with 401 UNAUTHENTICATED in the GraphQL error shape', async () => {
    const { status, headers, body } = await post(system.gatewayUrl, lookup);
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer');
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(body.errors![0]!.message).not.toMatch(/Context creation failed/);
  });

  it.each([
    ['an expired token', () => gatewayHeaders({ role: 'analyst', expiresIn: Math.floor(Date.now() / 1000) - 120 })],
    ['a token signed with another key', () => forged({ role: 'analyst' }, { secret: 'some-other-secret-that-is-long-enough-0123' })],
    ['a token for another audience', () => forged({ role: 'analyst' }, { audience: 'someone-else' })],
    ['a token from another issuer', () => forged({ role: 'analyst' }, { issuer: 'someone-else' })],
    ['a token with an unknown role', () => forged({ role: 'admin' })],
    ['a portal token without a region', () => forged({ role: 'portal' })],
    ['a portal token of an unknown region', () => forged({ role: 'portal', region: 'xx' })],
    ['the gateway\'s own internal token', async () => ({ authorization: `Bearer ${await signInternalToken({ role: 'analyst', region: null, subject: 'x' }, system.config.internalTokenSecret)}` })],
    ['a malformed header', async () => ({ authorization: 'Bearer not.a.jwt' })],
    ['another scheme', async () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' })],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_label, headers) => {
    const { status, body } = await post(system.gatewayUrl, lookup, await headers());
    expect(status).toBe(401);
    expect(codes(body)).toEqual(['UNAUTHENTICATED']);
  });
});

/** A client token with chosen claims, signed like the development tokens unless told otherwise. */
async function forged(claims: Record<string, unknown>, options: { secret?: string; audience?: string; issuer?: string } = {}) {
  const { auth } = system.config;
  const secret = options.secret ?? (auth.verification.kind === 'secret' ? auth.verification.secret : '');
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('test-forged')
    .setIssuer(options.issuer ?? auth.issuer)
    .setAudience(options.audience ?? auth.audience)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(secret));
  return { authorization: `Bearer ${token}` };
}

describe('a subgraph called directly', () => {
  const query = { query: '{ regions { code } }' };
  it.each(['province', 'bz', 'aks', 'wlmq'])('%s refuses a request without the gateway\'s credential', async (name) => {
    const url = system.services.get(name)!.url;
    const bare = await post(url, name === 'province' ? query : { query: '{ _service { sdl } }' });
    expect(bare.status).toBe(401);
    expect(codes(bare.body)).toEqual(['UNAUTHENTICATED']);
    // A client's own token is not the gateway's credential.
    const client = await post(url, query, await gatewayHeaders({ role: 'analyst' }));
    expect(client.status).toBe(401);
    // The gateway's token, signed with another key.
    const wrongKey = await signInternalToken({ role: 'analyst', region: null, subject: 'x' }, 'another-internal-secret-0123456789abcdef');
    expect((await post(url, query, { authorization: `Bearer ${wrongKey}` })).status).toBe(401);
  });

  it('answers the gateway\'s credential', async () => {
    const { status, body } = await post(system.services.get('province')!.url, query, await subgraphHeaders());
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });
});

describe('analyst: every region, blind (盲评)', () => {
  it('reads every region\'s applications in full, with names and employers FORBIDDEN', async () => {
    const { data, errors } = await as<LookupData>({ role: 'analyst' }, LOOKUP, { idNumber: PERSON });
    expect(data!.person!.idNumberMasked).toBe(`${PERSON.slice(0, 6)}********${PERSON.slice(-4)}`);
    const bz = record(data!, 'bz');
    expect(bz.profile).toMatchObject({ gender: 'MALE', name: null, employer: null });
    expect(record(data!, 'aks').allApplications![0]).toMatchObject({ region: 'aks', series: 'ENGINEERING', id: expect.stringMatching(/^aks:/) });
    expect(data!.person!.annualReview.verdict).toBe('ALREADY_APPLIED');
    expect(data!.person!.annualReview.counted.every((application) => typeof application.id === 'string')).toBe(true);
    expect(codes({ errors })).toEqual(['FORBIDDEN']);
    const paths = errors!.map((error) => error.path!.slice(-2).join('.'));
    expect(new Set(paths)).toEqual(new Set(['profile.name', 'profile.employer']));
    expect(JSON.stringify({ data, errors })).not.toContain(NAME);
  });

  it('reads statistics unsuppressed, and pages through a region\'s applications', async () => {
    const { data, errors } = await as<{ regions: Array<{ statistics: Array<{ count: number | null; suppressed: boolean }> }> }>({ role: 'analyst' }, STATISTICS, { year: 2024 });
    expect(errors).toBeUndefined();
    expect(data!.regions[0]!.statistics).toEqual([{ region: 'bz', count: 1, suppressed: false }]);
    const list = await as({ role: 'analyst' }, '{ regions(codes: ["aks"]) { applications(first: 5) { totalCount edges { node { id series } } } } }');
    expect(list.errors).toBeUndefined();
  });
});

describe('portal: bound to its region', () => {
  const bzPortal: TestCaller = { role: 'portal', region: 'bz', subject: 'bz-portal' };

  it('sees its own region in full, and only region, year, reviewKind and status of another region\'s applications', async () => {
    const { data, errors } = await as<LookupData>(bzPortal, LOOKUP, { idNumber: PERSON });
    const person = data!.person!;
    // Own region: everything, the name included.
    const bz = record(data!, 'bz');
    expect(bz.profile).toMatchObject({ name: NAME, employer: expect.any(String) });
    expect(bz.allApplications![0]).toMatchObject({ id: expect.stringMatching(/^bz:/), series: 'ENGINEERING', levelLabel: '中级' });
    // Another region: the summary fields, the rest null with FORBIDDEN.
    const aks = record(data!, 'aks');
    expect(aks.found).toBe(true);
    expect(aks.profile).toBeNull();
    expect(aks.allApplications).toEqual([{ id: null, region: 'aks', year: 2024, reviewKind: 'REVIEW', status: 'AWAITING_COMMITTEE_AUDIT', series: null, levelLabel: null }]);
    // The province's verdict is whole; its list follows the same rule.
    expect(person.annualReview).toMatchObject({ verdict: 'ALREADY_APPLIED', complete: true });
    const counted = Object.fromEntries(person.annualReview.counted.map((application) => [application.region, application]));
    expect(counted.aks).toEqual({ id: null, region: 'aks', year: 2024, reviewKind: 'REVIEW', status: 'AWAITING_COMMITTEE_AUDIT', levelLabel: null });
    expect(counted.bz).toMatchObject({ id: expect.stringMatching(/^bz:/), levelLabel: '中级' });

    expect(codes({ errors })).toEqual(['FORBIDDEN']);
    const denied = new Set(errors!.map((error) => error.path!.filter((part) => typeof part === 'string').slice(-2).join('.')));
    expect(denied).toEqual(
      new Set(['records.profile', 'allApplications.id', 'allApplications.series', 'allApplications.levelLabel', 'counted.id', 'counted.levelLabel']),
    );
    // (Which record an entity error's path names is @apollo/gateway's mapping, not ours: the
    // data above shows bz whole and the others restricted.)
  });

  it('gets FORBIDDEN for another region\'s list, even of the fields it may read, and its own in full', async () => {
    const other = await as<{ regions: Array<{ code: string; applications: unknown }> }>(
      bzPortal,
      '{ regions(codes: ["aks"]) { code applications(first: 5) { totalCount edges { node { region year status } } } } }',
    );
    expect(other.data!.regions).toEqual([{ code: 'aks', applications: null }]);
    expect(codes(other)).toEqual(['FORBIDDEN']);
    const own = await as(bzPortal, '{ regions(codes: ["bz"]) { applications(first: 5) { edges { node { region series localId } } } } }');
    expect(own.errors).toBeUndefined();
  });

  it('may not read the access log', async () => {
    const { data, errors } = await as(bzPortal, 'query { accessLog(personKey: "k") { at } }');
    expect(data).toBeNull();
    expect(codes({ errors })).toEqual(['FORBIDDEN']);
  });
});

describe('dashboard: statistics only', () => {
  const dashboard: TestCaller = { role: 'dashboard' };

  it('may not look a person up', async () => {
    const { data, errors } = await as(dashboard, LOOKUP, { idNumber: PERSON });
    expect(data).toBeNull();
    expect(codes({ errors })).toEqual(['FORBIDDEN']);
  });

  it('gets perturbed counts: a cell of 1 never shows as 1 or 2, and the same cell the same count however asked', async () => {
    const small = await as<{ regions: Array<{ statistics: Array<{ count: number; perturbed: boolean }> }> }>(
      dashboard,
      STATISTICS.replace('count suppressed', 'count suppressed perturbed'),
      { year: 2024 },
    );
    expect(small.errors).toBeUndefined();
    // The analyst reads 1 here (above); the ungrouped total always has its row.
    const [row] = small.data!.regions[0]!.statistics;
    expect(row).toMatchObject({ region: 'bz', suppressed: false, perturbed: true });
    expect([0, 3]).toContain(row!.count);
    const again = await as<{ regions: Array<{ statistics: Array<{ count: number }> }> }>(
      dashboard,
      '{ regions(codes: ["bz"]) { statistics(year: 2024, groupBy: []) { count } } }',
    );
    expect(again.data!.regions[0]!.statistics[0]!.count).toBe(row!.count);
  });

  it('cannot recover a small count by subtracting the other cells from the total', async () => {
    const query = `query ($groupBy: [StatisticsDimension!]!) { regions(codes: ["bz"]) { statistics(year: 2022, groupBy: $groupBy) { level count perturbed } } }`;
    type Rows = { regions: Array<{ statistics: Array<{ level: string | null; count: number; perturbed: boolean }> }> };
    // 2 初级 and 6 中级 in 2022: before perturbation, 8 - 6 gave the 2 away.
    const exact = await as<Rows>({ role: 'analyst' }, query, { groupBy: ['LEVEL'] });
    expect(exact.data!.regions[0]!.statistics.map((row) => row.count).sort()).toEqual([2, 6]);
    expect(exact.data!.regions[0]!.statistics.every((row) => !row.perturbed)).toBe(true);
    const total = await as<Rows>(dashboard, query, { groupBy: [] });
    const byLevel = await as<Rows>(dashboard, query, { groupBy: ['LEVEL'] });
    expect(byLevel.errors).toBeUndefined();
    const rows = byLevel.data!.regions[0]!.statistics;
    expect(rows.every((row) => row.perturbed)).toBe(true);
    const junior = rows.find((row) => row.level === 'JUNIOR')?.count ?? 0;
    const intermediate = rows.find((row) => row.level === 'INTERMEDIATE')?.count ?? 0;
    // The 2 is never shown as such; the total and the 6 carry perturbations of their own, so their
    // difference is not the 2 but a noisy guess (test/unit/perturbation.test.ts gives the odds).
    expect([0, 3]).toContain(junior);
    expect(Math.abs(intermediate - 6)).toBeLessThanOrEqual(2);
    expect(total.data!.regions[0]!.statistics).toHaveLength(1);
    // Asking again another way gives the same cells the same counts: nothing to average away.
    const withRegion = await as<Rows>(dashboard, query, { groupBy: ['REGION', 'LEVEL'] });
    const counts = (answer: Rows) => Object.fromEntries(answer.regions[0]!.statistics.map((row) => [row.level, row.count]));
    expect(counts(withRegion.data!)).toEqual(counts(byLevel.data!));
  });

  it('gets FORBIDDEN for a region\'s application list, with the rest of the answer kept', async () => {
    const { data, errors } = await as<{ regions: Array<{ code: string; applications: unknown }> }>(
      dashboard,
      '{ regions { code applications(first: 5) { totalCount } } }',
    );
    expect(data!.regions.map((region) => region.code)).toEqual(['bz', 'aks', 'wlmq']);
    expect(data!.regions.every((region) => region.applications === null)).toBe(true);
    expect(codes({ errors })).toEqual(['FORBIDDEN']);
  });
});

describe('the access log of person lookups', () => {
  it('lists who looked a person up, when and in which operation, to analysts, by Person.key only', async () => {
    const portal = await as<LookupData>({ role: 'portal', region: 'aks', subject: 'aks-clerk-7' }, LOOKUP, { idNumber: PERSON });
    const key = portal.data!.person!.key;
    const { data, errors } = await as<{ accessLog: Array<Record<string, unknown>> }>(
      { role: 'analyst', subject: 'auditor-1' },
      'query Audit($key: ID!) { accessLog(personKey: $key) { at role region subject operation requestId } }',
      { key },
    );
    expect(errors).toBeUndefined();
    const newest = data!.accessLog[0]!;
    expect(newest).toMatchObject({ role: 'portal', region: 'aks', subject: 'aks-clerk-7', operation: 'Lookup' });
    expect(newest.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(data!.accessLog.length).toBeGreaterThanOrEqual(2);

    const { rows } = await system.provinceDatabase.sql.query<Record<string, unknown>>('SELECT * FROM access_log');
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(PERSON);
    expect(JSON.stringify(rows)).not.toContain(PERSON.slice(0, 17));
  });
});
