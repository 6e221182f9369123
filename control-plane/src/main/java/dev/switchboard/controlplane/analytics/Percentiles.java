package dev.switchboard.controlplane.analytics;

/**
 * How the analytics API's percentiles are computed, named in every answer ({@code "percentiles"}). The raw rows are
 * always read with {@link #RESERVOIR}; a rollup computes them its family's way ({@link Rollup}).
 */
public enum Percentiles {

    /**
     * ClickHouse's {@code quantilesTDigest}: approximate (docs/observability.md gives the error measured against the
     * exact figures), with states that merge about ten times faster than {@link #RESERVOIR}'s.
     */
    TDIGEST("quantilesTDigest"),
    /**
     * ClickHouse's {@code quantiles}: exact (interpolated) up to 8192 values per row, a uniform sample of 8192 beyond;
     * its states keep those values, so merging many of them is slow.
     */
    RESERVOIR("quantiles");

    private final String function;

    Percentiles(String function) {
        this.function = function;
    }

    /** The ClickHouse aggregate function, without combinators. */
    String function() {
        return function;
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
