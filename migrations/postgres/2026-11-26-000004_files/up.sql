-- Files: the bytes are stored once per content, keyed by their SHA-256; each use of a file (a
-- deliverable in a submission's file field, an uploaded import sheet) is a reference with the
-- name and type its uploader gave. Keep in step with ../../sqlite.
CREATE TABLE stored_files (
    sha256 TEXT PRIMARY KEY NOT NULL,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE file_references (
    id BIGSERIAL PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES stored_files (sha256),
    owner_kind TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    field TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX file_references_by_owner ON file_references (owner_kind, owner_id);
