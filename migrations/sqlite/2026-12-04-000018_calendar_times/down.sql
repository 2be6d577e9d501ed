ALTER TABLE rounds DROP COLUMN updated_at;
ALTER TABLE rounds DROP COLUMN revision;
ALTER TABLE calendar_events DROP COLUMN updated_at;
ALTER TABLE calendar_events DROP COLUMN revision;
ALTER TABLE calendar_events DROP COLUMN end_time;
ALTER TABLE calendar_events DROP COLUMN start_time;
ALTER TABLE calendar_events DROP COLUMN end_date;
