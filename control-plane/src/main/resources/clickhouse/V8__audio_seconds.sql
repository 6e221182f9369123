-- Switchboard telemetry, schema version 8: audio seconds. Applied after V7 at every start.
-- request_logs gains the seconds of audio a transcription or translation reported (/v1/audio/transcriptions,
-- /v1/audio/translations: usage.seconds of a "duration" usage, else verbose_json's duration); -1 for every other
-- request and for the rows written before. Float64 with a default, as 18.16 needs (no IF NOT EXISTS: the control plane
-- skips a column system.columns already lists, see V3). AFTER keeps event_id the table's last column.
-- Each statement ends with a semicolon at the end of a line.
ALTER TABLE ${database}.request_logs ADD COLUMN audio_seconds Float64 DEFAULT -1 AFTER completion_truncated;
