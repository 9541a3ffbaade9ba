/**
 * Access-log receipts: the access-log entry's commit taken off a lookup's critical path, with the
 * guarantee kept (accessLog.ts: no answered lookup without its committed entry).
 *
 * A lookup's answer leaves the system at the gateway, not at the province's first hop. So when our
 * gateway asks for it (ACCESS_LOG_DEFERRAL_HEADER of platform/accessReceipts.ts, sent only where the operation's plan calls the
 * province again later, gateway/accessReceipts.ts), the `person` resolver starts the INSERT and
 * answers at once, handing the gateway a receipt per lookup (`extensions.accessLog.deferred`).
 * The gateway sends those receipts with its next province call (ACCESS_LOG_RECEIPTS_HEADER); the
 * province confirms each one whose entry is committed (`extensions.accessLog.confirmed`), waiting
 * for the INSERT in flight meanwhile, and the gateway refuses to answer (ACCESS_LOG_UNAVAILABLE)
 * while any receipt is unconfirmed. The region calls run while the entry commits.
 *
 * A receipt names the gateway's request id and the person's key. Confirmed from memory when this
 * process started the write; otherwise (another replica of the province wrote it, or this one
 * restarted) from the database, read until the row is there or `confirmWithinMs` has passed. A
 * write that failed is never confirmed.
 *
 * Without the header (another gateway, a direct call) nothing changes: the lookup waits for its
 * commit in the first hop.
 */
import { setTimeout as pause } from 'node:timers/promises';
import { LRUCache } from 'lru-cache';
import type { SqlClient } from '../../platform/database/sql.js';

export interface AccessReceipts {
  /** A lookup whose entry is being written (`committed` settles with the INSERT): its receipt. */
  defer(requestId: string, personKey: string, committed: Promise<void>): string;
  /** Those of `receipts` whose entry is committed, once each is known. */
  confirm(receipts: readonly string[]): Promise<string[]>;
  metrics(): { deferred: number; confirmed: number; unconfirmed: number };
}

export interface AccessReceiptsOptions {
  /** The province database, where another process's entries are read. */
  sql: Promise<SqlClient>;
  /** How long a receipt another process wrote is looked for in the database, ms. @default 1000 */
  confirmWithinMs?: number;
  /** Before the second read of the database, ms; doubled each time, up to 100. @default 5 */
  pollMs?: number;
}

/** `<request id>.<person key>`: the key is base64url, which has no dot. */
function receiptOf(requestId: string, personKey: string): string {
  return `${requestId}.${personKey}`;
}

/** The request id and person key a receipt names, or null when it is not a receipt. */
function parseReceipt(receipt: string): { requestId: string; personKey: string } | null {
  const dot = receipt.lastIndexOf('.');
  if (dot <= 0 || dot === receipt.length - 1) return null;
  return { requestId: receipt.slice(0, dot), personKey: receipt.slice(dot + 1) };
}

export function createAccessReceipts(options: AccessReceiptsOptions): AccessReceipts {
  const confirmWithinMs = options.confirmWithinMs ?? 1_000;
  const pollMs = options.pollMs ?? 5;
  // Whether each write this process started committed; kept well past any operation's deadline.
  const written = new LRUCache<string, Promise<boolean>>({ max: 100_000, ttl: 120_000 });
  const counters = { deferred: 0, confirmed: 0, unconfirmed: 0 };

  async function inDatabase(receipt: string): Promise<boolean> {
    const named = parseReceipt(receipt);
    if (!named) return false;
    const sql = await options.sql;
    const until = performance.now() + confirmWithinMs;
    // A poll, and the only one: the row is committed by another process (another replica, or this
    // one before a restart), which tells this one nothing; PostgreSQL would only through
    // LISTEN/NOTIFY (a listening connection held by every replica, a NOTIFY with every INSERT),
    // which this does not use. A write this process started is never polled for: `confirm` awaits
    // its INSERT's own promise.
    // Soon after at first (the other process's INSERT is usually committing), then less and less
    // often, so that a database already slow is not read in a tight loop.
    for (let backOff = pollMs; ; backOff = Math.min(backOff * 2, 100)) {
      const { rows } = await sql.query('SELECT 1 FROM access_log WHERE person_key = $1 AND request_id = $2 LIMIT 1', [named.personKey, named.requestId]);
      if (rows.length > 0) return true;
      if (performance.now() + backOff > until) return false;
      await pause(backOff);
    }
  }

  return {
    defer(requestId, personKey, committed) {
      const receipt = receiptOf(requestId, personKey);
      const settled = committed.then(
        () => true,
        () => false,
      );
      // Two lookups of one person in one request share a receipt: it confirms once both committed.
      const earlier = written.get(receipt);
      written.set(receipt, earlier ? Promise.all([earlier, settled]).then(([a, b]) => a && b) : settled);
      counters.deferred++;
      return receipt;
    },
    async confirm(receipts) {
      const outcomes = await Promise.all(
        receipts.map(async (receipt) => {
          const known = written.get(receipt);
          const committed = known ? await known : await inDatabase(receipt).catch(() => false);
          return committed ? receipt : null;
        }),
      );
      const confirmed = outcomes.filter((receipt): receipt is string => receipt !== null);
      counters.confirmed += confirmed.length;
      counters.unconfirmed += receipts.length - confirmed.length;
      return confirmed;
    },
    metrics: () => ({ ...counters }),
  };
}
