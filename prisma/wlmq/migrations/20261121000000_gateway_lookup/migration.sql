-- What we own in a portal database lives in the schema "gateway": the portal's software never
-- reads it, and dropping it removes every trace of us.
CREATE SCHEMA IF NOT EXISTS gateway;

-- Resident ID number (GB 11643-1999) in its one canonical form, or NULL when the text is not a
-- valid number. It must agree exactly with normaliseIdNumber in domain/idNumber.ts (a test
-- compares the two). Records typed by hand carry full-width digits, a lowercase x and stray spaces
-- (as found in the portals' data; the number itself is GB 11643-1999); older aks records hold the 15-digit form,
-- which gains "19" before the two-digit year and a computed check character.
-- IMMUTABLE so that an expression index can serve lookups by ID number.
CREATE OR REPLACE FUNCTION gateway.normalise_id_number(raw text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  cleaned text;
  body    text;
  weights constant int[] := ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  total   int := 0;
  check_char text;
  -- Exactly the characters JavaScript's \s matches, listed: what [[:space:]] and upper() match
  -- depends on the database's locale, and an IMMUTABLE function behind an index must not.
  spaces  constant text := E'\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006'
                          || E'\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
BEGIN
  -- translate() deletes the characters it has no replacement for: the spaces come last.
  cleaned := translate(raw, '０１２３４５６７８９ｘＸx' || spaces, '0123456789XXX');
  IF cleaned ~ '^[0-9]{15}$' THEN
    body := substr(cleaned, 1, 6) || '19' || substr(cleaned, 7, 9);
  ELSIF cleaned ~ '^[0-9]{17}[0-9X]$' THEN
    body := substr(cleaned, 1, 17);
  ELSE
    RETURN NULL;
  END IF;
  FOR i IN 1..17 LOOP
    total := total + (ascii(substr(body, i, 1)) - 48) * weights[i];
  END LOOP;
  check_char := substr('10X98765432', total % 11 + 1, 1);
  IF length(cleaned) = 18 AND substr(cleaned, 18, 1) <> check_char THEN
    RETURN NULL;
  END IF;
  RETURN body || check_char;
END
$fn$;

-- The review year as a number: "2024年度" → 2024, or NULL when the text is not a year. It must
-- agree with parseReviewYear in subgraphs/wlmq/mapping.ts (a test compares the two).
CREATE OR REPLACE FUNCTION gateway.wlmq_review_year(raw text) RETURNS smallint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT substring(raw FROM '^[[:space:]]*([0-9]{4})[[:space:]]*(?:年度|年)?[[:space:]]*$')::smallint
$fn$;

-- Lookups by person (the federation's entity resolution).
CREATE INDEX IF NOT EXISTS gateway_declaration_id_number ON "Declaration" (gateway.normalise_id_number("certNo"));
-- Paging through a year's declarations in key order, and per-year statistics.
CREATE INDEX IF NOT EXISTS gateway_declaration_year_page ON "Declaration" (gateway.wlmq_review_year("reviewYear"), "declarationNo");
CREATE INDEX IF NOT EXISTS gateway_declaration_year_stats ON "Declaration" (gateway.wlmq_review_year("reviewYear"), "seriesName", "majorName", "targetTitle", "way", "flowState");
