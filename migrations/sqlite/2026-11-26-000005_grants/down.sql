DROP TABLE payment_requests;
DROP TABLE ledger_entries;
DROP TABLE grant_decisions;
DROP TABLE grant_applications;
DROP TABLE county_allocations;
DROP TABLE grant_frames;
DROP TABLE grant_schemes;
