package dev.switchboard.mcpgateway.approval;

import java.time.Instant;

/**
 * How a held call was decided: approved or denied by {@code decidedBy} (a subject such as {@code user:bob}), timed
 * out, or cancelled because the caller went away (both with a null {@code decidedBy}).
 */
public record Decision(Outcome outcome, String decidedBy, Instant at, String reason) {

    public enum Outcome {
        APPROVED("approved"), DENIED("denied"), TIMEOUT("timeout"), CANCELLED("cancelled");

        private final String wire;

        Outcome(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }
}
