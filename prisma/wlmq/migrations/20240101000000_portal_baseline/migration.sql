-- The wlmq portal's own table, exactly as it stands in the portal's database (an ORM generated it,
-- hence the quoted camelCase). The portal owns it; this migration exists so development and test
-- databases look like the real one. IF NOT EXISTS makes it a no-op against a real portal database.
CREATE TABLE IF NOT EXISTS "Declaration" (
  "declarationNo"  varchar(32) PRIMARY KEY,
  "certType"       text,
  "certNo"         text NOT NULL,
  "name"           text,
  "sex"            text,
  "nation"         text,
  "politics"       text,
  "unitName"       text,
  "unitCreditCode" varchar(18),
  "zone"           text,
  "reviewYear"     text,
  "seriesName"     text,
  "majorName"      text,
  "targetTitle"    text,
  "way"            text,
  "flowState"      text,
  "returnTimes"    int,
  "titleHistory"   jsonb,
  "creditFlag"     boolean,
  "creditUntil"    date,
  "createdAt"      timestamp,
  "updatedAt"      timestamp
);
