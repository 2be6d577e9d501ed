-- Registry, access and audit for Samveis (PostgreSQL). Keep in step with ../../sqlite.
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE counties (
    layout INTEGER NOT NULL,
    number TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (layout, number)
);

CREATE TABLE municipalities (
    layout INTEGER NOT NULL,
    number TEXT NOT NULL,
    name TEXT NOT NULL,
    name_norwegian TEXT NOT NULL,
    county_number TEXT NOT NULL,
    PRIMARY KEY (layout, number),
    FOREIGN KEY (layout, county_number) REFERENCES counties (layout, number)
);

CREATE TABLE municipality_population (
    layout INTEGER NOT NULL,
    number TEXT NOT NULL,
    year INTEGER NOT NULL,
    population BIGINT NOT NULL,
    PRIMARY KEY (layout, number, year),
    FOREIGN KEY (layout, number) REFERENCES municipalities (layout, number)
);

CREATE TABLE code_transitions (
    from_layout INTEGER NOT NULL,
    from_number TEXT NOT NULL,
    to_number TEXT NOT NULL,
    weight_percent INTEGER NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (from_layout, from_number, to_number)
);

CREATE TABLE governor_offices (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE office_counties (
    layout INTEGER NOT NULL,
    county_number TEXT NOT NULL,
    office_code TEXT NOT NULL REFERENCES governor_offices (code),
    PRIMARY KEY (layout, county_number),
    FOREIGN KEY (layout, county_number) REFERENCES counties (layout, number)
);

CREATE TABLE collaborations (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    layout INTEGER NOT NULL,
    host_number TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    note TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    FOREIGN KEY (layout, host_number) REFERENCES municipalities (layout, number)
);

CREATE TABLE collaboration_members (
    collaboration_id BIGINT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    municipality_number TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (collaboration_id, municipality_number)
);
CREATE INDEX collaboration_members_by_municipality ON collaboration_members (municipality_number);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE role_assignments (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    scope TEXT NOT NULL,
    UNIQUE (user_id, role, scope)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE login_failures (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_by_email ON login_failures (email, failed_at);

CREATE TABLE audit_events (
    id BIGSERIAL PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    user_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_events_by_record ON audit_events (record_type, record_id);
CREATE INDEX audit_events_by_time ON audit_events (occurred_at);
