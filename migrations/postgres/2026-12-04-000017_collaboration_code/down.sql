DROP INDEX collaborations_code;
ALTER TABLE collaborations DROP COLUMN code;
