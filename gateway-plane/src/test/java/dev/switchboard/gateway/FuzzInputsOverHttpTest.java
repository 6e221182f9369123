package dev.switchboard.gateway;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fuzz tests' inputs (seeds and past findings, and the corpus a local fuzzing run left in {@code .cifuzz-corpus/})
 * sent through the real HTTP routes: whatever the body or the {@code x-tfy-metadata} header, never a 5xx, and every
 * refusal in the endpoint's own error shape.
 */
@QuarkusTest
class FuzzInputsOverHttpTest {

    private static final String CHAT_METADATA_BODY =
            "{\"model\":\"fake/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @BeforeEach
    void reset() {
        GatewayTestResource.openAi.reset();
    }

    @Test
    void chatCompletionsBodiesNeverGetA5xx() throws IOException {
        for (byte[] body : inputs("provider/anthropic/ChatCompletionsFuzzTest", "chatCompletionsBody")) {
            assertNo5xx("/v1/chat/completions", body, null, false);
        }
    }

    @Test
    void embeddingsBodiesNeverGetA5xx() throws IOException {
        for (byte[] body : inputs("pipeline/EmbeddingsFuzzTest", "embeddingsBody")) {
            assertNo5xx("/v1/embeddings", body, null, false);
        }
    }

    @Test
    void messagesBodiesNeverGetA5xxAndAreRefusedInAnthropicsShape() throws IOException {
        for (byte[] body : inputs("provider/anthropic/inbound/MessagesFuzzTest", "messagesBody")) {
            assertNo5xx("/v1/messages", body, null, true);
            assertNo5xx("/v1/messages/count_tokens", body, null, true);
        }
    }

    @Test
    void metadataHeadersNeverGetA5xx() throws IOException {
        for (byte[] header : inputs("pipeline/RequestMetadataFuzzTest", "metadataHeader")) {
            // a header carries no CR, LF or NUL: the client library would refuse to send it
            String value = new String(header, StandardCharsets.ISO_8859_1).replaceAll("[\\r\\n\\x00]", " ").trim();
            assertNo5xx("/v1/chat/completions", CHAT_METADATA_BODY.getBytes(StandardCharsets.UTF_8), value, false);
        }
    }

    private static void assertNo5xx(String path, byte[] body, String metadata, boolean anthropic) {
        var request = given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json").body(body);
        if (metadata != null && !metadata.isEmpty()) {
            request.header("x-tfy-metadata", metadata);
        }
        Response response = request.post(path);
        String answer = response.asString();
        String sent = new String(body, StandardCharsets.UTF_8);
        assertTrue(response.statusCode() < 500, () -> response.statusCode() + " for " + sent + " / " + metadata + ": "
                + answer);
        if (response.statusCode() >= 400) {
            Gateway.assertNoInternals(answer);
            assertTrue(anthropic ? answer.startsWith("{\"type\":\"error\",\"error\":{") : answer.startsWith("{\"error\":{"),
                    () -> sent + ": " + answer);
        }
        assertFalse(answer.isEmpty() && response.statusCode() >= 400, sent);
    }

    /** The seeds and findings of a fuzz test's method, and its local corpus when a fuzzing run left one. */
    private static List<byte[]> inputs(String testClass, String method) throws IOException {
        String className = testClass.substring(testClass.lastIndexOf('/') + 1);
        String packagePath = "dev/switchboard/gateway/" + testClass.substring(0, testClass.lastIndexOf('/'));
        List<Path> dirs = List.of(
                Path.of("src/test/resources", packagePath, className + "Inputs", method),
                Path.of(".cifuzz-corpus", "dev.switchboard.gateway." + testClass.replace('/', '.'), method));
        List<byte[]> out = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.add(Files.readAllBytes(file));
                }
            }
        }
        assertFalse(out.isEmpty(), "no inputs for " + testClass);
        return out;
    }
}
