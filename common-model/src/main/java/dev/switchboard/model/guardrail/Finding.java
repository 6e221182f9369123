package dev.switchboard.model.guardrail;

/**
 * A span {@code [start, end)} of one string that a detector flagged. {@code kind} names it in a replacement
 * ({@code [REDACTED:email]}) and {@code label} in a reason ({@code email}, {@code regex deny[0]}); never the text.
 */
record Finding(int start, int end, String kind, String label) {

    Finding(int start, int end, String kind) {
        this(start, end, kind, kind);
    }
}
