package dev.switchboard.model.config;

/**
 * Payload logging of a model, virtual model or MCP server ({@code log_payloads}, {@code log_payloads_max_bytes}): off
 * unless turned on; when on, each of the prompt and the completion (a tool call's arguments and result) is stored up
 * to the cap, in UTF-8 bytes.
 */
public final class Payloads {

    public static final int DEFAULT_MAX_BYTES = 32 * 1024;
    /**
     * A request log row must fit in one telemetry message (512 KiB, {@code TelemetryWire.MAX_BATCH_BYTES}) or it is
     * dropped: two payloads at this cap stay within it even when JSON escaping doubles them.
     */
    public static final int LIMIT_MAX_BYTES = 64 * 1024;

    private Payloads() {
    }

    /** The cap in bytes when payloads are logged, 0 when they are not. */
    public static int cap(Boolean logPayloads, Integer maxBytes) {
        if (!Boolean.TRUE.equals(logPayloads)) {
            return 0;
        }
        return maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes;
    }
}
