-- Grants: schemes, yearly frames with their county distribution, applications, decisions with
-- target figures, and the append-only money ledger. Money is whole kroner (BIGINT).
-- Keep in step with ../../postgres.
CREATE TABLE grant_schemes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    owner TEXT NOT NULL,
    budget_chapter TEXT NOT NULL,
    budget_post TEXT NOT NULL,
    recipients TEXT NOT NULL,
    rules TEXT NOT NULL,
    first_year INTEGER NOT NULL,
    last_year INTEGER,
    closed BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE grant_frames (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    scheme_id BIGINT NOT NULL REFERENCES grant_schemes (id),
    year INTEGER NOT NULL,
    amount BIGINT NOT NULL,
    layout INTEGER NOT NULL,
    population_year INTEGER,
    weights TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (scheme_id, year)
);

CREATE TABLE county_allocations (
    frame_id BIGINT NOT NULL REFERENCES grant_frames (id),
    county_number TEXT NOT NULL,
    county_name TEXT NOT NULL,
    amount BIGINT,
    PRIMARY KEY (frame_id, county_number)
);

CREATE TABLE grant_applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    scheme_id BIGINT NOT NULL REFERENCES grant_schemes (id),
    year INTEGER NOT NULL,
    applicant_kind TEXT NOT NULL,
    applicant_id TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    layout INTEGER NOT NULL,
    county_number TEXT NOT NULL,
    applied BIGINT,
    own_financing BIGINT,
    declared_other_aid BIGINT,
    purpose TEXT NOT NULL,
    technologies TEXT NOT NULL,
    target_group TEXT NOT NULL,
    political_anchoring BOOLEAN NOT NULL,
    administrative_anchoring BOOLEAN NOT NULL,
    budget TEXT NOT NULL,
    plan TEXT NOT NULL,
    state TEXT NOT NULL,
    historic BOOLEAN NOT NULL,
    submitted_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX grant_applications_by_scheme ON grant_applications (scheme_id, year);

CREATE TABLE grant_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    application_id BIGINT NOT NULL UNIQUE REFERENCES grant_applications (id),
    granted BIGINT NOT NULL,
    conditions TEXT NOT NULL,
    target_figures TEXT NOT NULL,
    sub_allocations TEXT NOT NULL,
    aid_type TEXT NOT NULL,
    decided_on DATE NOT NULL,
    reference TEXT NOT NULL,
    accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    decision_id BIGINT NOT NULL REFERENCES grant_decisions (id),
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL,
    entry_date DATE NOT NULL,
    note TEXT NOT NULL,
    reverses BIGINT,
    demo BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ledger_entries_by_decision ON ledger_entries (decision_id);

CREATE TABLE payment_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    application_id BIGINT NOT NULL REFERENCES grant_applications (id),
    final_payment BOOLEAN NOT NULL,
    amount BIGINT NOT NULL,
    invoice_number TEXT NOT NULL,
    invoice_date DATE NOT NULL,
    project_code TEXT NOT NULL,
    costs_to_date BIGINT NOT NULL,
    status_text TEXT NOT NULL,
    report_submission_id BIGINT,
    state TEXT NOT NULL,
    reviewer_comment TEXT NOT NULL,
    ledger_entry_id BIGINT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX payment_requests_by_application ON payment_requests (application_id);

-- The ledger is append-only: an entry is reversed by a new entry, at most once, never changed.
CREATE UNIQUE INDEX ledger_entries_reversed_once ON ledger_entries (reverses);
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
