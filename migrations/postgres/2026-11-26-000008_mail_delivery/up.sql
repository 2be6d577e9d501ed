-- Mail delivery over SMTP: how many times a message was tried and when last, so that failed
-- messages are retried a few times and then left as failed (result «feilet: …» holds the
-- server's answer). Keep in step with ../../sqlite.
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_attempt_at TIMESTAMP;
CREATE INDEX outbox_by_created ON outbox (created_at);
