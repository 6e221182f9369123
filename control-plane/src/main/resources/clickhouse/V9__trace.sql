-- Switchboard telemetry, schema version 9: a request's trace context. Applied after V8 at every start.
-- request_logs gains `trace`: when the gateway's spans go through its request logs (switchboard.traces.export=nats
-- with request logs on), what the request's spans need beyond the other columns, as JSON text (trace and span ids in
-- hex, the start in nanoseconds, the request parameters and the answer's id, model and finish reason, and per attempt
-- its span id, provider and start); "" for every other request and for the rows written before. The control plane
-- makes the spans from it (RequestLogSpans). String with a default, as 18.16 needs (no IF NOT EXISTS: the control
-- plane skips a column system.columns already lists, see V3). AFTER keeps event_id the table's last column.
-- Each statement ends with a semicolon at the end of a line.
ALTER TABLE ${database}.request_logs ADD COLUMN trace String DEFAULT '' AFTER audio_seconds;
