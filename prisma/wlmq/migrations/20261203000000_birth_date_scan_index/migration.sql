-- The data-quality scan every regional service runs once at start (RegionalSource
-- .impossibleBirthDates: stored ID numbers valid in form whose birth date cannot be real). Without
-- an index it calls gateway.normalise_id_number and gateway.id_number_birth_date on every person
-- row, several times each: about 25 s of PostgreSQL CPU per region over the benchmark's
-- 1,000,000 applications, at every start, competing with the requests being answered. With the
-- birth dates indexed, the scan's three tests (none, before 1900, after today) read the few
-- matching entries only (0.05 ms there). Not a partial index: the planner estimates from an
-- index's statistics only when it has no predicate, and without them keeps the full scan.
CREATE INDEX IF NOT EXISTS gateway_declaration_birth_date ON "Declaration" (gateway.id_number_birth_date("certNo"));
