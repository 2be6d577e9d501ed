DROP TABLE historic_grant_keys;
DROP INDEX payment_requests_invoice_once;
