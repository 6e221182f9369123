package dev.switchboard.controlplane.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.model.validation.ConfigError;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiProblemTest {

    private static final List<ConfigError> ERRORS = List.of(
            new ConfigError("virtual_models[3].routing_config.type", "is required"),
            new ConfigError("virtual_models[3]", "whole"),
            new ConfigError("virtual_models[30].name", "elsewhere"));

    @Test
    void errorsInsideTheChangedResourceAreBadInputWithRelativePaths() {
        ApiProblem p = ApiProblem.forInvalidConfig(ERRORS, "virtual_models[3]");
        assertEquals(400, p.status());
        assertEquals(List.of(new ConfigError("routing_config.type", "is required"), new ConfigError("", "whole"),
                new ConfigError("virtual_models[30].name", "elsewhere")), p.errors());
    }

    @Test
    void errorsOnlyElsewhereAreBrokenReferences() {
        ApiProblem p = ApiProblem.forInvalidConfig(List.of(ERRORS.get(2)), "virtual_models[3]");
        assertEquals(422, p.status());
        assertEquals(List.of(ERRORS.get(2)), p.errors());
        assertEquals(422, ApiProblem.forInvalidConfig(ERRORS, null).status());
        assertEquals(ERRORS, ApiProblem.forInvalidConfig(ERRORS, "").errors());
    }
}
