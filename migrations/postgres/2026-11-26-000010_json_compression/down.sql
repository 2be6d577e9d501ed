DO $$
BEGIN
    EXECUTE 'ALTER TABLE submissions ALTER COLUMN answers SET COMPRESSION default';
    EXECUTE 'ALTER TABLE audit_events ALTER COLUMN before_json SET COMPRESSION default, ALTER COLUMN after_json SET COMPRESSION default';
EXCEPTION WHEN syntax_error THEN
    NULL;
END $$;
