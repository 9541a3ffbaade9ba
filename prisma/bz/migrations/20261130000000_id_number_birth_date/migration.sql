-- The birth date of a resident ID number (GB 11643-1999 §4.3: characters 7 to 14 of the
-- normalised form, YYYYMMDD) as 'YYYY-MM-DD', or NULL when the number is not valid
-- (gateway.normalise_id_number) or those digits are no calendar date (month 13, 30 February).
-- Text, not date: PostgreSQL has no year 0000, and the answer must agree exactly with birthDateOf
-- in domain/idNumber.ts (a test compares them).
-- gateway.normalise_id_number itself stays as it was: a stored number with an impossible date still
-- links its records and is flagged as a data-quality issue, never dropped; only numbers typed into
-- a query must carry a possible date (normaliseTypedIdNumber).
CREATE OR REPLACE FUNCTION gateway.id_number_birth_date(raw text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  normalised text := gateway.normalise_id_number(raw);
  y int;
  m int;
  d int;
  days_in_month int;
BEGIN
  IF normalised IS NULL THEN
    RETURN NULL;
  END IF;
  y := substr(normalised, 7, 4)::int;
  m := substr(normalised, 11, 2)::int;
  d := substr(normalised, 13, 2)::int;
  IF m < 1 OR m > 12 OR d < 1 THEN
    RETURN NULL;
  END IF;
  days_in_month := (ARRAY[31, CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END,
                          31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[m];
  IF d > days_in_month THEN
    RETURN NULL;
  END IF;
  RETURN substr(normalised, 7, 4) || '-' || substr(normalised, 11, 2) || '-' || substr(normalised, 13, 2);
END
$fn$;
