ALTER TABLE grant_schemes DROP COLUMN requires_anchoring;
ALTER TABLE grant_schemes DROP COLUMN requires_plan;
ALTER TABLE grant_schemes DROP COLUMN requires_budget;
ALTER TABLE grant_schemes DROP COLUMN application_deadline;
ALTER TABLE grant_decisions DROP COLUMN frame_justification;
ALTER TABLE grant_decisions DROP COLUMN target_text;
