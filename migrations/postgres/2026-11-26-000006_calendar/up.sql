-- Calendar: gatherings and webinars (deadlines come from rounds and grants), and the secret
-- tokens of personal iCalendar feeds (stored hashed). Keep in step with ../../sqlite.
CREATE TABLE calendar_events (
    id BIGSERIAL PRIMARY KEY,
    event_date DATE NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    demo BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE calendar_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
