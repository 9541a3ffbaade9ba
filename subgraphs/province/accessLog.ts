/**
 * The access log of person lookups, in the province's own database (prisma/province). It is an
 * audit record, so a lookup is answered only after its entry is committed: `record` resolves when
 * the INSERT holding the entry has committed, and the `person` resolver waits for it. A process
 * killed at any instant therefore never leaves an answered lookup without its entry (an entry whose
 * answer never left is possible, and harmless).
 *
 * Group commit keeps that cheap: while one INSERT is in flight, the entries that arrive queue up,
 * and the next INSERT takes all of them (up to `batchSize`) and resolves every waiter when it
 * commits. A lone lookup pays one INSERT; under load, one INSERT serves many lookups.
 *
 * A write that fails (database down, refusing, too slow) rejects its lookups with
 * ACCESS_LOG_UNAVAILABLE: no answer without an audit row. It is logged at error level and counted
 * (GET /metrics: accessLogWriteFailures, the alert).
 *
 * An entry names the person by Person.key only, never by ID number or name (Personal Information
 * Protection Law): the log says who looked, not who was looked at beyond the pseudonymous key.
 */
import { GraphQLError } from 'graphql';
import type { SqlClient } from '../../platform/database/sql.js';
import { ErrorCode } from '../../platform/errors.js';
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
  /** The operation's name as the gateway parsed it (written by the client), where it has one. */
  operation: string | null;
  /** The SHA-256 (hex) of the client's document as the gateway hashed it; null if not sent through it. */
  documentHash: string | null;
  requestId: string | null;
}

export interface AccessLogRow {
  /** ISO-8601, Beijing time. */
  at: string;
  role: string;
  region: string | null;
  subject: string;
  operation: string | null;
  documentHash: string | null;
  requestId: string | null;
}

export interface AccessLogOptions {
  /** The province database, opened (and migrated) by the caller; awaited before the first write. */
  sql: Promise<SqlClient>;
  log: Logger;
  /** Most entries per INSERT. @default 500 */
  batchSize?: number;
  /**
   * Told, for each entry written, how long its lookup waited for it (queued, then its INSERT until
   * committed), seconds: what the audit record costs a lookup.
   */
  observeWait?: (seconds: number) => void;
}

export interface AccessLog {
  /**
   * Writes one lookup's entry; resolves once it is committed, rejects (ACCESS_LOG_UNAVAILABLE)
   * when it could not be written. Answer the lookup only after it resolved.
   */
  record(entry: AccessLogEntry): Promise<void>;
  /** A person's lookups, newest first. */
  list(personKey: string, limit: number): Promise<AccessLogRow[]>;
  metrics(): { accessLogWritten: number; accessLogWriteFailures: number; accessLogPending: number; accessLogInserts: number };
  /** Whether an INSERT is being written or entries wait for one. */
  busy(): boolean;
  /** Whether the database answers. */
  ping(): Promise<boolean>;
  /** Refuses new entries and waits for the ones being written. Closing the database is the owner's job. */
  close(): Promise<void>;
}

const INSERT = `
INSERT INTO access_log (occurred_at, role, region, subject, person_key, operation, request_id, document_hash)
SELECT * FROM unnest($1::timestamptz[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::char(64)[])`;

interface Waiting {
  entry: AccessLogEntry;
  /** performance.now() when it was queued. */
  queuedAt: number;
  written(): void;
  failed(error: GraphQLError): void;
}

function unavailable(): GraphQLError {
  return new GraphQLError('The lookup could not be recorded in the access log, so it is not answered; try again shortly.', {
    extensions: { code: ErrorCode.ACCESS_LOG_UNAVAILABLE },
  });
}

export function createAccessLog(options: AccessLogOptions): AccessLog {
  const { log } = options;
  const batchSize = options.batchSize ?? 500;
  const counters = { written: 0, failures: 0, inserts: 0 };
  let queue: Waiting[] = [];
  /**
   * Where the log is, as one value: `idle` (open, nothing being written); `writing` (open, an
   * INSERT loop running, `done` when the queue is empty); `closing` (refusing new entries, the loop
   * still writing what it had); `closed`.
   */
  let state: { phase: 'idle' } | { phase: 'writing'; done: Promise<void> } | { phase: 'closing'; done: Promise<void> } | { phase: 'closed' } = { phase: 'idle' };
  // Not awaited here: a database that cannot be opened shows up as failed lookups, logged and counted.
  options.sql.catch(() => undefined);

  async function writeBatch(batch: readonly Waiting[]): Promise<void> {
    try {
      const sql = await options.sql;
      counters.inserts++;
      await sql.query(INSERT, [
        batch.map(({ entry }) => entry.at.toISOString()),
        batch.map(({ entry }) => entry.role),
        batch.map(({ entry }) => entry.region),
        batch.map(({ entry }) => entry.subject),
        batch.map(({ entry }) => entry.personKey),
        batch.map(({ entry }) => entry.operation),
        batch.map(({ entry }) => entry.requestId),
        batch.map(({ entry }) => entry.documentHash),
      ]);
      counters.written += batch.length;
      const committedAt = performance.now();
      for (const waiting of batch) {
        options.observeWait?.((committedAt - waiting.queuedAt) / 1000);
        waiting.written();
      }
    } catch (error) {
      counters.failures++;
      log.error(
        { event: 'access_log_write_failed', entries: batch.length, type: error instanceof Error ? error.name : typeof error },
        'access log write failed; its lookups are refused',
      );
      for (const waiting of batch) waiting.failed(unavailable());
    }
  }

  /** Writes the queue, one INSERT at a time, each taking everything that queued meanwhile. */
  async function writeQueue(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      queue = queue.slice(batch.length);
      await writeBatch(batch);
    }
    state = state.phase === 'closing' ? { phase: 'closed' } : { phase: 'idle' };
  }

  return {
    record(entry) {
      if (state.phase === 'closing' || state.phase === 'closed') return Promise.reject(unavailable());
      return new Promise<void>((written, failed) => {
        queue.push({ entry, queuedAt: performance.now(), written, failed });
        if (state.phase === 'idle') state = { phase: 'writing', done: writeQueue() };
      });
    },
    async list(personKey, limit) {
      const sql = await options.sql;
      const { rows } = await sql.query<{ occurred_at: Date | string; role: string; region: string | null; subject: string; operation: string | null; request_id: string | null; document_hash: string | null }>(
        `SELECT occurred_at, role, region, subject, operation, request_id, document_hash FROM access_log
         WHERE person_key = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2`,
        [personKey, limit],
      );
      return rows.map((row) => ({
        at: instantToBeijing(new Date(row.occurred_at))!,
        role: row.role,
        region: row.region,
        subject: row.subject,
        operation: row.operation,
        documentHash: row.document_hash,
        requestId: row.request_id,
      }));
    },
    metrics: () => ({
      accessLogWritten: counters.written,
      accessLogWriteFailures: counters.failures,
      accessLogPending: queue.length,
      accessLogInserts: counters.inserts,
    }),
    busy: () => state.phase === 'writing' || state.phase === 'closing' || queue.length > 0,
    async ping() {
      try {
        await (await options.sql).query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (state.phase === 'idle') state = { phase: 'closed' };
      else if (state.phase === 'writing') state = { phase: 'closing', done: state.done };
      if (state.phase === 'closing') await state.done;
    },
  };
}
