ALTER TABLE submissions ALTER COLUMN answers SET COMPRESSION default;
ALTER TABLE audit_events ALTER COLUMN before_json SET COMPRESSION default, ALTER COLUMN after_json SET COMPRESSION default;
