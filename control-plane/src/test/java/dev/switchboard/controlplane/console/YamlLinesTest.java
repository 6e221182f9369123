package dev.switchboard.controlplane.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class YamlLinesTest {

    private static final String YAML = """
            provider_accounts:
              - name: base
                type: openai-compatible
                models:
                  - id: chat
                  - id: spare
            virtual_models:
              - name: assistant
                routing_config:
                  load_balance_targets:
                    - target: base/missing
                      priority: 0
            """;

    @Test
    void aPathIsFoundAtTheLineOfItsField() {
        YamlLines lines = YamlLines.of(YAML);
        assertEquals(1, lines.lineOf("provider_accounts"));
        assertEquals(3, lines.lineOf("provider_accounts[0].type"));
        assertEquals(6, lines.lineOf("provider_accounts[0].models[1].id"));
        assertEquals(11, lines.lineOf("virtual_models[0].routing_config.load_balance_targets[0].target"));
    }

    @Test
    void aMissingFieldIsPlacedAtItsNearestEnclosingPath() {
        YamlLines lines = YamlLines.of(YAML);
        assertEquals(8, lines.lineOf("virtual_models[0].description"));
        assertEquals(11, lines.lineOf("virtual_models[0].routing_config.load_balance_targets[0].weight"));
    }

    @Test
    void noLineForATextThatIsNotYamlOrAPathItLacks() {
        assertEquals(0, YamlLines.of("a: [unclosed").lineOf("b"));
        assertEquals(0, YamlLines.of(YAML).lineOf("teams[0].name"));
        assertEquals(0, YamlLines.of(null).lineOf(""));
    }
}
