ALTER TABLE submissions DROP COLUMN override_reason;
