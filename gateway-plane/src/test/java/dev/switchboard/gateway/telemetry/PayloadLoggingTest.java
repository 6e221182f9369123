package dev.switchboard.gateway.telemetry;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.client.OpenAIClient;
import dev.switchboard.gateway.snapshot.GatewayState;
import dev.switchboard.gateway.snapshot.SnapshotHolder;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Payload logging through the gateway: the prompt as the input guardrails left it and the completion as the caller
 * got it after the output guardrails, for whole answers and streams, cut at the cap, for a model and a virtual model
 * that turn it on, and nothing for those that do not. The suite's gateway is reused: the class adds its models,
 * virtual model and guardrails to the shared config file and restores it at the end.
 */
@QuarkusTest
class PayloadLoggingTest {

    private static final Duration RELOAD = Duration.ofSeconds(5);

    @TestHTTPResource("/v1")
    URL v1;

    @Inject
    RowQueue<RequestLog> logs;

    private static String original;
    private final List<RequestLog> seen = new ArrayList<>();
    private FakeOpenAi openAi;

    @BeforeAll
    static void turnOnPayloads() {
        Path file = GatewayTestResource.configFile;
        try {
            original = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String anchor = "      - id: gpt-4o\n";
        assertTrue(original.contains(anchor) && original.contains("virtual_models:\n"));
        String models = anchor + """
                      - {id: pl-logged, log_payloads: true}
                      - {id: pl-small, log_payloads: true, log_payloads_max_bytes: 16}
                      - {id: pl-quiet}
                      - {id: pl-blocked, log_payloads: true}
                """;
        String virtualModel = """
                virtual_models:
                  - name: pl-vm
                    log_payloads: true
                    routing_config:
                      type: weight-based-routing
                      load_balance_targets: [{target: fake/pl-quiet, weight: 100}]
                """;
        String guardrails = """
                guardrails:
                  - name: pl-mask-emails-in
                    type: pii
                    hooks: [llm_input]
                    models: [fake/pl-logged, fake/pl-quiet]
                    pii: {detect: [email], redact: mask}
                  - name: pl-replace-emails-out
                    type: pii
                    hooks: [llm_output]
                    models: [fake/pl-logged, fake/pl-quiet]
                    pii: {detect: [email], redact: replace}
                  - name: pl-deny-in
                    type: regex
                    hooks: [llm_input]
                    models: [fake/pl-blocked]
                    regex: {deny: ['forbidden']}
                """;
        write(original.replace(anchor, models).replace("virtual_models:\n", virtualModel) + guardrails);
        SnapshotHolder holder = Arc.container().instance(SnapshotHolder.class).get();
        Gateway.await(RELOAD, "the payload settings to be applied", () -> payloadCap(holder, "pl-vm") > 0);
    }

    @AfterAll
    static void restore() {
        write(original);
        SnapshotHolder holder = Arc.container().instance(SnapshotHolder.class).get();
        Gateway.await(RELOAD, "the original config to be back", () -> payloadCap(holder, "pl-vm") == 0
                && holder.current().snapshot().virtualModel("pl-vm").isEmpty());
    }

    private static int payloadCap(SnapshotHolder holder, String model) {
        GatewayState state = holder.current();
        return state == null ? -1 : state.payloadCap(model);
    }

    @BeforeEach
    void isolate() {
        openAi = GatewayTestResource.openAi;
        openAi.reset();
        logs.drain(Integer.MAX_VALUE);
    }

    @Test
    void aJsonAnswerIsLoggedAsTheGuardrailsLeftPromptAndCompletion() {
        openAi.setContent("Sure: write to bob@example.com.");
        String id = requestId();

        ChatCompletion completion = sdk(id).chat().completions()
                .create(chat("fake/pl-logged", "Please write to alice@example.com today"));

        assertEquals("Sure: write to [REDACTED:email].", completion.choices().get(0).message().content().orElseThrow());
        RequestLog.Payloads p = logOf(id).payloads();
        JsonNode prompt = Gateway.parse(p.prompt());
        assertEquals("fake/pl-logged", prompt.get("model").asText());
        assertEquals("Please write to ***************** today", prompt.at("/messages/0/content").asText());
        assertFalse(p.prompt().contains("alice@example.com"), p.prompt());
        assertEquals("Sure: write to [REDACTED:email].", p.completion());
        assertFalse(p.promptTruncated());
        assertFalse(p.completionTruncated());
    }

    @Test
    void aStreamedAnswerIsLoggedAsTheTextTheCallerReceived() {
        openAi.setStreamPieces("Mail ", "bob@example.com", " now,", " please");
        String id = requestId();

        String received = streamText(id, "fake/pl-logged");

        assertFalse(received.contains("bob@example.com"), received);
        assertTrue(received.contains("[REDACTED:email]"), received);
        RequestLog.Payloads p = logOf(id).payloads();
        assertEquals(received, p.completion());
        assertFalse(p.completionTruncated());
        assertTrue(Gateway.parse(p.prompt()).get("stream").asBoolean(), p.prompt());
    }

    @Test
    void payloadsAreCutAtTheCapAndMarkedTruncated() {
        openAi.setStreamPieces("Grüße aus ", "Köln und ", "noch viel mehr Text danach");
        String id = requestId();

        String received = streamText(id, "fake/pl-small");

        RequestLog.Payloads p = logOf(id).payloads();
        assertTrue(p.completionTruncated());
        assertTrue(received.startsWith(p.completion()), p.completion());
        assertEquals("Grüße aus Köl", p.completion(), "13 characters, 16 UTF-8 bytes: the cap");
        assertTrue(p.promptTruncated());
        assertEquals(16, p.prompt().getBytes(StandardCharsets.UTF_8).length, p.prompt());
    }

    @Test
    void aVirtualModelThatLogsPayloadsLogsThemWhicheverTargetAnswers() {
        openAi.setContent("Reply to carol@example.com");
        String id = requestId();

        sdk(id).chat().completions().create(chat("pl-vm", "from dave@example.com"));

        RequestLog log = logOf(id);
        assertEquals("fake/pl-quiet", log.resolvedModel());
        assertEquals("Reply to [REDACTED:email]", log.payloads().completion());
        assertEquals("from ****************", Gateway.parse(log.payloads().prompt()).at("/messages/0/content").asText());
    }

    @Test
    void withoutLogPayloadsNothingIsTaken() {
        String id = requestId();

        sdk(id).chat().completions().create(chat("fake/pl-quiet", "hello"));
        given().header("Authorization", "Bearer " + ALICE_KEY).header("x-request-id", id + "-gpt")
                .contentType("application/json").body("{\"model\":\"fake/gpt-4o\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);

        assertNull(logOf(id).payloads());
        assertNull(logOf(id + "-gpt").payloads());
    }

    @Test
    void anInputTheGuardrailsBlockLogsNoPrompt() {
        String id = requestId();

        given().header("Authorization", "Bearer " + ALICE_KEY).header("x-request-id", id)
                .contentType("application/json").body("{\"model\":\"fake/pl-blocked\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"this is forbidden\"}]}")
                .post("/v1/chat/completions").then().statusCode(400);

        RequestLog log = logOf(id);
        assertEquals("guardrail_violation", log.errorCode());
        assertEquals(new RequestLog.Payloads("", false, "", false), log.payloads());
        assertEquals(0, openAi.requestCount());
    }

    private OpenAIClient sdk(String requestId) {
        return Gateway.sdk(v1, ALICE_KEY).withOptions(o -> o.putHeader("x-request-id", requestId));
    }

    private static ChatCompletionCreateParams chat(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text).build();
    }

    private String streamText(String id, String model) {
        try (StreamResponse<ChatCompletionChunk> stream = sdk(id).chat().completions()
                .createStreaming(chat(model, "go"))) {
            StringBuilder text = new StringBuilder();
            stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            return text.toString();
        }
    }

    private static String requestId() {
        return "payloads-" + UUID.randomUUID();
    }

    private RequestLog logOf(String requestId) {
        return Gateway.awaitLog(logs, seen, l -> requestId.equals(l.requestId()));
    }

    private static void write(String content) {
        Path file = GatewayTestResource.configFile;
        try {
            Path tmp = Files.createTempFile(file.getParent(), "switchboard-edit", ".yaml");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
