-- The annual-review claim ledger (issue 13): one review per person per year, province-wide
-- (notice 000 §五(五)). A portal claims the year for one of its applications; the claim is HELD
-- until it expires or is CONFIRMED, and RELEASED when the application is withdrawn or rejected.
-- The person is named by Person.key only (a pseudonymous HMAC), never by ID number.
CREATE TABLE "annual_review_claim" (
    "id"              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    "person_key"      VARCHAR(100) NOT NULL,
    "year"            SMALLINT NOT NULL CHECK ("year" BETWEEN 1978 AND 2100),
    "region"          VARCHAR(20) NOT NULL,
    -- The portal's own application, as the federation names it: "bz:1042".
    "application_id"  VARCHAR(120) NOT NULL,
    "state"           VARCHAR(10) NOT NULL CHECK ("state" IN ('HELD', 'CONFIRMED', 'RELEASED', 'EXPIRED')),
    -- Set while HELD: the hold lapses then unless confirmed. NULL once confirmed.
    "expires_at"      TIMESTAMPTZ,
    "release_reason"  VARCHAR(20) CHECK ("release_reason" IN ('WITHDRAWN', 'REJECTED', 'ABANDONED', 'NOT_SUBMITTED')),
    -- Scoped to the claiming region: a retried request with the same key gets the same claim.
    "idempotency_key" VARCHAR(200),
    "created_at"      TIMESTAMPTZ NOT NULL DEFAULT now(),
    "updated_at"      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ("state" <> 'HELD' OR "expires_at" IS NOT NULL)
);

-- The rule itself, enforced by the database whatever number of processes write: at most one
-- active claim (HELD or CONFIRMED) per person and year. A HELD claim past its expires_at still
-- occupies the slot until it is moved to EXPIRED, which every claim attempt does for the person
-- and year in the same transaction before it inserts (subgraphs/province/claims/ledger.ts).
CREATE UNIQUE INDEX "annual_review_claim_one_active" ON "annual_review_claim" ("person_key", "year")
    WHERE "state" IN ('HELD', 'CONFIRMED');

CREATE UNIQUE INDEX "annual_review_claim_idempotency" ON "annual_review_claim" ("region", "idempotency_key")
    WHERE "idempotency_key" IS NOT NULL;

-- A person's claims of a year, for re-claims, the annual-review verdict and the conflicts report.
CREATE INDEX "annual_review_claim_person_year" ON "annual_review_claim" ("person_key", "year", "created_at");
CREATE INDEX "annual_review_claim_year_active" ON "annual_review_claim" ("year")
    WHERE "state" IN ('HELD', 'CONFIRMED');

-- Who made each change and when: one row per change (claimed, confirmed, released, expired).
CREATE TABLE "annual_review_claim_event" (
    "id"          BIGSERIAL PRIMARY KEY,
    "claim_id"    UUID NOT NULL REFERENCES "annual_review_claim" ("id"),
    "action"      VARCHAR(10) NOT NULL CHECK ("action" IN ('CLAIMED', 'CONFIRMED', 'RELEASED', 'EXPIRED')),
    "occurred_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- analyst | portal | dashboard, or 'system' for an expiry noticed on the way.
    "role"        VARCHAR(20) NOT NULL,
    "region"      VARCHAR(20),
    "subject"     VARCHAR(200) NOT NULL,
    "reason"      VARCHAR(20),
    "request_id"  VARCHAR(100)
);

CREATE INDEX "annual_review_claim_event_claim" ON "annual_review_claim_event" ("claim_id", "occurred_at");
