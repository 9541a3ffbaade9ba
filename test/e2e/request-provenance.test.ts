/**
 * The access log and the services' logs record what the gateway knows, not what a client claims
 * (issue 11, item 6): the gateway's own request id (a client's `x-request-id` only beside it, as
 * `clientRequestId`), the operation name as the gateway parsed it, and no `x-coalesced-request-ids`
 * but the gateway's. A subgraph believes those headers only from the gateway.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOperationManifest } from '../../platform/operationManifest.js';
import { gatewayHeaders, startTestSystem, type TestSystem } from '../helpers/system.js';

const ID_NUMBER = '11010519491231002X';
const FORGED_ID = 'forged-request-id-0001';
const FORGED_COALESCED = 'forged-coalesced-a forged-coalesced-b';

let system: TestSystem;
let logDir: string;
let logFile: string;

beforeAll(async () => {
  logDir = mkdtempSync(path.join(tmpdir(), 'xjzc-provenance-'));
  logFile = path.join(logDir, 'system.log');
  system = await startTestSystem({ env: { LOG_FILE: logFile, LOG_LEVEL: 'debug' } });
});

afterAll(async () => {
  await system?.stop();
  rmSync(logDir, { recursive: true, force: true });
});

interface LogLine {
  service?: string;
  requestId?: string;
  clientRequestId?: string;
  coalescedRequestIds?: string[];
}

const logLines = (): LogLine[] =>
  readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine);

/** A portal's lookup with the given operation, sent with forged id headers; returns the gateway's id. */
async function forgedLookup(query: string): Promise<string> {
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(await gatewayHeaders({ role: 'portal', region: 'bz', subject: 'bz-clerk-provenance' })),
      'x-request-id': FORGED_ID,
      'x-coalesced-request-ids': FORGED_COALESCED,
      'x-operation-name': 'ForgedOperationName',
    },
    body: JSON.stringify({ query, variables: { id: ID_NUMBER } }),
  });
  const body = (await response.json()) as { errors?: unknown };
  expect(body.errors).toBeUndefined();
  const id = response.headers.get('x-request-id');
  expect(id).toBeTruthy();
  return id!;
}

interface Entry {
  operation: string | null;
  documentHash: string | null;
  requestId: string | null;
  subject: string;
}

async function newestEntry(): Promise<Entry> {
  // Entries are written in batches off the request path.
  const key = (await system.query<{ person: { key: string } }>('query K($id: String!) { person(idNumber: $id) { key } }', { id: ID_NUMBER })).data!.person.key;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const body = await system.query<{ accessLog: Entry[] }>('query Audit($key: ID!) { accessLog(personKey: $key) { subject operation documentHash requestId } }', { key });
    const entry = body.data?.accessLog.find((candidate) => candidate.subject === 'bz-clerk-provenance');
    if (entry || Date.now() > deadline) return entry!;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the access log', () => {
  it("records the gateway's request id and the operation name the gateway parsed, not the client's headers", async () => {
    const gatewayId = await forgedLookup('query Lookup($id: String!) { person(idNumber: $id) { idNumberMasked annualReview(year: 2024) { verdict } } }');
    expect(gatewayId).not.toBe(FORGED_ID);
    const entry = await newestEntry();
    expect(entry).toMatchObject({ requestId: gatewayId, operation: 'Lookup' });
  });

  it('records a name shaped like the gateway’s subgraph operation names as it was given', async () => {
    // The province used to cut `__province__<n>` off its own operation name: a client name ending so lost it.
    await forgedLookup('query Audit__province__7($id: String!) { person(idNumber: $id) { idNumberMasked } }');
    await expect.poll(async () => (await newestEntry()).operation, { timeout: 10_000 }).toBe('Audit__province__7');
  });

  it("records the document's hash beside its name: a shipped operation's is its manifest id, a look-alike with the same name's is not", async () => {
    const shipped = loadOperationManifest().operations.find((operation) => operation.name === 'AnnualReviewCheck')!;
    const send = async (query: string) => {
      const response = await fetch(system.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await gatewayHeaders({ role: 'portal', region: 'bz', subject: 'bz-clerk-provenance' })) },
        body: JSON.stringify({ query, variables: { idNumber: ID_NUMBER, year: 2024 } }),
      });
      expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    };
    await send(shipped.body);
    await expect.poll(async () => (await newestEntry()).documentHash, { timeout: 10_000 }).toBe(shipped.id);
    expect((await newestEntry()).operation).toBe('AnnualReviewCheck');

    const lookAlike = 'query AnnualReviewCheck($idNumber: String!, $year: Int!) { person(idNumber: $idNumber) { idNumberMasked annualReview(year: $year) { verdict } } }';
    await send(lookAlike);
    const hash = createHash('sha256').update(lookAlike).digest('hex');
    await expect.poll(async () => (await newestEntry()).documentHash, { timeout: 10_000 }).toBe(hash);
    expect(hash).not.toBe(shipped.id);
    expect((await newestEntry()).operation).toBe('AnnualReviewCheck');
  });

  it('never records a name over 100 characters: the gateway refuses the document, and the lookup is not made', async () => {
    const name = `L${'o'.repeat(150)}ng`;
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await gatewayHeaders({ role: 'portal', region: 'bz', subject: 'bz-clerk-provenance' })) },
      body: JSON.stringify({ query: `query ${name}($id: String!) { person(idNumber: $id) { idNumberMasked } }`, variables: { id: ID_NUMBER } }),
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(text).not.toContain(name);
    expect((await newestEntry()).operation).not.toContain('Looo');
  });
});

describe('the logs', () => {
  it("carry the gateway's request id everywhere, the client's only as clientRequestId at the gateway, and no forged coalesced ids", async () => {
    const gatewayId = await forgedLookup('query Lookup($id: String!) { person(idNumber: $id) { idNumberMasked records { region found } } }');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = logLines();
    expect(lines.filter((line) => line.requestId === FORGED_ID)).toEqual([]);
    expect(lines.filter((line) => JSON.stringify(line.coalescedRequestIds ?? []).includes('forged'))).toEqual([]);
    expect(lines.some((line) => line.service === 'gateway' && line.requestId === gatewayId && line.clientRequestId === FORGED_ID)).toBe(true);
    expect(lines.filter((line) => line.service !== 'gateway' && line.clientRequestId !== undefined)).toEqual([]);
  });

  it('at a subgraph, ignore request ids from anyone but the gateway', async () => {
    const province = system.services.get('province')!;
    const response = await fetch(province.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'forged-direct-0001', 'x-coalesced-request-ids': 'forged-direct-a' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.get('x-request-id')).not.toBe('forged-direct-0001');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readFileSync(logFile, 'utf8')).not.toContain('forged-direct');
  });
});
