-- Indicators: definitions kept as data, and the reported values they aggregate: one row per data
-- element of each delivered submission, written in the same transaction as the submission's
-- state, so a figure includes a report the moment it is sent or accepted. Keep in step with
-- ../../sqlite.
CREATE TABLE indicators (
    code TEXT PRIMARY KEY NOT NULL,
    definition TEXT NOT NULL,
    builtin BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE reported_values (
    submission_id BIGINT NOT NULL REFERENCES submissions (id),
    form_code TEXT NOT NULL,
    element TEXT NOT NULL,
    text TEXT NOT NULL,
    org_kind TEXT NOT NULL,
    org_id TEXT NOT NULL,
    layout INTEGER NOT NULL,
    period_end DATE NOT NULL,
    number BIGINT,
    PRIMARY KEY (submission_id, element, text)
);
CREATE INDEX reported_values_by_element ON reported_values (form_code, element, period_end);
