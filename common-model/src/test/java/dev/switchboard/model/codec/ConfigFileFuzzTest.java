package dev.switchboard.model.codec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Tag;

/**
 * A config file (YAML, and so JSON too) through the one door it takes into a plane or the control plane:
 * {@link ConfigCodec#loadYaml}, which reads, validates and indexes it. Whatever the text, the only exception is a
 * {@link ConfigException} listing at least one error, each with a path and a message. Seeds:
 * {@code ConfigFileFuzzTestInputs/} (the shipped examples).
 */
@Tag("fuzz")
class ConfigFileFuzzTest {

    @FuzzTest(maxDuration = "15s")
    @DictionaryFile(resourcePath = "/dev/switchboard/model/codec/config.dict")
    void configFile(byte[] file) {
        try {
            assertNotNull(ConfigCodec.loadYaml(new String(file, StandardCharsets.UTF_8), 1, Instant.EPOCH));
        } catch (ConfigException refused) {
            assertFalse(refused.errors().isEmpty());
            for (ConfigError error : refused.errors()) {
                assertNotNull(error.path());
                assertNotNull(error.message());
            }
        }
    }
}
