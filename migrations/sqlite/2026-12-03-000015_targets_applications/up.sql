-- Grant forms. A decision keeps the text its target figures were read from (historic grants),
-- and the justification when it grants beyond what is left of the county's frame. A scheme has
-- its application deadline (none: no deadline) and says what a sent application must hold.
-- Keep in step with ../../postgres.
ALTER TABLE grant_decisions ADD COLUMN target_text TEXT NOT NULL DEFAULT '';
ALTER TABLE grant_decisions ADD COLUMN frame_justification TEXT NOT NULL DEFAULT '';
ALTER TABLE grant_schemes ADD COLUMN application_deadline DATE;
ALTER TABLE grant_schemes ADD COLUMN requires_budget BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE grant_schemes ADD COLUMN requires_plan BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE grant_schemes ADD COLUMN requires_anchoring BOOLEAN NOT NULL DEFAULT FALSE;

-- Historic grants read their target figures from the conditions text: it is their source text.
UPDATE grant_decisions SET target_text = conditions
WHERE target_figures <> '[]' AND application_id IN (SELECT id FROM grant_applications WHERE historic);
