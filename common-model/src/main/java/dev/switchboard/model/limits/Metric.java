package dev.switchboard.model.limits;

/** What a limit counts. */
public enum Metric {
    REQUESTS("requests"), TOKENS("tokens"), INPUT_TOKENS("input tokens"), OUTPUT_TOKENS("output tokens"),
    USD("USD");

    private final String words;

    Metric(String words) {
        this.words = words;
    }

    /** How a message names the unit: {@code 100 requests per minute}. */
    public String words() {
        return words;
    }
}
