/**
 * The logs carry no personal data (issue 5; Personal Information Protection Law: an ID number is
 * sensitive personal information and is never logged). This runs the
 * end-to-end suites in a child vitest with every service logging at debug level into one folder
 * (test/helpers/system.ts, XJZC_TEST_LOG_DIR), then checks every line for anything shaped like an
 * ID number (18 or 15 characters) and for the names and employers the suites' test data use.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LOG_CAPTURE_DIR_VARIABLE } from '../helpers/system.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const logDir = mkdtempSync(path.join(tmpdir(), 'xjzc-log-check-'));

// Full-width digits count: the portals hold hand-typed numbers.
const ID_NUMBER_18 = /(?<![0-9A-Za-z０-９])[0-9０-９]{17}[0-9Xx０-９Ｘｘ](?![0-9A-Za-z０-９])/g;
const ID_NUMBER_15 = /(?<![0-9A-Za-z０-９])[0-9０-９]{15}(?![0-9A-Za-z０-９])/g;

/** Names and employers written by the end-to-end suites and their fixtures: literal CJK strings given as xm, fullName, name or NAME, and fixture employers. */
function testDataNames(): string[] {
  const files = [
    ...readdirSync(path.join(ROOT, 'test', 'e2e')).map((file) => path.join(ROOT, 'test', 'e2e', file)),
    ...readdirSync(path.join(ROOT, 'test', 'fixtures')).map((file) => path.join(ROOT, 'test', 'fixtures', file)),
  ].filter((file) => file.endsWith('.ts'));
  const names = new Set<string>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/\b(?:xm|fullName|name|NAME)\s*[:=]\s*'([^'\n]+)'/g)) names.add(match[1]!);
    for (const match of source.matchAll(/'([^'\n]*?(?:企业|公司|单位))'/g)) names.add(match[1]!);
  }
  return [...names].filter((name) => /[\u4e00-\u9fff]/.test(name) && name.length >= 2);
}

afterAll(() => {
  rmSync(logDir, { recursive: true, force: true });
});

describe('the end-to-end suites\' logs', () => {
  it('hold no ID number and no name or employer from the test data', () => {
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/e2e', '--reporter=dot', '--maxWorkers=1'],
      { cwd: ROOT, env: { ...process.env, NODE_ENV: 'test', [LOG_CAPTURE_DIR_VARIABLE]: logDir }, encoding: 'utf8', timeout: 540_000 },
    );
    // The suites' own results are the suites' business (they run in the main run too); a crash
    // before any log was written would leave nothing to check, which fails below.
    if (run.status !== 0) console.warn(`the end-to-end run exited with ${run.status}; checking the logs it wrote`);

    const files = readdirSync(logDir).filter((file) => file.endsWith('.log'));
    expect(files.length).toBeGreaterThan(3);
    const names = testDataNames();
    expect(names.length).toBeGreaterThan(2);

    const hits: string[] = [];
    let lines = 0;
    for (const file of files) {
      for (const line of readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
        if (line === '') continue;
        lines++;
        // Report where and what kind, never the match itself: this output is a log too.
        if (line.match(ID_NUMBER_18)) hits.push(`${file}: an 18-character ID number`);
        if (line.match(ID_NUMBER_15)) hits.push(`${file}: a 15-digit ID number`);
        for (const name of names) if (line.includes(name)) hits.push(`${file}: a name or employer from the test data`);
      }
    }
    expect(lines).toBeGreaterThan(100);
    expect(hits).toEqual([]);
  }, 600_000);
});
