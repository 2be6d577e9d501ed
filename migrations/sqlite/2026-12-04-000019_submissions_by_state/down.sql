DROP INDEX submissions_by_state;
