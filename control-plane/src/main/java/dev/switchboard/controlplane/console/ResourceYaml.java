package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.model.validation.ConfigError;
import java.util.List;

/**
 * One resource as the console's editor shows it: its admin-API JSON (secrets already masked) written as YAML, and the
 * edited YAML read back into the JSON body the admin API's service takes. Only the syntax is checked here; what the
 * body means is checked by the service, as for the admin API.
 */
final class ResourceYaml {

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    private ResourceYaml() {
    }

    static String write(JsonNode resource) {
        try {
            return YAML.writeValueAsString(resource);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a resource as YAML", e);
        }
    }

    /** The JSON body of {@code yaml}, or a 400 problem naming the line where it stops being a YAML mapping. */
    static String read(String yaml) {
        JsonNode node;
        try {
            node = YAML.readTree(yaml == null ? "" : yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw ApiProblem.invalid(List.of(new ConfigError("", "not valid YAML" + where + ": "
                    + e.getOriginalMessage())));
        }
        if (node == null || !(node instanceof ObjectNode)) {
            throw ApiProblem.invalid(List.of(new ConfigError("", "must be a YAML mapping of the resource's fields")));
        }
        return node.toString();
    }
}
