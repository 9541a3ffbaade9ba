-- The province-wide list of applications, newest submission first (the province's merged
-- Query.applications): keyset pages on (submission time, key), so that page 100 costs what page 1
-- does. The year variant serves the common "one review year, newest first".
CREATE INDEX IF NOT EXISTS gateway_sb_sqs_submitted ON sb_sqs (zhtjsj, sqsid);
CREATE INDEX IF NOT EXISTS gateway_sb_sqs_year_submitted ON sb_sqs (sbnd, zhtjsj, sqsid);
