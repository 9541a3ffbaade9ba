/**
 * The province's access-log receipts on real PostgreSQL (subgraphs/province/accessReceipts.ts):
 * a receipt is confirmed only once its entry is committed, by the process that wrote it or, from
 * the database, by any other (a replica, or this one after a restart); a failed write or an entry
 * that never comes is never confirmed.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessLog, type AccessLogEntry } from '../../subgraphs/province/accessLog.js';
import { createAccessReceipts } from '../../subgraphs/province/accessReceipts.js';
import { receiptsOfHeader } from '../../platform/accessReceipts.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const log = pino({ level: 'silent' });
const entry = (personKey: string, requestId: string): AccessLogEntry => ({
  at: new Date(),
  role: 'portal',
  documentHash: null,
  region: 'bz',
  subject: 'bz-clerk',
  personKey,
  operation: 'Check',
  requestId,
});

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('province');
});
afterAll(async () => {
  await database?.drop();
});

describe('access-log receipts', () => {
  it('confirms a receipt once the write it names has committed, in the process that wrote it', async () => {
    const accessLog = createAccessLog({ sql: Promise.resolve(database.sql), log });
    const receipts = createAccessReceipts({ sql: Promise.resolve(database.sql) });
    const committed = accessLog.record(entry('key-a', 'req-a'));
    const receipt = receipts.defer('req-a', 'key-a', committed);
    expect(await receipts.confirm([receipt])).toEqual([receipt]);
    // Confirmed means committed: another connection sees the row.
    const { rows } = await database.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM access_log WHERE request_id = 'req-a'`);
    expect(rows[0]!.n).toBe(1);
    expect(receipts.metrics()).toEqual({ deferred: 1, confirmed: 1, unconfirmed: 0 });
    await accessLog.close();
  });

  it('confirms a write this process started on its commit, never reading the database for it', async () => {
    // A database that never opens: a read (or a poll) would never return.
    const receipts = createAccessReceipts({ sql: new Promise<never>(() => {}) });
    let commit!: () => void;
    const receipt = receipts.defer('req-m', 'key-m', new Promise<void>((resolve) => (commit = resolve)));
    const events: string[] = [];
    const confirmed = receipts.confirm([receipt]).then((confirmedReceipts) => {
      events.push('confirmed');
      return confirmedReceipts;
    });
    await new Promise((resolve) => setImmediate(resolve));
    events.push('committed');
    commit();
    expect(await confirmed).toEqual([receipt]);
    expect(events).toEqual(['committed', 'confirmed']);
  });

  it('confirms from the database a receipt another process wrote, waiting for a write still in flight', async () => {
    const accessLog = createAccessLog({ sql: Promise.resolve(database.sql), log });
    const writer = createAccessReceipts({ sql: Promise.resolve(database.sql) });
    const replica = createAccessReceipts({ sql: Promise.resolve(database.sql), confirmWithinMs: 2_000 });
    const done = writer.defer('req-b', 'key-b', accessLog.record(entry('key-b', 'req-b')));
    await writer.confirm([done]);
    expect(await replica.confirm([done])).toEqual([done]);
    // The entry arrives 150 ms after the replica is asked: it waits for it.
    const late = writer.defer('req-c', 'key-c', new Promise<void>((resolve) => setTimeout(resolve, 150)).then(() => accessLog.record(entry('key-c', 'req-c'))));
    const asked = performance.now();
    expect(await replica.confirm([late])).toEqual([late]);
    expect(performance.now() - asked).toBeGreaterThanOrEqual(100);
    await accessLog.close();
  });

  it('never confirms a failed write, an entry that never comes, or what is not a receipt', async () => {
    const receipts = createAccessReceipts({ sql: Promise.resolve(database.sql), confirmWithinMs: 100 });
    const failed = receipts.defer('req-d', 'key-d', Promise.reject(new Error('the INSERT failed')));
    const otherProcess = createAccessReceipts({ sql: Promise.resolve(database.sql), confirmWithinMs: 100 });
    const neverWritten = otherProcess.defer('req-e', 'key-e', new Promise<void>(() => undefined));
    expect(await receipts.confirm([failed, neverWritten, 'not-a-receipt', '.', 'req-f.'])).toEqual([]);
    expect(receipts.metrics()).toMatchObject({ unconfirmed: 5 });
    // A receipt names one request and one person: the same person's entry of another request does not confirm it.
    const accessLog = createAccessLog({ sql: Promise.resolve(database.sql), log });
    await accessLog.record(entry('key-g', 'req-g'));
    const other = createAccessReceipts({ sql: Promise.resolve(database.sql), confirmWithinMs: 50 });
    const forged = otherProcess.defer('req-h', 'key-g', new Promise<void>(() => undefined));
    expect(await other.confirm([forged])).toEqual([]);
    await accessLog.close();
  });

  it('reads at most 128 receipts of up to 256 characters from a header, once each', () => {
    expect(receiptsOfHeader('a.b  a.b c.d')).toEqual(['a.b', 'c.d']);
    expect(receiptsOfHeader(`${'x'.repeat(257)} a.b`)).toEqual(['a.b']);
    expect(receiptsOfHeader(Array.from({ length: 300 }, (_, index) => `r${index}.k`).join(' '))).toHaveLength(128);
    expect(receiptsOfHeader(undefined)).toEqual([]);
  });
});
