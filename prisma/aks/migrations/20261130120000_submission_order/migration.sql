-- The province-wide list of applications, newest submission first (the province's merged
-- Query.applications): keyset pages on (submission time, key), so that page 100 costs what page 1
-- does.
CREATE INDEX IF NOT EXISTS gateway_apply_record_submitted ON apply_record (submitted_at, id);
