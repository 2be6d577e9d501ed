-- A reviewer who accepts a submission with empty required fields (or a deliverable ticked as
-- finished without its file) must say why: the justification is kept on the submission while it
-- stays accepted (NULL otherwise), and audited with the fields it overrode.
-- Keep in step with ../../sqlite.
ALTER TABLE submissions ADD COLUMN override_reason TEXT;
