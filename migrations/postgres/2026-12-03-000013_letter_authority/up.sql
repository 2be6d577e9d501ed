-- The grant letter as a decision (enkeltvedtak): a scheme's owner (a key of
-- data/registry/myndigheter.csv), whether Statsforvalteren of the applicant's county decides its
-- grants, its legal basis, its payment terms apart from its rules, its reporting duties, the deadline for
-- acceptance (a date, or weeks after the decision); each decision records the authority that made
-- it. Earlier schemes: KS's own decide, the others were decided by the county governors.
-- Keep in step with ../../sqlite.
ALTER TABLE grant_schemes ADD COLUMN authority TEXT NOT NULL DEFAULT 'helsedirektoratet';
ALTER TABLE grant_schemes ADD COLUMN county_decides BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE grant_schemes ADD COLUMN legal_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE grant_schemes ADD COLUMN payment_terms TEXT NOT NULL DEFAULT '';
ALTER TABLE grant_schemes ADD COLUMN reporting TEXT NOT NULL DEFAULT '';
ALTER TABLE grant_schemes ADD COLUMN accept_by DATE;
ALTER TABLE grant_schemes ADD COLUMN accept_weeks INTEGER;
ALTER TABLE grant_decisions ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';
UPDATE grant_schemes SET authority = 'ks', county_decides = FALSE WHERE owner = 'KS';
