package dev.switchboard.controlplane.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigException;
import java.util.ArrayList;
import java.util.List;

/** Request bodies: a JSON object, read into a common-model record with the codec's conventions and error paths. */
final class Bodies {

    private Bodies() {
    }

    static ObjectNode object(String body) {
        if (body == null || body.isBlank()) {
            throw ApiProblem.invalid(List.of(new ConfigError("", "a JSON object is required")));
        }
        JsonNode node;
        try {
            node = ConfigJson.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiProblem.invalid(List.of(new ConfigError("", "not valid JSON" + where + ": "
                    + e.getOriginalMessage())));
        }
        if (node == null || !node.isObject()) {
            throw ApiProblem.invalid(List.of(new ConfigError("", "must be a JSON object")));
        }
        return (ObjectNode) node;
    }

    /**
     * Reads past unknown fields, adding an error for each to {@code unknownFields} (paths relative to the body): the
     * caller reports them with the validation errors of the change, so that one answer names every mistake.
     */
    static <T> T read(ObjectNode node, Class<T> type, List<ConfigError> unknownFields) {
        try {
            return ConfigCodec.readJson(node.toString(), type, unknownFields);
        } catch (ConfigException e) {
            throw ApiProblem.invalid(e.errors());
        }
    }

    /** {@code errors} of a body placed at {@code scope} in the whole config ({@code virtual_models[3]}), then {@code more}. */
    static List<ConfigError> within(String scope, List<ConfigError> errors, List<ConfigError> more) {
        List<ConfigError> out = new ArrayList<>(errors.size() + more.size());
        for (ConfigError e : errors) {
            String path = e.path().isEmpty() ? scope
                    : scope.isEmpty() || e.path().startsWith("[") ? scope + e.path() : scope + "." + e.path();
            out.add(new ConfigError(path, e.message()));
        }
        out.addAll(more);
        return out;
    }
}
