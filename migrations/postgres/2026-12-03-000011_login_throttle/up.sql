-- Login throttling: one row per counter (account at address, address, account) with the failures
-- in a row and when the next attempt may be made. The row is locked while an attempt is counted,
-- so attempts at once are counted one after the other. Keep in step with ../../sqlite.
CREATE TABLE login_throttle (
    counter TEXT PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL,
    last_failure_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL
);
DROP TABLE login_failures;
