-- Mitt arbeid reads the sent submissions on every page a reviewer opens: by state, not by a
-- scan of every submission (a scaled installation holds tens of thousands, nearly all accepted).
CREATE INDEX submissions_by_state ON submissions (state);
