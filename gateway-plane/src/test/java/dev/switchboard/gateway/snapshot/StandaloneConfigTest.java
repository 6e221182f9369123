package dev.switchboard.gateway.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A refused config file is reported with where it is wrong, never with its text, which may hold a secret. */
class StandaloneConfigTest {

    @Test
    void yamlSourceExcerptsAreDroppedAndPositionsKept() {
        String snakeYaml = """
                provider_accounts[0]: while parsing a block mapping
                 in 'reader', line 2, column 5:
                      - name: fake
                        ^
                expected <block end>, but found '}'
                 in 'reader', line 5, column 61:
                     ... i_key: sk-upstream-secret-value}}
                                                         ^
                """;
        assertEquals("""
                provider_accounts[0]: while parsing a block mapping
                 in 'reader', line 2, column 5:
                expected <block end>, but found '}'
                 in 'reader', line 5, column 61:
                """, StandaloneConfig.withoutSourceExcerpts(snakeYaml));
    }

    @Test
    void messagesWithoutExcerptsAreUnchanged() {
        String message = "virtual_models[0].routing_config.load_balance_targets[0].weight: must be > 0";
        assertEquals(message, StandaloneConfig.withoutSourceExcerpts(message));
    }
}
