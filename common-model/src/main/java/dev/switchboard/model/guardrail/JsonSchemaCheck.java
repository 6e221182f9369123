package dev.switchboard.model.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import dev.switchboard.model.config.Guardrail;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The tool arguments against a JSON Schema (draft 2020-12 unless the schema's {@code $schema} names another draft),
 * compiled once. A schema may only refer to itself and the bundled meta-schemas: nothing is fetched over the network.
 * A violation reports the first few errors with their paths ({@code $.limit: string found, integer expected}).
 */
final class JsonSchemaCheck implements Check {

    /** Reasons quote this many of a payload's errors. */
    static final int REASON_ERRORS = 3;

    private static final Map<SpecificationVersion, SchemaRegistry> REGISTRIES =
            new EnumMap<>(SpecificationVersion.class);

    static {
        for (SpecificationVersion version : SpecificationVersion.values()) {
            // the bundled meta-schemas only: a schema in a config never makes the gateway fetch a URL
            REGISTRIES.put(version, SchemaRegistry.withDefaultDialect(version, builder -> builder
                    .schemaLoader(loader -> loader.fetchRemoteResources(false))
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH).build())));
        }
    }

    private final Schema schema;

    JsonSchemaCheck(JsonNode schema) {
        this.schema = compile(schema);
    }

    private static Schema compile(JsonNode schema) {
        Schema compiled = REGISTRIES.get(versionOf(schema)).getSchema(schema);
        compiled.initializeValidators();
        return compiled;
    }

    /** Why {@code schema} is not a usable JSON Schema, or null when it is. */
    static String problem(JsonNode schema) {
        if (schema == null || schema.isNull() || schema.isMissingNode()) {
            return "is required";
        }
        if (!schema.isObject() && !schema.isBoolean()) {
            return "must be a JSON Schema object";
        }
        try {
            SpecificationVersion version = versionOf(schema);
            if (schema.isObject()) {
                Schema meta = REGISTRIES.get(version).getSchema(SchemaLocation.of(version.getDialectId()));
                List<String> errors = first(meta.validate(schema));
                if (!errors.isEmpty()) {
                    return "not a valid JSON Schema: " + String.join("; ", errors);
                }
            }
            compile(schema);
            return null;
        } catch (RuntimeException e) {
            return "not a valid JSON Schema: " + e.getMessage();
        }
    }

    private static SpecificationVersion versionOf(JsonNode schema) {
        return SpecificationVersion.fromSchemaNode(schema).orElse(SpecificationVersion.DRAFT_2020_12);
    }

    @Override
    public CompletionStage<Result> run(Guardrail.Hook hook, GuardScope scope, JsonNode payload, boolean rewrite) {
        List<String> errors = first(schema.validate(payload == null ? MissingNode.getInstance() : payload));
        return errors.isEmpty() ? Result.PASS.done()
                : Result.violation("arguments do not match the schema: " + String.join("; ", errors)).done();
    }

    /** The first errors, by path, in words that never quote the offending value. */
    private static List<String> first(List<Error> messages) {
        List<Error> sorted = new ArrayList<>(messages);
        sorted.sort(Comparator.comparing((Error m) -> String.valueOf(m.getInstanceLocation()))
                .thenComparing(Error::getMessage));
        List<String> out = new ArrayList<>();
        for (Error m : sorted) {
            if (out.size() == REASON_ERRORS) {
                out.add("and " + (sorted.size() - REASON_ERRORS) + " more");
                break;
            }
            out.add(safe(m));
        }
        return out;
    }

    private static String safe(Error m) {
        JsonNode value = m.getInstanceNode();
        String text = m.getMessage();
        if (value != null && value.isValueNode() && value.asText().length() >= 3 && text.contains(value.asText())) {
            return m.getInstanceLocation() + ": fails '" + m.getKeyword() + "'";
        }
        return m.getInstanceLocation() + ": " + text;
    }
}
