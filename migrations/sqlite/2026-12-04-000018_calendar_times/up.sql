-- Calendar times. An event has a last day (the first day for a one-day event) and, for a timed
-- event, a start and an end time in Norwegian local time (Europe/Oslo); both gatherings and
-- webinars and the rounds a deadline comes from count their changes (revision, the feed's
-- SEQUENCE) and keep when they last changed (updated_at, the feed's LAST-MODIFIED).
-- Keep in step with ../../postgres.
ALTER TABLE calendar_events ADD COLUMN end_date DATE NOT NULL DEFAULT '1970-01-01';
ALTER TABLE calendar_events ADD COLUMN start_time TIME;
ALTER TABLE calendar_events ADD COLUMN end_time TIME;
ALTER TABLE calendar_events ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE calendar_events ADD COLUMN updated_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE calendar_events SET end_date = event_date, updated_at = created_at;

ALTER TABLE rounds ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rounds ADD COLUMN updated_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE rounds SET updated_at = created_at;
