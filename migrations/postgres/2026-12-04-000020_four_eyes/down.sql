ALTER TABLE grant_schemes DROP COLUMN four_eyes;
ALTER TABLE payment_requests DROP COLUMN approved_at;
ALTER TABLE payment_requests DROP COLUMN approved_by;
