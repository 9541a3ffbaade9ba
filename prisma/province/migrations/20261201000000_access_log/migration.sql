-- The access log of person lookups (issue 5): who looked a person up, when, and in which
-- operation, so that a person's lookups can be listed, as the national title query platform
-- offers. The person is named by Person.key only (a pseudonymous HMAC): never an ID number or a
-- name (Personal Information Protection Law).
CREATE TABLE "access_log" (
    "id"          BIGSERIAL PRIMARY KEY,
    "occurred_at" TIMESTAMPTZ NOT NULL,
    "role"        VARCHAR(20) NOT NULL,
    "region"      VARCHAR(20),
    "subject"     VARCHAR(200) NOT NULL,
    "person_key"  VARCHAR(100) NOT NULL,
    "operation"   VARCHAR(200),
    "request_id"  VARCHAR(100)
);

CREATE INDEX "access_log_person_key_occurred_at_idx" ON "access_log" ("person_key", "occurred_at" DESC);
