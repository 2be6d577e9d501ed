-- Four eyes on payments (Reglement for økonomistyring i staten): who attested (approved) a
-- payment request and when, so that another person authorises (pays) it; and whether a scheme
-- demands two people (on for every state scheme Samveis runs).
ALTER TABLE payment_requests ADD COLUMN approved_by BIGINT REFERENCES users (id);
ALTER TABLE payment_requests ADD COLUMN approved_at TIMESTAMP;
ALTER TABLE grant_schemes ADD COLUMN four_eyes BOOLEAN NOT NULL DEFAULT TRUE;
