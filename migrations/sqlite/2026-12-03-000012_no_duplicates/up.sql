-- No duplicates. A payment request is sent once per invoice for a grant (one that was returned
-- may be sent again), and a historic grant (scheme, year, recipient, reference) is imported once.
-- Fails if duplicate requests already exist: return or remove the extra ones first.
-- Keep in step with ../../postgres.
CREATE UNIQUE INDEX payment_requests_invoice_once ON payment_requests (application_id, invoice_number)
    WHERE state <> 'returned';

CREATE TABLE historic_grant_keys (
    scheme_id BIGINT NOT NULL REFERENCES grant_schemes (id),
    year INTEGER NOT NULL,
    applicant_kind TEXT NOT NULL,
    applicant_id TEXT NOT NULL,
    reference TEXT NOT NULL,
    application_id BIGINT NOT NULL REFERENCES grant_applications (id),
    imported_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scheme_id, year, applicant_kind, applicant_id, reference)
);

-- The historic grants already recorded count as imported (the first of any duplicates).
INSERT INTO historic_grant_keys (scheme_id, year, applicant_kind, applicant_id, reference, application_id, imported_at)
SELECT a.scheme_id, a.year, a.applicant_kind, a.applicant_id, d.reference, a.id, a.created_at
FROM grant_applications a JOIN grant_decisions d ON d.application_id = a.id
WHERE a.historic
ORDER BY a.id
ON CONFLICT DO NOTHING;
