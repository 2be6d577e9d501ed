-- Outbox: messages waiting to be sent (reminders). Real sending over SMTP comes later.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    round_id BIGINT REFERENCES rounds (id),
    submission_id BIGINT REFERENCES submissions (id),
    sent_at TIMESTAMP,
    result TEXT NOT NULL
);
CREATE INDEX outbox_by_round ON outbox (round_id);
