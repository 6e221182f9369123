package dev.switchboard.model.limits;

import dev.switchboard.model.config.Period;

/**
 * Names one counter, stable across config snapshots so that a swap keeps the counts: the rule (or budget) and its
 * period, whom it counts ({@code user:alice}, {@code team:ml}, {@code api_key:ci}, or {@code *} for a shared pool) and,
 * for a rule with {@code per_metadata}, the metadata value ({@code null} otherwise). A rule whose limit changes keeps
 * its counts; one whose period changes starts new counters.
 */
public record CounterKey(Family family, String rule, Period per, String member, String metadata) {

    /** The member of a {@code shared} rule's one counter. */
    public static final String SHARED = "*";

    /**
     * The form carried between replicas: {@code rate_limit|team-ml-rpm|minute|user:alice[|<metadata value>]}. Names
     * and subjects cannot hold {@code |}; a metadata value, last, may.
     */
    public String wire() {
        String base = family.wire() + "|" + rule + "|" + per.name().toLowerCase() + "|" + member;
        return metadata == null ? base : base + "|" + metadata;
    }

    public static CounterKey parse(String wire) {
        String[] parts = wire.split("\\|", 5);
        if (parts.length < 4) {
            throw new IllegalArgumentException("not a counter key: '" + wire + "'");
        }
        return new CounterKey(Family.ofWire(parts[0]), parts[1], Period.valueOf(parts[2].toUpperCase()), parts[3],
                parts.length == 5 ? parts[4] : null);
    }
}
