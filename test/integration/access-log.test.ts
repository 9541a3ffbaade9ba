/**
 * The access log's writer on real PostgreSQL (subgraphs/province/accessLog.ts): a lookup only
 * queues its entry; entries are written in batches; a failed write is logged at error level and
 * counted, and its entries stay queued and are written once the database works again.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, regionMigrationsDir } from '../../platform/database/migrate.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { createAccessLog, type AccessLogEntry } from '../../subgraphs/province/accessLog.js';
import { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.js';

const entry = (personKey: string, index = 0): AccessLogEntry => ({
  at: new Date(Date.UTC(2024, 7, 1, 2, 0, index)),
  role: 'portal',
  region: 'bz',
  subject: 'bz-clerk',
  personKey,
  operation: 'Lookup',
  requestId: `r-${index}`,
});

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

let migrated: TestDatabase;
let empty: TestDatabase;
beforeAll(async () => {
  migrated = await createTestDatabase('province');
  empty = await createEmptyTestDatabase('province_empty');
});
afterAll(async () => {
  await migrated?.drop();
  await empty?.drop();
});

describe('the access log writer', () => {
  it('writes queued entries in batches and lists a person\'s lookups newest first', async () => {
    const { log } = capturingLogger();
    let statements = 0;
    const counting: SqlClient = { ...migrated.sql, query: (text, params) => (statements++, migrated.sql.query(text, params)) };
    const accessLog = createAccessLog({ sql: Promise.resolve(counting), log, batchSize: 50, flushIntervalMs: 10_000 });
    for (let index = 0; index < 120; index++) accessLog.record(entry(index % 2 === 0 ? 'key-a' : 'key-b', index));
    await accessLog.flush();
    expect(statements).toBe(3);
    expect(accessLog.metrics()).toMatchObject({ accessLogWritten: 120, accessLogPending: 0, accessLogWriteFailures: 0 });
    const listed = await accessLog.list('key-a', 5);
    expect(listed).toHaveLength(5);
    expect(listed[0]).toEqual({ at: '2024-08-01T10:01:58+08:00', role: 'portal', region: 'bz', subject: 'bz-clerk', operation: 'Lookup', requestId: 'r-118' });
    await accessLog.close();
  });

  it('queues without waiting for the database', () => {
    const { log } = capturingLogger();
    const accessLog = createAccessLog({ sql: new Promise<SqlClient>(() => {}), log });
    const started = performance.now();
    for (let index = 0; index < 1000; index++) accessLog.record(entry('key-c', index));
    expect(performance.now() - started).toBeLessThan(50);
    expect(accessLog.metrics().accessLogPending).toBe(1000);
  });

  it('logs and counts a failed write, keeps the entries, and writes them once the table is there', async () => {
    const { log, lines } = capturingLogger();
    const accessLog = createAccessLog({ sql: Promise.resolve(empty.sql), log, retryMs: 50 });
    accessLog.record(entry('key-d'));
    await accessLog.flush();
    expect(accessLog.metrics()).toMatchObject({ accessLogWriteFailures: 1, accessLogPending: 1, accessLogWritten: 0 });
    const failure = lines.find((line) => line.event === 'access_log_write_failed')!;
    expect(failure.level).toBe(50);
    expect(JSON.stringify(failure)).not.toContain('key-d');

    await migrate(empty.sql, regionMigrationsDir('province'));
    await expect.poll(() => accessLog.metrics().accessLogWritten, { timeout: 5_000 }).toBe(1);
    expect(await accessLog.list('key-d', 10)).toHaveLength(1);
    await accessLog.close();
  });

  it('drops the oldest entries past the queue bound loudly, never silently', async () => {
    const { log, lines } = capturingLogger();
    const accessLog = createAccessLog({ sql: new Promise<SqlClient>(() => {}), log, maxPending: 10 });
    for (let index = 0; index < 15; index++) accessLog.record(entry('key-e', index));
    expect(accessLog.metrics()).toMatchObject({ accessLogPending: 10, accessLogDropped: 5 });
    expect(lines.filter((line) => line.event === 'access_log_entries_dropped').every((line) => line.level === 50)).toBe(true);
  });
});
