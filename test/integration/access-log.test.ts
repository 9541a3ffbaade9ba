/**
 * The access log's writer on real PostgreSQL (subgraphs/province/accessLog.ts): a lookup's entry
 * is committed before the lookup may be answered; entries arriving during a write share the next
 * INSERT (group commit); a failed write refuses its lookups (fail closed), is logged at error level
 * and counted, and the log works again once the database does.
 */
import { Writable } from 'node:stream';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, regionMigrationsDir } from '../../platform/database/migrate.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { createAccessLog, type AccessLogEntry } from '../../subgraphs/province/accessLog.js';
import { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.js';

const entry = (personKey: string, index = 0): AccessLogEntry => ({
  at: new Date(Date.UTC(2024, 7, 1, 2, 0, index)),
  role: 'portal',
  documentHash: null,
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
  it('resolves a lookup\'s entry only once it is committed, and lists a person\'s lookups newest first', async () => {
    const { log } = capturingLogger();
    const accessLog = createAccessLog({ sql: Promise.resolve(migrated.sql), log });
    await accessLog.record(entry('key-a', 7));
    // Another connection sees it at once: committed, not queued.
    const other = await migrated.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM access_log WHERE request_id = 'r-7'`);
    expect(other.rows[0]!.n).toBe(1);
    expect(await accessLog.list('key-a', 5)).toEqual([
      { at: '2024-08-01T10:00:07+08:00', role: 'portal', region: 'bz', subject: 'bz-clerk', operation: 'Lookup', documentHash: null, requestId: 'r-7' },
    ]);
    await accessLog.close();
  });

  it('is busy while an INSERT is being written or entries wait for one, and idle again once they committed', async () => {
    const { log } = capturingLogger();
    const accessLog = createAccessLog({ sql: Promise.resolve(migrated.sql), log });
    expect(accessLog.busy()).toBe(false);
    const written = Promise.all([accessLog.record(entry('key-busy', 1)), accessLog.record(entry('key-busy', 2))]);
    expect(accessLog.busy()).toBe(true);
    await written;
    await new Promise((resolve) => setImmediate(resolve));
    expect(accessLog.busy()).toBe(false);
    await accessLog.close();
  });

  it('commits lookups that arrive while a write is in flight together, in one INSERT', async () => {
    const { log } = capturingLogger();
    let inserts = 0;
    const counting: SqlClient = { ...migrated.sql, query: (text, params) => (inserts++, migrated.sql.query(text, params)) };
    const accessLog = createAccessLog({ sql: Promise.resolve(counting), log, batchSize: 50 });
    await Promise.all(Array.from({ length: 120 }, (_, index) => accessLog.record(entry(index % 2 === 0 ? 'key-b' : 'key-c', 100 + index))));
    // The first entry goes alone; the 119 that queued behind it go in batches of at most 50.
    expect(inserts).toBe(4);
    expect(accessLog.metrics()).toMatchObject({ accessLogWritten: 120, accessLogPending: 0, accessLogWriteFailures: 0, accessLogInserts: 4 });
    const { rows } = await migrated.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM access_log WHERE person_key IN ('key-b', 'key-c')`);
    expect(rows[0]!.n).toBe(120);
    await accessLog.close();
  });

  it('refuses the lookup when its entry cannot be written, logs and counts it, and works again once the table is there', async () => {
    const { log, lines } = capturingLogger();
    const accessLog = createAccessLog({ sql: Promise.resolve(empty.sql), log });
    const refused = await accessLog.record(entry('key-d')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GraphQLError);
    expect((refused as GraphQLError).extensions.code).toBe('ACCESS_LOG_UNAVAILABLE');
    expect(accessLog.metrics()).toMatchObject({ accessLogWriteFailures: 1, accessLogPending: 0, accessLogWritten: 0 });
    const failure = lines.find((line) => line.event === 'access_log_write_failed')!;
    expect(failure.level).toBe(50);
    expect(JSON.stringify(failure)).not.toContain('key-d');

    await migrate(empty.sql, regionMigrationsDir('province'));
    await accessLog.record(entry('key-d', 1));
    expect(await accessLog.list('key-d', 10)).toHaveLength(1);
    await accessLog.close();
  });

  it('refuses lookups when the database cannot be opened, and after it is closed', async () => {
    const { log } = capturingLogger();
    const unopened = createAccessLog({ sql: Promise.reject(new Error('connection refused')), log });
    await expect(unopened.record(entry('key-e'))).rejects.toMatchObject({ extensions: { code: 'ACCESS_LOG_UNAVAILABLE' } });
    const closed = createAccessLog({ sql: Promise.resolve(migrated.sql), log });
    await closed.close();
    await expect(closed.record(entry('key-e'))).rejects.toMatchObject({ extensions: { code: 'ACCESS_LOG_UNAVAILABLE' } });
  });

  it('closed while writing: refuses new lookups at once, stays busy, and resolves only after the entries it had are committed', async () => {
    const { log } = capturingLogger();
    const accessLog = createAccessLog({ sql: Promise.resolve(migrated.sql), log });
    const events: string[] = [];
    const written = accessLog.record(entry('key-f', 1)).then(() => events.push('written'));
    const closing = accessLog.close().then(() => events.push('closed'));
    expect(accessLog.busy()).toBe(true);
    await expect(accessLog.record(entry('key-f', 2))).rejects.toMatchObject({ extensions: { code: 'ACCESS_LOG_UNAVAILABLE' } });
    await Promise.all([written, closing]);
    expect(events).toEqual(['written', 'closed']);
    expect(accessLog.busy()).toBe(false);
    expect(await accessLog.list('key-f', 10)).toHaveLength(1);
    // Closing again is a no-op, and still refuses.
    await accessLog.close();
    await expect(accessLog.record(entry('key-f', 3))).rejects.toMatchObject({ extensions: { code: 'ACCESS_LOG_UNAVAILABLE' } });
  });
});
