/**
 * The annual-review claim ledger in the province's own database (prisma/province, migration
 * 20261202000000_annual_review_claim). The rule "at most one active claim per person and year" is
 * the partial unique index annual_review_claim_one_active, so it holds across any number of
 * gateway and province processes: a claim is an `INSERT … ON CONFLICT DO NOTHING` against it, and
 * whoever's row is in the index holds the year: one authority, the constraint. Nothing here reads-then-decides in application code.
 *
 * A HELD claim whose expires_at has passed still sits in the index until its row says EXPIRED, so
 * a claim attempt that finds the slot taken moves the person's lapsed holds of that year to
 * EXPIRED, then tries its INSERT again, in one transaction. Two attempts at once serialise on the
 * index (the second INSERT waits for the first to commit, then does nothing); READ COMMITTED then
 * lets the second read the winner in its next statement. Everywhere else a lapsed hold reads as EXPIRED
 * (EFFECTIVE_STATE), whether or not its row has been moved yet.
 */
import type { SqlClient } from '../../../platform/database/sql.js';

export type ClaimState = 'HELD' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';
export type ClaimReleaseReason = 'WITHDRAWN' | 'REJECTED' | 'ABANDONED' | 'NOT_SUBMITTED';
export type ClaimAction = 'CLAIMED' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';

export interface Claim {
  id: string;
  personKey: string;
  year: number;
  region: string;
  applicationId: string;
  /** As of the read: a lapsed hold is EXPIRED. */
  state: ClaimState;
  expiresAt: Date | null;
  releaseReason: ClaimReleaseReason | null;
  idempotencyKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClaimEvent {
  claimId: string;
  action: ClaimAction;
  at: Date;
  role: string;
  region: string | null;
  subject: string;
  reason: ClaimReleaseReason | null;
  requestId: string | null;
}

/** Who makes a change: the caller's role, region and subject, and the request. */
export interface Actor {
  role: string;
  region: string | null;
  subject: string;
  requestId: string | null;
}

export interface NewClaim {
  personKey: string;
  year: number;
  region: string;
  applicationId: string;
  idempotencyKey: string | null;
}

export type ClaimAttempt =
  /** This attempt's row is in the index: the year is held for its application. */
  | { kind: 'inserted'; claim: Claim }
  /** Another row holds the year (possibly the same application's, from an earlier attempt). */
  | { kind: 'held'; claim: Claim }
  /** The idempotency key is already on another claim of this region. */
  | { kind: 'idempotencyKeyTaken' };

/** The state a row has now: a HELD row past its expiry is EXPIRED, moved or not. */
const EFFECTIVE_STATE = `CASE WHEN state = 'HELD' AND expires_at <= now() THEN 'EXPIRED' ELSE state END`;
const ACTIVE = `(state = 'CONFIRMED' OR (state = 'HELD' AND expires_at > now()))`;
const COLUMNS = `id::text AS id, person_key, year, region, application_id, ${EFFECTIVE_STATE} AS state, expires_at, release_reason, idempotency_key, created_at, updated_at`;

interface ClaimRow {
  id: string;
  person_key: string;
  year: number;
  region: string;
  application_id: string;
  state: ClaimState;
  expires_at: Date | string | null;
  release_reason: ClaimReleaseReason | null;
  idempotency_key: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

function toClaim(row: ClaimRow): Claim {
  return {
    id: row.id,
    personKey: row.person_key,
    year: Number(row.year),
    region: row.region,
    applicationId: row.application_id,
    state: row.state,
    expiresAt: row.expires_at === null ? null : toDate(row.expires_at),
    releaseReason: row.release_reason,
    idempotencyKey: row.idempotency_key,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** A claim id as the ledger issues them; anything else names no claim (and never reaches SQL as a uuid). */
export const CLAIM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** SQLSTATE unique_violation, and the index it names. */
function uniqueViolationOn(error: unknown, index: string): boolean {
  const { code, constraint, message } = (error ?? {}) as { code?: unknown; constraint?: unknown; message?: unknown };
  return code === '23505' && (constraint === index || (typeof message === 'string' && message.includes(index)));
}

export interface ClaimLedger {
  /**
   * The atomic claim: lapsed holds of the person and year become EXPIRED, then this claim is
   * inserted unless another active one holds the year.
   */
  claim(claim: NewClaim, ttlSeconds: number, actor: Actor): Promise<ClaimAttempt>;
  byId(id: string): Promise<Claim | null>;
  byIdempotencyKey(region: string, key: string): Promise<Claim | null>;
  /** The active claim of a person and year, if any. */
  active(personKey: string, year: number): Promise<Claim | null>;
  /** Active claims of many (person, year) pairs in one statement. */
  activeOf(pairs: ReadonlyArray<{ personKey: string; year: number }>): Promise<Claim[]>;
  /** Every active claim of a year (the conflicts report). */
  activeInYear(year: number): Promise<Claim[]>;
  /** HELD (not lapsed) → CONFIRMED; null when the claim was not such a hold. */
  confirm(id: string, actor: Actor): Promise<Claim | null>;
  /** Active → RELEASED; null when the claim was not active. */
  release(id: string, reason: ClaimReleaseReason, actor: Actor): Promise<Claim | null>;
  /** The changes of these claims, oldest first. */
  events(claimIds: readonly string[]): Promise<ClaimEvent[]>;
}

export function createClaimLedger(database: Promise<SqlClient>): ClaimLedger {
  const sql = () => database;

  const insertEvent = (action: ClaimAction, from: string, actorFrom: number, reason = 'NULL') =>
    `INSERT INTO annual_review_claim_event (claim_id, action, role, region, subject, request_id, reason)
     SELECT id, '${action}', $${actorFrom}::varchar, $${actorFrom + 1}::varchar, $${actorFrom + 2}::varchar, $${actorFrom + 3}::varchar, ${reason} FROM ${from}`;
  const actorParams = (actor: Actor) => [actor.role, actor.region, actor.subject, actor.requestId];

  return {
    async claim(claim, ttlSeconds, actor) {
      const db = await sql();
      const insert = (client: Pick<SqlClient, 'query'>) =>
        client.query<ClaimRow>(
          `WITH claimed AS (
             INSERT INTO annual_review_claim (person_key, year, region, application_id, state, expires_at, idempotency_key)
             VALUES ($1, $2, $3, $4, 'HELD', now() + make_interval(secs => $5), $6)
             ON CONFLICT (person_key, year) WHERE state IN ('HELD', 'CONFIRMED') DO NOTHING
             RETURNING *),
           recorded AS (${insertEvent('CLAIMED', 'claimed', 7)})
           SELECT ${COLUMNS} FROM claimed`,
          [claim.personKey, claim.year, claim.region, claim.applicationId, ttlSeconds, claim.idempotencyKey, ...actorParams(actor)],
        );
      // The common case first, as one statement in its own transaction: when the INSERT goes in, no
      // row of the person and year was in the index, so there was no lapsed hold to move either.
      // Only when a row is there does the claim need the transaction below (one statement against
      // BEGIN, UPDATE, INSERT and COMMIT: a quarter of the round trips and of the ledger's CPU).
      try {
        const inserted = await insert(db);
        if (inserted.rows[0]) return { kind: 'inserted', claim: toClaim(inserted.rows[0]) };
      } catch (error) {
        if (uniqueViolationOn(error, 'annual_review_claim_idempotency')) return { kind: 'idempotencyKeyTaken' };
        throw error;
      }
      for (;;) {
        try {
          return await db.transaction(async (tx) => {
            // Frees the slot of a lapsed hold, and records who noticed: the system, on this request.
            await tx.query(
              `WITH lapsed AS (
                 UPDATE annual_review_claim SET state = 'EXPIRED', updated_at = now()
                  WHERE person_key = $1 AND year = $2 AND state = 'HELD' AND expires_at <= now()
                  RETURNING id)
               ${insertEvent('EXPIRED', 'lapsed', 3)}`,
              [claim.personKey, claim.year, 'system', null, 'expiry', actor.requestId],
            );
            const inserted = await insert(tx);
            if (inserted.rows[0]) return { kind: 'inserted', claim: toClaim(inserted.rows[0]) } as const;
            // The INSERT waited for the holder's commit; this statement's snapshot sees it.
            const holder = await tx.query<ClaimRow>(
              `SELECT ${COLUMNS} FROM annual_review_claim WHERE person_key = $1 AND year = $2 AND ${ACTIVE}`,
              [claim.personKey, claim.year],
            );
            if (holder.rows[0]) return { kind: 'held', claim: toClaim(holder.rows[0]) } as const;
            // The holder was released or lapsed between the two statements: the caller tries again.
            throw new RetryClaim();
          });
        } catch (error) {
          if (error instanceof RetryClaim) continue;
          if (uniqueViolationOn(error, 'annual_review_claim_idempotency')) return { kind: 'idempotencyKeyTaken' };
          throw error;
        }
      }
    },

    async byId(id) {
      if (!CLAIM_ID.test(id)) return null;
      const { rows } = await (await sql()).query<ClaimRow>(`SELECT ${COLUMNS} FROM annual_review_claim WHERE id = $1::uuid`, [id]);
      return rows[0] ? toClaim(rows[0]) : null;
    },

    async byIdempotencyKey(region, key) {
      const { rows } = await (await sql()).query<ClaimRow>(
        `SELECT ${COLUMNS} FROM annual_review_claim WHERE region = $1 AND idempotency_key = $2`,
        [region, key],
      );
      return rows[0] ? toClaim(rows[0]) : null;
    },

    async active(personKey, year) {
      const { rows } = await (await sql()).query<ClaimRow>(
        `SELECT ${COLUMNS} FROM annual_review_claim WHERE person_key = $1 AND year = $2 AND ${ACTIVE}`,
        [personKey, year],
      );
      return rows[0] ? toClaim(rows[0]) : null;
    },

    async activeOf(pairs) {
      if (pairs.length === 0) return [];
      const { rows } = await (await sql()).query<ClaimRow>(
        `SELECT ${COLUMNS} FROM annual_review_claim
          WHERE (person_key, year) IN (SELECT * FROM unnest($1::varchar[], $2::smallint[])) AND ${ACTIVE}`,
        [pairs.map((pair) => pair.personKey), pairs.map((pair) => pair.year)],
      );
      return rows.map(toClaim);
    },

    async activeInYear(year) {
      const { rows } = await (await sql()).query<ClaimRow>(
        `SELECT ${COLUMNS} FROM annual_review_claim WHERE year = $1 AND state IN ('HELD', 'CONFIRMED') AND ${ACTIVE}`,
        [year],
      );
      return rows.map(toClaim);
    },

    async confirm(id, actor) {
      if (!CLAIM_ID.test(id)) return null;
      const { rows } = await (await sql()).query<ClaimRow>(
        `WITH confirmed AS (
           UPDATE annual_review_claim SET state = 'CONFIRMED', expires_at = NULL, updated_at = now()
            WHERE id = $1::uuid AND state = 'HELD' AND expires_at > now()
            RETURNING *),
         recorded AS (${insertEvent('CONFIRMED', 'confirmed', 2)})
         SELECT ${COLUMNS} FROM confirmed`,
        [id, ...actorParams(actor)],
      );
      return rows[0] ? toClaim(rows[0]) : null;
    },

    async release(id, reason, actor) {
      if (!CLAIM_ID.test(id)) return null;
      const { rows } = await (await sql()).query<ClaimRow>(
        `WITH released AS (
           UPDATE annual_review_claim SET state = 'RELEASED', release_reason = $2::varchar, updated_at = now()
            WHERE id = $1::uuid AND ${ACTIVE}
            RETURNING *),
         recorded AS (${insertEvent('RELEASED', 'released', 3, '$2::varchar')})
         SELECT ${COLUMNS} FROM released`,
        [id, reason, ...actorParams(actor)],
      );
      return rows[0] ? toClaim(rows[0]) : null;
    },

    async events(claimIds) {
      const ids = claimIds.filter((id) => CLAIM_ID.test(id));
      if (ids.length === 0) return [];
      const { rows } = await (await sql()).query<{
        claim_id: string;
        action: ClaimAction;
        occurred_at: Date | string;
        role: string;
        region: string | null;
        subject: string;
        reason: ClaimReleaseReason | null;
        request_id: string | null;
      }>(
        `SELECT claim_id::text AS claim_id, action, occurred_at, role, region, subject, reason, request_id
           FROM annual_review_claim_event WHERE claim_id = ANY($1::uuid[]) ORDER BY occurred_at, id`,
        [ids],
      );
      return rows.map((row) => ({
        claimId: row.claim_id,
        action: row.action,
        at: toDate(row.occurred_at),
        role: row.role,
        region: row.region,
        subject: row.subject,
        reason: row.reason,
        requestId: row.request_id,
      }));
    },
  };
}

/** The holder vanished between INSERT and SELECT: try the whole claim again (rare, and terminates: the slot is free). */
class RetryClaim extends Error {}
