/**
 * The README's examples are true: every `curl` it shows is sent, in the README's order, to a system
 * holding the embedded default's demo data (same seed, same development secrets), and the answer is
 * compared with the block the README prints under it. Values that belong to a run (claim ids,
 * timestamps of the run, sealed cursors) must have the README's shape; an id the README reuses in a
 * later request stands for the one this run got.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoData } from '../../demo/writeDemoData.js';
import { REGIONS } from '../../domain/regions.js';
import { mintDevelopmentToken } from '../../gateway/developmentToken.js';
import type { Role } from '../../platform/auth.js';
import { loadConfig } from '../../platform/config.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

const README = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');

interface Example {
  /** Line of the curl in README.md, for the failure message. */
  line: number;
  token: { role: Role; region?: string };
  /** POST body, or null for a GET. */
  body: string | null;
  urlPath: string;
  /** The block printed under it, and its language. */
  expected: string;
  language: string;
}

/** Every curl to the gateway with the block that follows it, in the README's order. */
function examples(): Example[] {
  const blocks = [...README.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => ({
    language: match[1]!,
    text: match[2]!,
    line: README.slice(0, match.index).split('\n').length,
  }));
  const found: Example[] = [];
  let token: Example['token'] | null = null;
  blocks.forEach((block, index) => {
    if (block.language !== 'bash') return;
    const tokenLine = block.text.match(/^TOKEN=\$\(npm run -s token -- --role (\w+)(?: --region (\w+))?\)/m);
    if (tokenLine) token = { role: tokenLine[1] as Role, ...(tokenLine[2] ? { region: tokenLine[2] } : {}) };
    const curl = block.text.match(/curl -s "?http:\/\/127\.0\.0\.1:4000(\/[^\s"]*)/);
    if (!curl) return;
    const data = block.text.match(/ -d '([^']*)'/);
    const next = blocks[index + 1];
    if (!next || !token) throw new Error(`README.md:${block.line}: a curl without a token or an answer under it`);
    found.push({ line: block.line, token, urlPath: curl[1]!, body: data?.[1] ?? null, expected: next.text, language: next.language });
  });
  return found;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Fields whose value is the run's own: compared by shape. */
const RUN_FIELDS = new Set(['endCursor', 'cursor', 'at', 'expiresAt', 'createdAt', 'computedAt']);

/**
 * The README's answer with the run's own values taken from the actual answer where they have the
 * README's shape (so that a deep equality then compares everything else), recording README ids
 * that stand for this run's.
 */
function adopt(expected: unknown, actual: unknown, ids: Map<string, string>, key = ''): unknown {
  if (Array.isArray(expected)) return expected.map((item, index) => adopt(item, Array.isArray(actual) ? actual[index] : undefined, ids));
  if (expected && typeof expected === 'object') {
    const other = (actual && typeof actual === 'object' ? actual : {}) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(expected).map(([field, value]) => [field, adopt(value, other[field], ids, field)]));
  }
  if (typeof expected === 'string' && typeof actual === 'string') {
    if (UUID.test(expected) && UUID.test(actual)) {
      ids.set(expected, actual);
      return actual;
    }
    if (RUN_FIELDS.has(key) && (ISO_INSTANT.test(expected) ? ISO_INSTANT.test(actual) : actual.length > 0)) return actual;
  }
  return expected;
}

let system: TestSystem;
const config = loadConfig({ NODE_ENV: 'test' });

beforeAll(async () => {
  // The embedded default's demo data: each region written on its own with DEMO_SEED's default, as
  // app/services.ts fills an embedded database.
  const demoSeed = loadConfig({}).demoSeed;
  system = await startTestSystem({
    // The development default secret, which the README's perturbed counts and cursors follow.
    env: { IDENTITY_SECRET: loadConfig({}).identitySecret, SUBGRAPH_TIMEOUT_MS: '10000', PORTAL_SUBGRAPH_TIMEOUT_MS: '10000' },
    seed: async (databases) => {
      for (const region of REGIONS) await writeDemoData({ [region.code]: databases[region.code]!.sql }, { seed: demoSeed });
    },
  });
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

describe("the README's examples", () => {
  const found = examples();
  const ids = new Map<string, string>();

  it('are found: every curl in the README is checked here', () => {
    expect(found.length).toBeGreaterThanOrEqual(9);
  });

  // In order: later examples act on what earlier ones did (a claim, then its confirmation).
  for (const example of found) {
    it(`README.md:${example.line} ${example.body?.slice(0, 60) ?? example.urlPath}`, async () => {
      const token = await mintDevelopmentToken(config.auth, example.token);
      const origin = new URL(system.gatewayUrl).origin;
      let body = example.body;
      for (const [readmeId, runId] of ids) body = body?.replaceAll(readmeId, runId) ?? null;
      const response = await fetch(`${origin}${example.urlPath}`, {
        method: body === null ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${token}`, ...(body === null ? {} : { 'content-type': 'application/json' }) },
        ...(body === null ? {} : { body }),
      });
      const text = await response.text();
      if (example.language === 'json') {
        const actual = JSON.parse(text) as unknown;
        expect(actual, `README.md:${example.line}`).toEqual(adopt(JSON.parse(example.expected), actual, ids));
      } else {
        // `| head -4`: the first lines of the download, the byte-order mark aside.
        const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
        const expectedLines = example.expected.trimEnd().split('\n');
        expect(lines.slice(0, expectedLines.length), `README.md:${example.line}`).toEqual(expectedLines);
      }
    }, 60_000);
  }
});
