package dev.switchboard.controlplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.AccessRule;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.validation.ConfigError;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlPlaneRulesTest {

    @Test
    void unnamedAccessRulesAreNamedByPositionAvoidingTakenNames() {
        SwitchboardConfig config = ConfigCodec.readYaml("""
                access_rules:
                  - {name: access-rule-2, subjects: [user:a], models: ["*"]}
                  - {subjects: [user:a], models: ["*"]}
                  - {subjects: [user:a], models: ["*"]}
                """);
        assertEquals(List.of("access-rule-2", "access-rule-2-2", "access-rule-3"),
                ControlPlaneRules.nameAccessRules(config).accessRules().stream().map(AccessRule::name).toList());
    }

    @Test
    void accessRuleNamesMustBeValidAndUnique() {
        SwitchboardConfig config = SwitchboardConfig.builder().accessRules(List.of(
                new AccessRule("r", List.of(), List.of()), new AccessRule("r", List.of(), List.of()),
                new AccessRule("bad name", List.of(), List.of()), new AccessRule(null, List.of(), List.of()))).build();
        assertEquals(List.of(
                new ConfigError("access_rules[1]", "duplicate name 'r' (also access_rules[0])"),
                new ConfigError("access_rules[2].name",
                        "must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (max 128)"),
                new ConfigError("access_rules[3].name", "is required")), ControlPlaneRules.validate(config));
    }
}
