DROP TABLE payment_requests;
DROP TRIGGER IF EXISTS ledger_entries_no_change ON ledger_entries;
DROP FUNCTION IF EXISTS ledger_entries_append_only();
DROP TABLE ledger_entries;
DROP TABLE grant_decisions;
DROP TABLE grant_applications;
DROP TABLE county_allocations;
DROP TABLE grant_frames;
DROP TABLE grant_schemes;
