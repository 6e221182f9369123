-- Switchboard telemetry, schema version 2: request metadata (the x-tfy-metadata header) and the caller's team on
-- request_logs. Applied after V1 at every start. ClickHouse 18.16 knows neither ADD COLUMN IF NOT EXISTS nor a Map
-- type, so each statement adds one column and the control plane (telemetry/ClickHouseStore) runs an ADD COLUMN only
-- when system.columns does not list that column yet. Metadata is two parallel arrays, keys[i] -> values[i]; a row
-- written before this version reads as empty arrays and an empty team.
-- Each statement ends with a semicolon at the end of a line.
ALTER TABLE ${database}.request_logs ADD COLUMN team String AFTER subject;

ALTER TABLE ${database}.request_logs ADD COLUMN metadata_keys Array(String) AFTER guardrails;

ALTER TABLE ${database}.request_logs ADD COLUMN metadata_values Array(String) AFTER metadata_keys;
