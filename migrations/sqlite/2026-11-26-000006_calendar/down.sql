DROP TABLE calendar_tokens;
DROP TABLE calendar_events;
