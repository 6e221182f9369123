package dev.switchboard.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.switchboard.gateway.http.GatewayError;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Tag;

/**
 * The {@code x-tfy-metadata} header, as Vert.x hands it over (one character per byte received): whatever the bytes,
 * either a 400 {@link GatewayError} or a map within the documented limits. Seeds: {@code RequestMetadataFuzzTestInputs/}.
 */
@Tag("fuzz")
class RequestMetadataFuzzTest {

    @FuzzTest(maxDuration = "15s")
    @DictionaryFile(resourcePath = "/dev/switchboard/gateway/fuzz/openai.dict")
    void metadataHeader(byte[] header) {
        Map<String, String> metadata;
        try {
            metadata = RequestMetadata.parse(new String(header, StandardCharsets.ISO_8859_1));
        } catch (GatewayError refused) {
            assertEquals(400, refused.status());
            return;
        }
        assertTrue(metadata.size() <= RequestMetadata.MAX_KEYS, metadata::toString);
        metadata.forEach((key, value) -> {
            assertTrue(key.matches("[A-Za-z0-9_.-]{1," + RequestMetadata.MAX_KEY_LENGTH + "}"), key);
            assertTrue(value.length() <= RequestMetadata.MAX_VALUE_LENGTH);
        });
        Map<String, String> withUser = RequestMetadata.withUserId(metadata, "user_abc_session_1");
        assertTrue(withUser.size() <= RequestMetadata.MAX_KEYS);
    }
}
