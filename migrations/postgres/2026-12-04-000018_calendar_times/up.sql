-- Calendar times. An event has a last day (the first day for a one-day event) and, for a timed
-- event, a start and an end time in Norwegian local time (Europe/Oslo); both gatherings and
-- webinars and the rounds a deadline comes from count their changes (revision, the feed's
-- SEQUENCE) and keep when they last changed (updated_at, the feed's LAST-MODIFIED).
-- Keep in step with ../../sqlite.
ALTER TABLE calendar_events ADD COLUMN end_date DATE;
ALTER TABLE calendar_events ADD COLUMN start_time TIME;
ALTER TABLE calendar_events ADD COLUMN end_time TIME;
ALTER TABLE calendar_events ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE calendar_events ADD COLUMN updated_at TIMESTAMP;
UPDATE calendar_events SET end_date = event_date, updated_at = created_at;
ALTER TABLE calendar_events ALTER COLUMN end_date SET NOT NULL;
ALTER TABLE calendar_events ALTER COLUMN updated_at SET NOT NULL;

ALTER TABLE rounds ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rounds ADD COLUMN updated_at TIMESTAMP;
UPDATE rounds SET updated_at = created_at;
ALTER TABLE rounds ALTER COLUMN updated_at SET NOT NULL;
