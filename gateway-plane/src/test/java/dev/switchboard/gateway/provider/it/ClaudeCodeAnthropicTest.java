package dev.switchboard.gateway.provider.it;

import static dev.switchboard.gateway.provider.it.ProviderIt.CLAUDE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.support.ClaudeCodeCli;
import dev.switchboard.testsupport.fakes.FakeAnthropic;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real Claude Code CLI (2.1.197) through the gateway to an Anthropic model: what it sends reaches Anthropic
 * untouched (its beta fields and headers included), with the gateway's credential instead of the caller's.
 */
@QuarkusTest
@TestProfile(ProviderItProfile.class)
class ClaudeCodeAnthropicTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL gateway;

    FakeAnthropic anthropic;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(ClaudeCodeCli.available(), ClaudeCodeCli::unavailableReason);
        anthropic = ProviderItResource.anthropic;
        anthropic.reset();
    }

    @Test
    void claudeCodesRequestReachesAnthropicUntouchedBetasIncluded() throws IOException {
        ClaudeCodeCli.Result run = ClaudeCodeCli.print(Files.createTempDirectory("claude-code-project"), "Say hello",
                Map.of("ANTHROPIC_BASE_URL", gateway.toString().replace("localhost", "127.0.0.1").replaceAll("/$", ""),
                        "ANTHROPIC_AUTH_TOKEN", ProviderItResource.CALLER_KEY), "--model", CLAUDE);

        assertEquals(0, run.exit(), run.output());
        String out = run.output().trim();
        JsonNode result = JSON.readTree(out.substring(out.lastIndexOf("\n{") + 1));
        assertEquals(FakeAnthropic.DEFAULT_CONTENT, result.path("result").asText(), out);
        RecordedRequest upstream = anthropic.requests().stream().filter(r -> r.path().equals("/v1/messages"))
                .reduce((a, b) -> b).orElseThrow();
        assertEquals(ProviderItResource.ANTHROPIC_KEY, upstream.header("x-api-key"));
        assertNull(upstream.header("authorization"));
        String betas = String.join(",", upstream.headerValues("anthropic-beta"));
        // which betas Claude Code asks for depends on the model it believes it talks to (here Sonnet 4.5)
        for (String beta : List.of("claude-code-20250219", "interleaved-thinking-2025-05-14", "context-management-2025-06-27")) {
            assertTrue(betas.contains(beta), betas);
        }
        JsonNode body = upstream.bodyJson();
        assertEquals("claude-sonnet-4-5", body.path("model").asText());
        for (String field : List.of("context_management", "metadata", "system", "tools")) {
            assertTrue(body.has(field), field + " in " + String.join(",", (Iterable<String>) body::fieldNames));
        }
    }
}
