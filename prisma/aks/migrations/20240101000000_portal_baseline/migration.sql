-- The aks portal's own tables, exactly as they stand in the portal's database. The portal owns
-- them; this migration exists so development and test databases look like the real one.
-- IF NOT EXISTS makes it a no-op against a real portal database, which already has them.
CREATE TABLE IF NOT EXISTS applicant (
  id              serial PRIMARY KEY,
  id_card         varchar(18) NOT NULL,
  full_name       text,
  gender_code     smallint,
  ethnic_code     char(2),
  political_code  char(2),
  employer        text,
  employer_kind   smallint,
  civil_servant   boolean,
  retired         boolean,
  sanction_until  date,
  created_at      timestamptz
);

CREATE TABLE IF NOT EXISTS batch (
  code         varchar(24) PRIMARY KEY,
  title        text,
  year         smallint NOT NULL,
  apply_from   timestamptz,
  apply_until  timestamptz,
  audit_from   date,
  audit_until  date,
  pay_from     date,
  pay_until    date
);

CREATE TABLE IF NOT EXISTS apply_record (
  id                serial PRIMARY KEY,
  applicant_id      int NOT NULL REFERENCES applicant (id),
  batch_code        varchar(24) NOT NULL REFERENCES batch (code),
  series_code       varchar(8),
  specialty         text,
  level_code        smallint,
  track             varchar(16),
  state             varchar(20),
  submit_count      smallint,
  submitted_at      timestamptz,
  fee_cents         int,
  defense_required  boolean
);

CREATE TABLE IF NOT EXISTS title_held (
  id            serial PRIMARY KEY,
  applicant_id  int,
  title_name    text,
  series_code   varchar(8),
  level_code    smallint,
  obtained_on   date,
  route         varchar(16),
  in_xinjiang   boolean,
  doc_no        text
);

CREATE TABLE IF NOT EXISTS assessment (
  applicant_id  int,
  year          smallint,
  result        smallint
);

CREATE TABLE IF NOT EXISTS blacklist (
  id            serial PRIMARY KEY,
  applicant_id  int,
  reason        text,
  listed_on     date,
  ban_years     smallint
);
