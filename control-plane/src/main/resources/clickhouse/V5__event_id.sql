-- Switchboard telemetry, schema version 5: the event id of each request log and tool call
-- (dev.switchboard.model.telemetry.TelemetryWire.EVENT_ID, "<instance>-<n>", given by the publisher). Delivery is at
-- least once, so a row may be stored twice (a message delivered again after its insert but before its
-- acknowledgement); the API keeps one row per event id when it reads (LIMIT 1 BY). A row written before this version
-- reads as the empty string. ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: the control plane
-- (telemetry/ClickHouseStore) runs an ADD COLUMN only when system.columns does not list that column yet.
-- Each statement ends with a semicolon at the end of a line.
ALTER TABLE ${database}.request_logs ADD COLUMN event_id String;

ALTER TABLE ${database}.tool_calls ADD COLUMN event_id String;
