package dev.switchboard.model.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.validation.ConfigException;

import org.junit.jupiter.api.Test;

/** A refused config is reported with where it is wrong, never with its text, which may hold a secret. */
class SourceExcerptTest {

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
                """, ConfigCodec.withoutSourceExcerpts(snakeYaml));
    }

    @Test
    void messagesWithoutExcerptsAreUnchanged() {
        String message = "virtual_models[0].routing_config.load_balance_targets[0].weight: must be > 0";
        assertEquals(message, ConfigCodec.withoutSourceExcerpts(message));
    }

    @Test
    void aBrokenYamlLineHoldingAKeyIsNotQuotedInTheError() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCodec.readYaml(
                "provider_accounts:\n  - name: x\n    auth: {type: api-key, api_key: sk-secret-in-clear-42}}\n"));
        assertFalse(e.getMessage().contains("sk-secret-in-clear-42"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }
}
