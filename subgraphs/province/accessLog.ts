/**
 * The access log of person lookups, in the province's own database (prisma/province). A lookup
 * only queues its entry: a timer writes the queue in batches, one INSERT per batch, off the request
 * path, so the log never slows a lookup. A write that fails is logged at error level and counted
 * (GET /metrics: accessLogWriteFailures, the alert), and its entries stay queued and are retried;
 * only a queue past `maxPending` drops its oldest entries, and that is logged and counted too
 * (accessLogDropped). Nothing is dropped silently.
 *
 * An entry names the person by Person.key only, never by ID number or name (Personal Information
 * Protection Law): the log says who looked, not who was looked at beyond the pseudonymous key.
 */
import type { SqlClient } from '../../platform/database/sql.js';
import type { Logger } from '../../platform/logger.js';
import type { Role } from '../../platform/auth.js';
import { instantToBeijing } from '../../domain/time.js';

export interface AccessLogEntry {
  at: Date;
  role: Role;
  /** A portal's region; null for the other roles. */
  region: string | null;
  subject: string;
  personKey: string;
  /** The client's operation name, where it gave one. */
  operation: string | null;
  requestId: string | null;
}

export interface AccessLogRow {
  /** ISO-8601, Beijing time. */
  at: string;
  role: string;
  region: string | null;
  subject: string;
  operation: string | null;
  requestId: string | null;
}

export interface AccessLogOptions {
  /** The province database, opened (and migrated) by the caller; awaited before the first write. */
  sql: Promise<SqlClient>;
  log: Logger;
  /** Longest an entry waits in the queue, ms. @default 200 */
  flushIntervalMs?: number;
  /** Entries per INSERT. @default 200 */
  batchSize?: number;
  /** Entries kept queued while the database fails; beyond this the oldest are dropped, loudly. @default 100000 */
  maxPending?: number;
  /** Wait before retrying a failed write, ms. @default 2000 */
  retryMs?: number;
}

export interface AccessLog {
  /** Queues one lookup; returns at once. */
  record(entry: AccessLogEntry): void;
  /** Writes everything queued so far (retrying nothing: a failure stays queued). */
  flush(): Promise<void>;
  /** A person's lookups, newest first, after writing what is queued. */
  list(personKey: string, limit: number): Promise<AccessLogRow[]>;
  metrics(): { accessLogWritten: number; accessLogWriteFailures: number; accessLogPending: number; accessLogDropped: number };
  /** Whether the database answers. */
  ping(): Promise<boolean>;
  /** Writes what is queued, then stops the timer. Closing the database is the owner's job. */
  close(): Promise<void>;
}

const INSERT = `
INSERT INTO access_log (occurred_at, role, region, subject, person_key, operation, request_id)
SELECT * FROM unnest($1::timestamptz[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[])`;

export function createAccessLog(options: AccessLogOptions): AccessLog {
  const { log } = options;
  const flushIntervalMs = options.flushIntervalMs ?? 200;
  const batchSize = options.batchSize ?? 200;
  const maxPending = options.maxPending ?? 100_000;
  const retryMs = options.retryMs ?? 2_000;
  const counters = { written: 0, failures: 0, dropped: 0 };
  let pending: AccessLogEntry[] = [];
  // One state for where the log is in its life: open (with a flush scheduled or not), or closed,
  // after which nothing is scheduled again and close() writes what is left.
  let phase: { kind: 'open'; flushTimer?: NodeJS.Timeout } | { kind: 'closed' } = { kind: 'open' };
  let writing: Promise<void> = Promise.resolve();
  // Not awaited here: a database that cannot be opened shows up as failed writes, logged and counted.
  options.sql.catch(() => undefined);

  const schedule = (delay: number) => {
    if (phase.kind === 'closed' || phase.flushTimer || pending.length === 0) return;
    const flushTimer = setTimeout(() => {
      if (phase.kind === 'open') phase = { kind: 'open' };
      void flush();
    }, delay);
    flushTimer.unref();
    phase = { kind: 'open', flushTimer };
  };

  async function writeQueued(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.slice(0, batchSize);
      try {
        const sql = await options.sql;
        await sql.query(INSERT, [
          batch.map((entry) => entry.at.toISOString()),
          batch.map((entry) => entry.role),
          batch.map((entry) => entry.region),
          batch.map((entry) => entry.subject),
          batch.map((entry) => entry.personKey),
          batch.map((entry) => entry.operation),
          batch.map((entry) => entry.requestId),
        ]);
        pending = pending.slice(batch.length);
        counters.written += batch.length;
      } catch (error) {
        counters.failures++;
        log.error(
          { event: 'access_log_write_failed', entries: batch.length, pending: pending.length, type: error instanceof Error ? error.name : typeof error },
          'access log write failed; the entries stay queued and are retried',
        );
        schedule(retryMs);
        return;
      }
    }
  }

  function flush(): Promise<void> {
    // One write at a time, in order.
    writing = writing.then(writeQueued);
    return writing;
  }

  return {
    record(entry) {
      pending.push(entry);
      if (pending.length > maxPending) {
        const overflow = pending.length - maxPending;
        pending = pending.slice(overflow);
        counters.dropped += overflow;
        log.error({ event: 'access_log_entries_dropped', entries: overflow }, 'access log queue full: oldest entries dropped');
      }
      if (pending.length >= batchSize) void flush();
      else schedule(flushIntervalMs);
    },
    flush,
    async list(personKey, limit) {
      await flush();
      const sql = await options.sql;
      const { rows } = await sql.query<{ occurred_at: Date | string; role: string; region: string | null; subject: string; operation: string | null; request_id: string | null }>(
        `SELECT occurred_at, role, region, subject, operation, request_id FROM access_log
         WHERE person_key = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2`,
        [personKey, limit],
      );
      return rows.map((row) => ({
        at: instantToBeijing(new Date(row.occurred_at))!,
        role: row.role,
        region: row.region,
        subject: row.subject,
        operation: row.operation,
        requestId: row.request_id,
      }));
    },
    metrics: () => ({
      accessLogWritten: counters.written,
      accessLogWriteFailures: counters.failures,
      accessLogPending: pending.length,
      accessLogDropped: counters.dropped,
    }),
    async ping() {
      try {
        await (await options.sql).query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (phase.kind === 'open' && phase.flushTimer) clearTimeout(phase.flushTimer);
      phase = { kind: 'closed' };
      await flush();
      if (pending.length > 0) {
        log.error({ event: 'access_log_entries_unwritten', entries: pending.length }, 'access log entries could not be written before shutdown');
      }
    },
  };
}
