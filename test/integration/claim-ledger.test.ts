/**
 * The claim ledger on the real PostgreSQL (and on PGlite, the embedded default): the database
 * itself keeps at most one active claim per person and year, whatever number of connections race
 * for it, and a lapsed hold frees the slot on the next claim.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedClient, openEmbeddedDatabase } from '../../platform/database/embedded.js';
import { migrate, regionMigrationsDir } from '../../platform/database/migrate.js';
import { createPostgresClient } from '../../platform/database/postgres.js';
import type { SqlClient } from '../../platform/database/sql.js';
import { createClaimLedger, type Actor, type ClaimLedger } from '../../subgraphs/province/claims/ledger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const bz: Actor = { role: 'portal', region: 'bz', subject: 'bz-clerk', requestId: 'r-1' };
const aks: Actor = { role: 'portal', region: 'aks', subject: 'aks-clerk', requestId: 'r-2' };
const TTL = 3600;

let db: TestDatabase;
/** Separate pools, as separate province processes have. */
let pools: SqlClient[];
let ledgers: ClaimLedger[];

beforeAll(async () => {
  db = await createTestDatabase('province');
  pools = Array.from({ length: 4 }, () => createPostgresClient(db.url, { max: 4 }));
  ledgers = pools.map((pool) => createClaimLedger(Promise.resolve(pool)));
});

afterAll(async () => {
  for (const pool of pools ?? []) await pool.close();
  await db?.drop();
});

const newClaim = (personKey: string, region: string, application: string, idempotencyKey: string | null = null) => ({
  personKey,
  year: 2024,
  region,
  applicationId: `${region}:${application}`,
  idempotencyKey,
});

describe('the claim ledger', () => {
  it('inserts exactly one of many simultaneous claims of one person and year, every round', async () => {
    for (let round = 0; round < 25; round++) {
      const person = `race-${round}`;
      const attempts = await Promise.all(
        ledgers.flatMap((ledger, index) => [
          ledger.claim(newClaim(person, 'bz', `${index}`), TTL, bz),
          ledger.claim(newClaim(person, 'aks', `${index}`), TTL, aks),
        ]),
      );
      const inserted = attempts.filter((attempt) => attempt.kind === 'inserted');
      expect(inserted).toHaveLength(1);
      const winner = inserted[0]!.kind === 'inserted' ? inserted[0]!.claim.id : '';
      for (const attempt of attempts) if (attempt.kind === 'held') expect(attempt.claim.id).toBe(winner);
      const { rows } = await db.sql.query(`SELECT count(*)::int AS n FROM annual_review_claim WHERE person_key = $1`, [person]);
      expect(rows[0]).toEqual({ n: 1 });
    }
  });

  it('refuses a second active claim written around the ledger: the unique index, not the code, holds the rule', async () => {
    await ledgers[0]!.claim(newClaim('direct', 'bz', '1'), TTL, bz);
    await expect(
      db.sql.query(`INSERT INTO annual_review_claim (person_key, year, region, application_id, state) VALUES ('direct', 2024, 'aks', 'aks:1', 'CONFIRMED')`),
    ).rejects.toMatchObject({ code: '23505' });
    // Released and expired claims do not count: history may hold any number.
    await db.sql.query(`INSERT INTO annual_review_claim (person_key, year, region, application_id, state, release_reason) VALUES ('direct', 2024, 'aks', 'aks:2', 'RELEASED', 'WITHDRAWN')`);
  });

  it('lets a lapsed hold go: the next claim moves it to EXPIRED, recorded as the system, and takes the year', async () => {
    const first = await ledgers[0]!.claim(newClaim('lapsing', 'bz', '7'), 1, bz);
    expect(first.kind).toBe('inserted');
    const held = await ledgers[1]!.claim(newClaim('lapsing', 'aks', '7'), TTL, aks);
    expect(held.kind).toBe('held');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    // Read before anyone moved it: already EXPIRED, and no longer active.
    const lapsed = await ledgers[2]!.byId(first.kind === 'inserted' ? first.claim.id : '');
    expect(lapsed!.state).toBe('EXPIRED');
    expect(await ledgers[2]!.active('lapsing', 2024)).toBeNull();
    expect(await ledgers[2]!.confirm(lapsed!.id, bz)).toBeNull();

    const second = await ledgers[1]!.claim(newClaim('lapsing', 'aks', '7'), TTL, aks);
    expect(second).toMatchObject({ kind: 'inserted', claim: { region: 'aks', state: 'HELD' } });
    const { rows } = await db.sql.query(`SELECT state FROM annual_review_claim WHERE id = $1`, [lapsed!.id]);
    expect(rows[0]).toEqual({ state: 'EXPIRED' });
    const events = await ledgers[0]!.events([lapsed!.id]);
    expect(events.map((event) => [event.action, event.role, event.subject])).toEqual([
      ['CLAIMED', 'portal', 'bz-clerk'],
      ['EXPIRED', 'system', 'expiry'],
    ]);
  });

  it('confirms only a live hold, releases only an active claim, and records who did each', async () => {
    const attempt = await ledgers[0]!.claim(newClaim('lifecycle', 'bz', '9'), TTL, bz);
    const id = attempt.kind === 'inserted' ? attempt.claim.id : '';
    const confirmed = await ledgers[1]!.confirm(id, bz);
    expect(confirmed).toMatchObject({ state: 'CONFIRMED', expiresAt: null });
    expect(await ledgers[1]!.confirm(id, bz)).toBeNull();
    const released = await ledgers[2]!.release(id, 'REJECTED', { ...bz, subject: 'bz-committee' });
    expect(released).toMatchObject({ state: 'RELEASED', releaseReason: 'REJECTED' });
    expect(await ledgers[2]!.release(id, 'WITHDRAWN', bz)).toBeNull();
    const events = await ledgers[3]!.events([id]);
    expect(events.map((event) => [event.action, event.subject, event.reason])).toEqual([
      ['CLAIMED', 'bz-clerk', null],
      ['CONFIRMED', 'bz-clerk', null],
      ['RELEASED', 'bz-committee', 'REJECTED'],
    ]);
  });

  it('keeps an idempotency key to one claim per region', async () => {
    await ledgers[0]!.claim(newClaim('keyed-1', 'bz', '11', 'k-1'), TTL, bz);
    expect(await ledgers[1]!.claim(newClaim('keyed-2', 'bz', '12', 'k-1'), TTL, bz)).toEqual({ kind: 'idempotencyKeyTaken' });
    expect((await ledgers[1]!.claim(newClaim('keyed-2', 'aks', '12', 'k-1'), TTL, aks)).kind).toBe('inserted');
    expect((await ledgers[2]!.byIdempotencyKey('bz', 'k-1'))!.personKey).toBe('keyed-1');
  });

  it('takes a free year in one statement and no transaction; a taken one in the transaction that moves lapsed holds', async () => {
    const sent: string[] = [];
    const counting = (client: SqlClient): SqlClient => ({
      query: (text, params) => {
        sent.push(text.trim().split(/\s+/).slice(0, 2).join(' '));
        return client.query(text, params);
      },
      exec: (script) => client.exec(script),
      transaction: (work) => {
        sent.push('BEGIN');
        return client.transaction((tx) => work(counting(tx)));
      },
      close: () => client.close(),
    });
    const ledger = createClaimLedger(Promise.resolve(counting(pools[0]!)));
    expect((await ledger.claim(newClaim('one-statement', 'bz', '21'), TTL, bz)).kind).toBe('inserted');
    expect(sent).toEqual(['WITH claimed']);
    sent.length = 0;
    expect(await ledger.claim(newClaim('one-statement', 'aks', '21'), TTL, aks)).toMatchObject({ kind: 'held', claim: { region: 'bz' } });
    expect(sent).toEqual(['WITH claimed', 'BEGIN', 'WITH lapsed', 'WITH claimed', 'SELECT id::text']);
  });

  it('names no claim for an id that is not a uuid, without asking the database to parse it', async () => {
    expect(await ledgers[0]!.byId("x' OR 1=1 --")).toBeNull();
    expect(await ledgers[0]!.release('42', 'WITHDRAWN', bz)).toBeNull();
  });
});

describe('the claim ledger on the embedded default (PGlite)', () => {
  it('migrates and keeps one active claim per person and year there too', async () => {
    const pglite = await openEmbeddedDatabase();
    try {
      const sql = createEmbeddedClient(pglite);
      await migrate(sql, regionMigrationsDir('province'));
      const ledger = createClaimLedger(Promise.resolve(sql));
      expect((await ledger.claim(newClaim('p', 'bz', '1'), TTL, bz)).kind).toBe('inserted');
      expect(await ledger.claim(newClaim('p', 'aks', '1'), TTL, aks)).toMatchObject({ kind: 'held', claim: { region: 'bz' } });
      expect((await ledger.activeOf([{ personKey: 'p', year: 2024 }])).map((claim) => claim.region)).toEqual(['bz']);
    } finally {
      await pglite.close();
    }
  }, 120_000);
});
