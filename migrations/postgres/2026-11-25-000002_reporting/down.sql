DROP TABLE submissions;
DROP TABLE rounds;
DROP TABLE form_templates;
