-- Switchboard telemetry, schema version 6: payloads. Applied after V5 at every start.
-- request_logs gains the prompt and the completion of a request whose model or virtual model logs payloads
-- (log_payloads: true): the request body after the llm_input guardrails, the answer's text after the llm_output
-- guardrails, each cut at the entry's cap and then marked truncated. Empty for every other request and for the rows
-- written before; plain String with a default, as 18.16 needs (no IF NOT EXISTS: the control plane skips a column
-- system.columns already lists, see V3). 18.16 answers nothing to a query that reads only columns a part does not
-- have yet (SELECT prompt ... WHERE request_id = ...): read one of the older columns with them, as the API does.
-- AFTER keeps event_id, which the publisher writes last in every row, the table's last column too.
-- Each statement ends with a semicolon at the end of a line.
ALTER TABLE ${database}.request_logs ADD COLUMN prompt String DEFAULT '' AFTER limit_rule;

ALTER TABLE ${database}.request_logs ADD COLUMN prompt_truncated UInt8 DEFAULT 0 AFTER prompt;

ALTER TABLE ${database}.request_logs ADD COLUMN completion String DEFAULT '' AFTER prompt_truncated;

ALTER TABLE ${database}.request_logs ADD COLUMN completion_truncated UInt8 DEFAULT 0 AFTER completion;
