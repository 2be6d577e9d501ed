ALTER TABLE grant_decisions DROP COLUMN decided_by;
ALTER TABLE grant_schemes DROP COLUMN accept_weeks;
ALTER TABLE grant_schemes DROP COLUMN accept_by;
ALTER TABLE grant_schemes DROP COLUMN reporting;
ALTER TABLE grant_schemes DROP COLUMN payment_terms;
ALTER TABLE grant_schemes DROP COLUMN legal_basis;
ALTER TABLE grant_schemes DROP COLUMN county_decides;
ALTER TABLE grant_schemes DROP COLUMN authority;
