/**
 * Embedded databases opened from prepared templates (platform/database/preparedEmbedded.ts): a
 * template is prepared once per version, every start works on a copy of its own that is removed
 * at close, a new version replaces the old template, and copies left by killed processes go.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPreparedDatabase, type PreparedDatabaseOptions } from '../../platform/database/preparedEmbedded.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'xjzc-prepared-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let preparations = 0;
const options = (version: string): PreparedDatabaseOptions => ({
  root,
  name: 'demo',
  version,
  prepare: async (db) => {
    preparations++;
    await db.exec(`CREATE TABLE rows (version text); INSERT INTO rows VALUES ('${version}'), ('${version}')`);
  },
});
const entries = () => readdirSync(root).sort();
const rowsOf = async (db: { query<T>(sql: string): Promise<{ rows: T[] }> }) =>
  (await db.query<{ version: string }>('SELECT version FROM rows ORDER BY version')).rows.map((row) => row.version);

describe('prepared embedded databases', () => {
  it('prepares a template once per version and opens a copy of it that close removes', async () => {
    const first = await openPreparedDatabase(options('v1'));
    expect(first.prepared).toBe(true);
    expect(await rowsOf(first.db)).toEqual(['v1', 'v1']);
    // What a start writes stays in its copy.
    await first.db.exec(`INSERT INTO rows VALUES ('written by a start')`);
    expect(entries().filter((entry) => entry.startsWith('run-demo-'))).toHaveLength(1);
    await first.close();
    expect(entries().filter((entry) => entry.startsWith('run-'))).toEqual([]);

    const second = await openPreparedDatabase(options('v1'));
    expect(second.prepared).toBe(false);
    expect(preparations).toBe(1);
    expect(await rowsOf(second.db)).toEqual(['v1', 'v1']);
    await second.close();
  }, 120_000);

  it('prepares again for a new version and removes the old template', async () => {
    const before = entries().filter((entry) => entry.startsWith('demo-'));
    expect(before).toHaveLength(1);
    const opened = await openPreparedDatabase(options('v2'));
    expect(opened.prepared).toBe(true);
    expect(await rowsOf(opened.db)).toEqual(['v2', 'v2']);
    await opened.close();
    const after = entries().filter((entry) => entry.startsWith('demo-'));
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  }, 120_000);

  it('removes the copies of processes that are gone, and keeps those of a running one', async () => {
    // The id of a process that has exited.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const abandoned = path.join(root, `run-demo-${gone}-0badc0de`);
    const halfMade = path.join(root, `.building-demo-${gone}-0badc0de`);
    const running = path.join(root, `run-demo-${process.ppid}-0badc0de`);
    for (const dir of [abandoned, halfMade, running]) mkdirSync(dir);
    const opened = await openPreparedDatabase(options('v2'));
    await opened.close();
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(halfMade)).toBe(false);
    expect(existsSync(running)).toBe(true);
    rmSync(running, { recursive: true });
  }, 120_000);

  it('refuses a name that is not a plain lowercase word', async () => {
    await expect(openPreparedDatabase({ ...options('v1'), name: '../elsewhere' })).rejects.toThrow(TypeError);
  });
});
