package dev.switchboard.gateway.inbound;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.support.ClaudeCodeCli;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.testsupport.fakes.FakeAnthropic;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real Claude Code CLI (2.1.197, pinned in src/test/claude-code), headless, with the gateway as its Anthropic API
 * and a model on an OpenAI-compatible account (the fake OpenAI server): what Claude Code sends must be translated, and
 * its answer, tool turns included, must come back; and a virtual model that fails over from that account to an Anthropic
 * one, where the same conversation goes on in Anthropic's own format.
 */
@QuarkusTest
class ClaudeCodeCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    RoutingStats routingStats;

    private FakeOpenAi openAi;
    private Path project;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(ClaudeCodeCli.available(), ClaudeCodeCli::unavailableReason);
        openAi = GatewayTestResource.openAi;
        openAi.reset();
        routingStats.forget();
        project = Files.createTempDirectory("claude-code-project");
    }

    private Map<String, String> gatewayEnv(String keyVariable) {
        return Map.of("ANTHROPIC_BASE_URL", gateway.toString().replace("localhost", "127.0.0.1").replaceAll("/$", ""),
                keyVariable, ALICE_KEY);
    }

    private static JsonNode result(ClaudeCodeCli.Result run) throws IOException {
        assertEquals(0, run.exit(), run.output());
        String out = run.output().trim();
        JsonNode result = JSON.readTree(out.substring(out.lastIndexOf("\n{") + 1));
        assertFalse(result.path("is_error").asBoolean(), out);
        return result;
    }

    private List<JsonNode> chatRequests() {
        return openAi.requests().stream().filter(r -> r.path().equals("/v1/chat/completions"))
                .map(RecordedRequest::bodyJson).toList();
    }

    @Test
    void headlessPromptOnAnOpenAiCompatibleModelGetsItsAnswer() throws IOException {
        JsonNode result = result(ClaudeCodeCli.print(project, "Say hello", gatewayEnv("ANTHROPIC_AUTH_TOKEN"),
                "--model", "fake/gpt-4o-mini"));

        assertEquals(FakeOpenAi.DEFAULT_CONTENT, result.path("result").asText());
        JsonNode sent = chatRequests().get(0);
        assertEquals("gpt-4o-mini", sent.path("model").asText());
        assertTrue(sent.path("tools").size() >= 10, "Claude Code's tools reach the target: " + sent.path("tools").size());
        assertTrue(sent.path("stream").asBoolean());
        for (String anthropicOnly : List.of("thinking", "context_management", "output_config", "system", "metadata")) {
            assertFalse(sent.has(anthropicOnly), anthropicOnly);
        }
        assertTrue(sent.path("messages").toString().contains("Say hello"));
    }

    @Test
    void toolTurnRunsReadAndTheNextRequestCarriesItsResult() throws IOException {
        Path note = project.resolve("note.txt");
        Files.writeString(note, "the secret word is pelican\n");
        openAi.fixedStreamBody(readToolCall(note).getBytes(StandardCharsets.UTF_8));

        JsonNode result = result(ClaudeCodeCli.print(project, "Read note.txt and tell me the word",
                gatewayEnv("ANTHROPIC_API_KEY"), "--model", "fake/gpt-4o-mini", "--allowedTools", "Read"));

        assertEquals(FakeOpenAi.DEFAULT_CONTENT, result.path("result").asText());
        List<JsonNode> sent = chatRequests();
        JsonNode toolMessage = null;
        for (JsonNode m : sent.get(sent.size() - 1).path("messages")) {
            if (m.path("role").asText().equals("tool")) {
                toolMessage = m;
            }
        }
        assertTrue(toolMessage != null, sent.get(sent.size() - 1).toString());
        assertEquals("call_read_1", toolMessage.path("tool_call_id").asText());
        assertTrue(toolMessage.path("content").asText().contains("pelican"), toolMessage.toString());
    }

    @Test
    void virtualModelFailsOverForClaudeCode() throws IOException {
        // the first target's three tries (the default two retries) all refused
        openAi.next(3, FakeOpenAi.Behaviour.fail(503));

        JsonNode result = result(ClaudeCodeCli.print(project, "Say hello", gatewayEnv("ANTHROPIC_AUTH_TOKEN"),
                "--model", "assistant"));

        assertEquals(FakeOpenAi.DEFAULT_CONTENT, result.path("result").asText());
        List<JsonNode> sent = chatRequests();
        // priority 0 first (fake/gpt-4o-mini), then fake/gpt-4o
        assertEquals(List.of("gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini", "gpt-4o"),
                sent.stream().map(r -> r.path("model").asText()).toList());
    }

    @Test
    void virtualModelFailsOverFromAnOpenAiCompatibleTargetToAnAnthropicOneThroughAToolTurn() throws IOException {
        Path note = project.resolve("note.txt");
        Files.writeString(note, "the secret word is albatross\n");
        Path file = GatewayTestResource.configFile;
        String original = Files.readString(file, StandardCharsets.UTF_8);
        try (FakeAnthropic anthropic = FakeAnthropic.start("sk-ant-claude-code-failover")) {
            long before = revision();
            Files.writeString(file, withAnthropicFailover(original, anthropic), StandardCharsets.UTF_8);
            Gateway.await(Duration.ofSeconds(5), "the failover config to apply", () -> revision() > before);
            openAi.always(FakeOpenAi.Behaviour.fail(503));
            anthropic.nextToolUse("Read", JSON.createObjectNode().put("file_path", note.toString()).toString());

            JsonNode result = result(ClaudeCodeCli.print(project, "Read note.txt and tell me the word",
                    gatewayEnv("ANTHROPIC_AUTH_TOKEN"), "--model", "claude-failover", "--allowedTools", "Read"));

            assertTrue(result.path("result").asText().startsWith(FakeAnthropic.TOOL_RESULT_ECHO_PREFIX),
                    result.toString());
            assertTrue(result.path("result").asText().contains("albatross"), result.toString());
            assertTrue(chatRequests().size() >= 3, "the OpenAI-compatible target was tried first");
            List<RecordedRequest> messages = anthropic.requests().stream()
                    .filter(r -> r.path().equals(FakeAnthropic.MESSAGES_PATH)).toList();
            assertTrue(messages.size() >= 2, "the tool turn and the turn after it: " + messages.size());
            JsonNode last = messages.get(messages.size() - 1).bodyJson();
            assertEquals("claude-sonnet-4-5", last.path("model").asText());
            JsonNode lastUserTurn = last.path("messages").get(last.path("messages").size() - 1);
            JsonNode toolResult = null;
            for (JsonNode block : lastUserTurn.path("content")) {
                if (block.path("type").asText().equals("tool_result")) {
                    toolResult = block;
                }
            }
            assertTrue(toolResult != null, lastUserTurn.toString());
            assertTrue(toolResult.path("content").toString().contains("albatross"), toolResult.toString());
        } finally {
            openAi.reset();
            long before = revision();
            Files.writeString(file, original, StandardCharsets.UTF_8);
            Gateway.await(Duration.ofSeconds(5), "the original config to apply", () -> revision() > before);
        }
    }

    /** The test config plus an Anthropic account and a virtual model: the OpenAI-compatible target first. */
    private static String withAnthropicFailover(String config, FakeAnthropic anthropic) {
        String account = """
                provider_accounts:
                  - name: claude
                    type: anthropic
                    base_url: %s
                    auth: {type: api-key, api_key: %s}
                    models:
                      - id: claude-sonnet-4-5
                """.formatted(anthropic.baseUrl(), anthropic.apiKey());
        String virtual = """
                virtual_models:
                  - name: claude-failover
                    routing_config:
                      type: priority-based-routing
                      load_balance_targets:
                        - {target: fake/gpt-4o-mini, priority: 0}
                        - {target: claude/claude-sonnet-4-5, priority: 1}
                """;
        assertTrue(config.contains("provider_accounts:\n") && config.contains("virtual_models:\n"));
        return config.replace("provider_accounts:\n", account).replace("virtual_models:\n", virtual);
    }

    private static long revision() {
        return io.restassured.RestAssured.given().get("/q/health/ready").then().extract().jsonPath()
                .getLong("checks.find { it.name == 'config' }.data.revision");
    }

    /** An OpenAI stream whose answer is one call of Claude Code's Read tool on {@code file}. */
    private static String readToolCall(Path file) {
        String arguments = JSON.createObjectNode().put("file_path", file.toString()).toString();
        String chunk = "{\"id\":\"chatcmpl-read\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]}";
        return "data: " + chunk.formatted("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                        + "\"id\":\"call_read_1\",\"type\":\"function\",\"function\":{\"name\":\"Read\",\"arguments\":\"\"}}]}",
                "null") + "\n\n"
                + "data: " + chunk.formatted("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                + JSON.valueToTree(arguments) + "}}]}", "null") + "\n\n"
                + "data: " + chunk.formatted("{}", "\"tool_calls\"") + "\n\n"
                + "data: {\"id\":\"chatcmpl-read\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":12,\"total_tokens\":62}}\n\n"
                + "data: [DONE]\n\n";
    }
}
