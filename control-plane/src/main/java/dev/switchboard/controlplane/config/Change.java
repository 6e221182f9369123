package dev.switchboard.controlplane.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One resource that a revision (or a dry run) creates, updates or deletes. {@code kind} is the config section
 * ({@code virtual_models}, {@code models} with {@code <account>/<model-id>} names, {@code health_policy});
 * {@code fields} says, for an update, which fields changed (secrets shown as {@code ***} and a fingerprint of the sealed
 * value, never in clear).
 */
public record Change(Op op, String kind, String name, List<FieldChange> fields) {

    public enum Op {
        @com.fasterxml.jackson.annotation.JsonProperty("created") CREATED,
        @com.fasterxml.jackson.annotation.JsonProperty("updated") UPDATED,
        @com.fasterxml.jackson.annotation.JsonProperty("deleted") DELETED
    }

    public Change {
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    public Change withoutFields() {
        return fields.isEmpty() ? this : new Change(op, kind, name, List.of());
    }

    /** One field's value before and after; a missing side is absent (the field was added or removed). */
    public record FieldChange(String path, JsonNode before, JsonNode after) {
    }
}
