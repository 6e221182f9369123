package dev.switchboard.mcpgateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a payload into its audit form, at most {@link #MAX_BYTES} bytes of its JSON text. Serialization stops soon
 * after the cap, so a multi-megabyte tool result costs about as much to record as a 16 KiB one.
 */
public final class AuditPayloads {

    /** 16 KiB of JSON per payload (request, response) and record. */
    public static final int MAX_BYTES = 16 * 1024;

    private AuditPayloads() {
    }

    public static ToolCallRecord.Payload of(JsonNode node) {
        return of(node, MAX_BYTES);
    }

    /** As {@link #of(JsonNode)} with another cap. */
    public static ToolCallRecord.Payload of(JsonNode node, int maxBytes) {
        if (node == null || node.isMissingNode()) {
            return ToolCallRecord.Payload.withheld("none");
        }
        Capped out = new Capped(maxBytes);
        try {
            Json.MAPPER.writeValue(out, node);
        } catch (IOException | RuntimeException e) {
            // Jackson may wrap the cap's stop signal: the flag says whether that is what ended the writing
            if (!out.full) {
                throw new IllegalStateException("cannot write an audit payload", e);
            }
        }
        if (!out.full) {
            return new ToolCallRecord.Payload(new String(out.buf, 0, out.count, StandardCharsets.UTF_8), false, null);
        }
        int end = maxBytes;
        // never cut a UTF-8 sequence in two: back up to the start of the character at the cut
        while (end > 0 && (out.buf[end] & 0xC0) == 0x80) {
            end--;
        }
        return new ToolCallRecord.Payload(new String(out.buf, 0, end, StandardCharsets.UTF_8), true, null);
    }

    /** Keeps the first {@code max + 1} bytes and then stops the writer. */
    private static final class Capped extends OutputStream {

        private final int max;
        private byte[] buf = new byte[256];
        private int count;
        private boolean full;

        Capped(int max) {
            this.max = max;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int keep = Math.min(len, max + 1 - count);
            if (count + keep > buf.length) {
                buf = Arrays.copyOf(buf, Math.min(max + 1, Math.max(buf.length * 2, count + keep)));
            }
            System.arraycopy(b, off, buf, count, keep);
            count += keep;
            if (count > max) {
                full = true;
                throw new Full();
            }
        }
    }

    private static final class Full extends RuntimeException {
        Full() {
            super(null, null, false, false);
        }
    }
}
