-- A collaboration's code (kode): given once from its name when it is registered, kept through
-- renames, unique; other systems hold on to it (DHIS2's org unit code). Collaborations stored
-- before this migration get theirs when the server opens the database (registry::collaborations
-- ::backfill_codes), so the column allows NULL only until then.
-- Keep in step with ../../sqlite.
ALTER TABLE collaborations ADD COLUMN code TEXT;
CREATE UNIQUE INDEX collaborations_code ON collaborations (code);
