-- Reporting: form templates as data, rounds and submissions (SQLite). Keep in step with ../../postgres.
CREATE TABLE form_templates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    frozen BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    template_id BIGINT NOT NULL REFERENCES form_templates (id),
    period TEXT NOT NULL,
    deadline DATE NOT NULL,
    reviewer TEXT NOT NULL,
    audience TEXT NOT NULL,
    demo BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    org_kind TEXT NOT NULL,
    org_id TEXT NOT NULL,
    org_name TEXT NOT NULL,
    layout INTEGER NOT NULL,
    state TEXT NOT NULL,
    answers TEXT NOT NULL,
    version BIGINT NOT NULL,
    submitted_at TIMESTAMP,
    reviewer_comment TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (round_id, org_kind, org_id)
);
CREATE INDEX submissions_by_org ON submissions (org_kind, org_id);
