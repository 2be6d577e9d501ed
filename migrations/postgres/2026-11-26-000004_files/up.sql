-- File deliverables, stored once per content (the key is the SHA-256 of the bytes).
-- Keep in step with ../../sqlite.
CREATE TABLE stored_files (
    sha256 TEXT PRIMARY KEY NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL
);
