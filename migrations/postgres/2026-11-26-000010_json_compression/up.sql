-- Answers and audit snapshots are JSON of some kilobytes each; PostgreSQL compresses them when it
-- stores them. lz4 compresses several times faster than the default pglz, which is what an import
-- of a whole round (hundreds of answers and as many audit rows) spends most of its writing on.
-- A server built without lz4 (feature_not_supported), or older than PostgreSQL 14 (no SET
-- COMPRESSION: a syntax error, hence EXECUTE), keeps pglz.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE submissions ALTER COLUMN answers SET COMPRESSION lz4';
    EXECUTE 'ALTER TABLE audit_events ALTER COLUMN before_json SET COMPRESSION lz4, ALTER COLUMN after_json SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    NULL;
END $$;
