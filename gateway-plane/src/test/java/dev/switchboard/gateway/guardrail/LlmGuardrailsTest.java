package dev.switchboard.gateway.guardrail;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.gateway.snapshot.GatewayState;
import dev.switchboard.gateway.snapshot.SnapshotHolder;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.testsupport.fakes.FakeAnthropic;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.testsupport.fakes.StreamGate;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The LLM hooks end to end, through the official OpenAI SDK (and raw HTTP where the wire shape is the point): input
 * guardrails before any provider call, output guardrails on whole answers and on streams, webhook guardrails failing
 * and stalling under both enforcing modes, and the verdicts in the request log. The suite's gateway is reused: the
 * class adds its guardrails (each scoped to models of its own) to the shared config file and restores it at the end.
 */
@QuarkusTest
class LlmGuardrailsTest {

    private static final String AWS_KEY = "AKIAQ3EGRUZ7XK5TWBNM";
    private static final Duration RELOAD = Duration.ofSeconds(5);

    @TestHTTPResource("/v1")
    URL v1;

    @Inject
    RowQueue<RequestLog> logs;

    private static String original;
    private static FakeAnthropic anthropic;
    private static Webhook webhook;
    private final List<RequestLog> seen = new ArrayList<>();
    private FakeOpenAi openAi;

    @BeforeAll
    static void addGuardrails() throws IOException {
        anthropic = FakeAnthropic.start();
        webhook = Webhook.start();
        Path file = GatewayTestResource.configFile;
        original = Files.readString(file, StandardCharsets.UTF_8);
        String anchor = "      - id: gpt-4o\n";
        assertTrue(original.contains(anchor) && original.contains("virtual_models:\n"));
        String models = anchor + """
                      - id: gr-input
                      - id: gr-redact-in
                      - id: gr-output
                      - id: gr-stream
                      - id: gr-webhook-enforce
                      - id: gr-webhook-lenient
                      - id: gr-audit
                """;
        String account = """
                  - name: gr-anthropic
                    type: anthropic
                    base_url: %s
                    auth: {type: api-key, api_key: %s}
                    timeouts: {first_byte_ms: 5000, idle_ms: 5000}
                    models:
                      - id: claude-gr
                virtual_models:
                """.formatted(anthropic.baseUrl(), FakeAnthropic.DEFAULT_API_KEY);
        String guardrails = """
                guardrails:
                  - name: no-cloud-keys
                    type: secrets
                    hooks: [llm_input]
                    models: [fake/gr-input]
                    secrets: {detect: [aws_access_key]}
                  - name: mask-emails-in
                    type: pii
                    hooks: [llm_input]
                    models: [fake/gr-redact-in]
                    pii: {detect: [email], redact: mask}
                  - name: replace-emails-out
                    type: pii
                    hooks: [llm_output]
                    models: [fake/gr-output, gr-anthropic/claude-gr]
                    pii: {detect: [email], redact: replace}
                  - name: banned-words-out
                    type: regex
                    hooks: [llm_output]
                    models: [fake/gr-stream, gr-anthropic/claude-gr]
                    regex: {deny: ['forbidden']}
                  - name: hook-strict
                    type: webhook
                    mode: enforce
                    hooks: [llm_input]
                    models: [fake/gr-webhook-enforce]
                    webhook: {url: '%1$s', timeout_ms: 300}
                  - name: hook-lenient
                    type: webhook
                    mode: enforce_but_ignore_on_error
                    hooks: [llm_input]
                    models: [fake/gr-webhook-lenient]
                    webhook: {url: '%1$s', timeout_ms: 300}
                  - name: watch-hello
                    type: regex
                    mode: audit
                    hooks: [llm_input, llm_output]
                    models: [fake/gr-audit]
                    regex: {deny: ['(?i)hello']}
                """.formatted(webhook.url());
        write(original.replace(anchor, models).replace("virtual_models:\n", account) + guardrails);
        SnapshotHolder holder = Arc.container().instance(SnapshotHolder.class).get();
        Gateway.await(RELOAD, "the guardrails to be applied", () -> guardrailCount(holder) == 7);
    }

    @AfterAll
    static void restore() {
        write(original);
        SnapshotHolder holder = Arc.container().instance(SnapshotHolder.class).get();
        Gateway.await(RELOAD, "the original config to be back", () -> guardrailCount(holder) == 0);
        anthropic.close();
        webhook.close();
    }

    private static int guardrailCount(SnapshotHolder holder) {
        GatewayState state = holder.current();
        return state == null ? -1 : state.snapshot().config().guardrails().size();
    }

    @BeforeEach
    void isolate() {
        openAi = GatewayTestResource.openAi;
        openAi.reset();
        anthropic.reset();
        webhook.answer(Webhook.Mode.PASS);
        logs.drain(Integer.MAX_VALUE);
    }

    // ------------------------------------------------------------------ llm_input

    @Test
    void aBlockedInputNeverReachesTheProviderAndTheSdkGetsA400GuardrailViolation() {
        String id = requestId();

        BadRequestException e = assertThrows(BadRequestException.class, () -> sdk(id).chat().completions()
                .create(chat("fake/gr-input", "my key is " + AWS_KEY + ", keep it safe")));

        assertEquals(400, e.statusCode());
        assertEquals("guardrail_violation", e.code().orElseThrow());
        assertEquals("invalid_request_error", e.type().orElseThrow());
        String message = e.getMessage();
        assertTrue(message.contains("'no-cloud-keys'") && message.contains("aws_access_key"), message);
        assertFalse(message.contains(AWS_KEY), "the error quotes the secret: " + message);
        assertEquals(0, openAi.requestCount(), "the provider was called");

        RequestLog log = logOf(id);
        assertEquals(400, log.status());
        assertEquals("guardrail_violation", log.errorCode());
        assertEquals(List.of(), log.attempts());
        RequestLog.GuardrailVerdict verdict = log.guardrails().get(0);
        assertEquals(new RequestLog.GuardrailVerdict("llm_input", "no-cloud-keys", "secrets", "enforce", "violation",
                true, verdict.reason(), verdict.latencyMs()), verdict);
        assertFalse(verdict.reason().contains(AWS_KEY), verdict.reason());
        assertTrue(verdict.latencyMs() >= 0);
    }

    @Test
    void theErrorShapeOfABlockedInputIsExactlyOpenAis() {
        Response r = post("/v1/chat/completions", "{\"model\":\"fake/gr-input\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + AWS_KEY + "\"}]}");

        Gateway.assertError(r, 400, "invalid_request_error", "guardrail_violation", null, null);
        assertFalse(r.asString().contains(AWS_KEY));
    }

    @Test
    void aBlockedInputOnTheMessagesEndpointIsAnsweredInAnthropicsShape() {
        Response r = post("/v1/messages", "{\"model\":\"fake/gr-input\",\"max_tokens\":64,\"system\":\"Key: "
                + AWS_KEY + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertEquals(400, r.statusCode(), r.asString());
        JsonNode body = Gateway.parse(r.asString());
        List<String> top = new ArrayList<>();
        body.fieldNames().forEachRemaining(top::add);
        assertEquals(List.of("type", "error"), top, r.asString());
        assertEquals("error", body.get("type").asText());
        assertEquals("invalid_request_error", body.at("/error/type").asText());
        assertTrue(body.at("/error/message").asText().contains("'no-cloud-keys'"), r.asString());
        assertFalse(r.asString().contains(AWS_KEY));
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void aRedactedInputReachesTheProviderMasked() {
        String id = requestId();

        ChatCompletion completion = sdk(id).chat().completions()
                .create(chat("fake/gr-redact-in", "Please write to alice@example.com today"));

        assertEquals(FakeOpenAi.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        JsonNode sent = openAi.lastRequest().bodyJson();
        assertEquals("Please write to ***************** today", sent.at("/messages/0/content").asText());
        assertEquals("gr-redact-in", sent.get("model").asText());
        RequestLog log = logOf(id);
        assertEquals(200, log.status());
        assertEquals("redacted", log.guardrails().get(0).outcome());
        assertFalse(log.guardrails().get(0).blocked());
    }

    @Test
    void anInputWithoutFindingsIsForwardedByteForByte() {
        String body = "{\"model\":\"fake/gr-redact-in\",   \"messages\":[{\"role\":\"user\",\"content\":\"plain\"}]}";

        post("/v1/chat/completions", body).then().statusCode(200);

        assertEquals(body.replace("fake/gr-redact-in", "gr-redact-in"), openAi.lastRequest().bodyAsString());
    }

    // ------------------------------------------------------------------ llm_output, whole answers

    @Test
    void aRedactedAnswerReachesTheClientRewritten() {
        openAi.setContent("Sure: write to bob@example.com.");
        String id = requestId();

        ChatCompletion completion = sdk(id).chat().completions().create(chat("fake/gr-output", "who?"));

        assertEquals("Sure: write to [REDACTED:email].", completion.choices().get(0).message().content().orElseThrow());
        RequestLog log = logOf(id);
        assertEquals(200, log.status());
        assertTrue(log.promptTokens() > 0, "usage is still read from the answer");
        assertEquals("llm_output", log.guardrails().get(0).hook());
        assertEquals("redacted", log.guardrails().get(0).outcome());
    }

    @Test
    void aBlockedAnswerIsA400GuardrailViolation() {
        openAi.setContent("this is forbidden");
        String id = requestId();

        BadRequestException e = assertThrows(BadRequestException.class,
                () -> sdk(id).chat().completions().create(chat("fake/gr-stream", "go")));

        assertEquals("guardrail_violation", e.code().orElseThrow());
        assertTrue(e.getMessage().contains("response was blocked by the guardrail 'banned-words-out'"), e.getMessage());
        assertEquals(1, openAi.requestCount());
        RequestLog log = logOf(id);
        assertEquals(400, log.status());
        assertEquals("guardrail_violation", log.errorCode());
        assertEquals("fake/gr-stream", log.resolvedModel());
    }

    @Test
    void toolCallArgumentsOfATranslatedAnswerAreRedactedToo() {
        anthropic.nextToolUse("send_mail", "{\"to\":\"carol@example.com\",\"body\":\"hi\"}");

        ChatCompletion completion = sdk(requestId()).chat().completions().create(chat("gr-anthropic/claude-gr", "mail"));

        String arguments = completion.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction()
                .function().arguments();
        assertEquals("{\"to\":\"[REDACTED:email]\",\"body\":\"hi\"}", arguments);
    }

    // ------------------------------------------------------------------ llm_output, streams

    @Test
    void aViolationMidStreamEndsTheStreamWithAnErrorEventAfterTheFirstChunks() {
        openAi.setStreamPieces("Hello", " there,", " this is forbidden", " and more");
        StreamGate gate = openAi.holdStreamAfterFirstChunk();
        String id = requestId();
        StringBuilder text = new StringBuilder();

        try (StreamResponse<ChatCompletionChunk> stream = sdk(id).chat().completions()
                .createStreaming(chat("fake/gr-stream", "go"))) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            // the first content chunk reaches the client while the upstream still holds the rest: it still streams
            String first = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> firstContent(chunks));
            assertEquals("Hello", first);
            // the fake marks itself holding just after it flushed the first chunk, so the client may read that chunk first
            assertTrue(gate.awaitHeld(Duration.ofSeconds(5)));
            assertTrue(gate.isHolding());
            text.append(first);
            gate.release();
            SseException e = assertThrows(SseException.class, () -> {
                while (chunks.hasNext()) {
                    chunks.next().choices().forEach(c -> c.delta().content().ifPresent(text::append));
                }
            });
            assertTrue(String.valueOf(e.body()).contains("guardrail_violation"), String.valueOf(e.body()));
        } finally {
            gate.release();
        }
        // " there," may have come in the same batch as the violation, and then it was dropped with it
        assertTrue(text.toString().equals("Hello") || text.toString().equals("Hello there,"), text.toString());
        RequestLog log = logOf(id);
        assertEquals(200, log.status());
        assertEquals("guardrail_violation", log.errorCode());
        assertTrue(log.guardrails().get(0).blocked());
    }

    @Test
    void theViolatingTextNeverReachesTheWireAndTheStreamEndsWithErrorThenDone() {
        openAi.setStreamPieces("Hello", " forbidden", " tail");

        String sse = post("/v1/chat/completions", "{\"model\":\"fake/gr-stream\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}").then().statusCode(200).extract().asString();

        assertFalse(sse.contains("forbidden"), sse);
        assertFalse(sse.contains("tail"), sse);
        String[] events = sse.strip().split("\n\n");
        assertEquals("data: [DONE]", events[events.length - 1]);
        JsonNode error = Gateway.parse(events[events.length - 2].substring("data: ".length())).get("error");
        assertEquals("guardrail_violation", error.get("code").asText());
        assertEquals("invalid_request_error", error.get("type").asText());
        assertTrue(error.get("param").isNull());
    }

    @Test
    void aStreamRedactsAFindingWhollyInNewText() {
        openAi.setStreamPieces("mail", " bob@example.org", " later");

        String text = streamText(requestId(), "fake/gr-output");

        assertEquals("mail [REDACTED:email] later", text);
    }

    @Test
    void aStreamMasksWhatIsNotSentYetOfAFindingThatBeganInSentText() {
        openAi.setStreamPieces("write to ali", "ce@example.com now");
        StreamGate gate = openAi.holdStreamAfterFirstChunk();

        try (StreamResponse<ChatCompletionChunk> stream = sdk(requestId()).chat().completions()
                .createStreaming(chat("fake/gr-output", "go"))) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            StringBuilder text = new StringBuilder(firstContent(chunks));
            gate.release();
            chunks.forEachRemaining(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));

            // "write to ali" was out before the address was whole: the rest of it is masked
            assertEquals("write to ali************** now", text.toString());
        } finally {
            gate.release();
        }
    }

    @Test
    void aTranslatedAnthropicStreamIsCheckedWhereItsOpenAiChunksAre() {
        anthropic.setContent("one two forbidden three");

        String sse = post("/v1/chat/completions", "{\"model\":\"gr-anthropic/claude-gr\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}").then().statusCode(200).extract().asString();

        assertFalse(sse.contains("forbidden"), sse);
        assertTrue(sse.contains("\"code\":\"guardrail_violation\""), sse);
        assertTrue(sse.strip().endsWith("data: [DONE]"), sse);
    }

    @Test
    void aMessagesStreamEndsWithAnAnthropicErrorEvent() {
        anthropic.setContent("one two forbidden three");

        String sse = post("/v1/messages", "{\"model\":\"gr-anthropic/claude-gr\",\"max_tokens\":64,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}").then().statusCode(200).extract().asString();

        assertFalse(sse.contains("forbidden"), sse);
        String[] events = sse.strip().split("\n\n");
        String last = events[events.length - 1];
        assertTrue(last.startsWith("event: error\ndata: "), sse);
        JsonNode error = Gateway.parse(last.substring("event: error\ndata: ".length()));
        assertEquals("invalid_request_error", error.at("/error/type").asText());
        assertTrue(error.at("/error/message").asText().contains("banned-words-out"), last);
    }

    // ------------------------------------------------------------------ the Responses API

    @Test
    void theResponsesApiIsCheckedOnItsInputAndItsOutput() {
        openAi.respondWith(200, "application/json", ("{\"id\":\"resp_1\",\"object\":\"response\",\"output\":["
                + "{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
                + "\"text\":\"ask dave@example.com\",\"annotations\":[]}]}]}").getBytes(StandardCharsets.UTF_8));

        JsonNode answer = Gateway.parse(post("/v1/responses", "{\"model\":\"fake/gr-output\",\"input\":\"who?\"}")
                .then().statusCode(200).extract().asString());

        assertEquals("ask [REDACTED:email]", answer.at("/output/0/content/0/text").asText());
        assertEquals("resp_1", answer.get("id").asText());

        openAi.respondWith(200, "application/json", "{\"id\":\"resp_2\",\"output\":[]}".getBytes(StandardCharsets.UTF_8));
        post("/v1/responses", "{\"model\":\"fake/gr-redact-in\",\"instructions\":\"cc erin@example.com\","
                + "\"input\":\"hi\"}").then().statusCode(200);
        assertEquals("cc " + "*".repeat("erin@example.com".length()),
                openAi.lastRequest().bodyJson().get("instructions").asText());
    }

    @Test
    void aResponsesStreamKeepsItsRedactionInTheEventsThatRepeatTheText() {
        openAi.fixedStreamBody(("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                + "\"output_index\":0,\"content_index\":0,\"delta\":\"ask dave@example.com\",\"sequence_number\":1}\n\n"
                + "event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\",\"output_index\":0,"
                + "\"content_index\":0,\"text\":\"ask dave@example.com\",\"sequence_number\":2}\n\n")
                .getBytes(StandardCharsets.UTF_8));

        String sse = post("/v1/responses", "{\"model\":\"fake/gr-output\",\"input\":\"who?\",\"stream\":true}")
                .then().statusCode(200).extract().asString();

        assertFalse(sse.contains("dave@example.com"), sse);
        assertEquals(2, sse.split("ask \\[REDACTED:email]", -1).length - 1, sse);
    }

    // ------------------------------------------------------------------ webhooks and modes

    @Test
    void aFailingWebhookBlocksInEnforceMode() {
        webhook.answer(Webhook.Mode.FAIL);
        String id = requestId();

        BadRequestException e = assertThrows(BadRequestException.class,
                () -> sdk(id).chat().completions().create(chat("fake/gr-webhook-enforce", "hi")));

        assertEquals("guardrail_violation", e.code().orElseThrow());
        assertTrue(e.getMessage().contains("could not check it"), e.getMessage());
        assertEquals(0, openAi.requestCount());
        RequestLog.GuardrailVerdict verdict = logOf(id).guardrails().get(0);
        assertEquals("error", verdict.outcome());
        assertTrue(verdict.blocked());
    }

    @Test
    void aStalledWebhookBlocksInEnforceModeAtItsTimeout() {
        webhook.answer(Webhook.Mode.STALL);
        String id = requestId();
        long start = System.nanoTime();

        assertThrows(BadRequestException.class,
                () -> sdk(id).chat().completions().create(chat("fake/gr-webhook-enforce", "hi")));

        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs >= 250 && tookMs < 2500, "took " + tookMs + " ms");
        assertEquals("timeout", logOf(id).guardrails().get(0).outcome());
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void aFailingOrStalledWebhookLetsTheCallThroughInEnforceButIgnoreOnError() {
        for (Webhook.Mode mode : List.of(Webhook.Mode.FAIL, Webhook.Mode.STALL)) {
            webhook.answer(mode);
            openAi.reset();
            String id = requestId();

            ChatCompletion completion = sdk(id).chat().completions().create(chat("fake/gr-webhook-lenient", "hi"));

            assertEquals(FakeOpenAi.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
            assertEquals(1, openAi.requestCount(), mode.toString());
            RequestLog.GuardrailVerdict verdict = logOf(id).guardrails().get(0);
            assertEquals(mode == Webhook.Mode.FAIL ? "error" : "timeout", verdict.outcome());
            assertFalse(verdict.blocked());
            assertEquals("enforce_but_ignore_on_error", verdict.mode());
        }
    }

    @Test
    void aWebhookViolationBlocksInBothEnforcingModes() {
        webhook.answer(Webhook.Mode.VIOLATION);

        for (String model : List.of("fake/gr-webhook-enforce", "fake/gr-webhook-lenient")) {
            BadRequestException e = assertThrows(BadRequestException.class,
                    () -> sdk(requestId()).chat().completions().create(chat(model, "hi")));
            assertTrue(e.getMessage().contains("off-topic"), e.getMessage());
        }
        assertEquals(0, openAi.requestCount());
        JsonNode asked = Gateway.parse(webhook.lastBody());
        assertEquals("llm_input", asked.get("hook").asText());
        assertEquals("fake/gr-webhook-lenient", asked.get("model").asText());
        assertEquals("hi", asked.at("/payload/messages/0/content").asText());
    }

    @Test
    void anAuditGuardrailRecordsBothHooksAndNeverBlocks() {
        String id = requestId();

        ChatCompletion completion = sdk(id).chat().completions().create(chat("fake/gr-audit", "hello there"));

        assertEquals(FakeOpenAi.DEFAULT_CONTENT, completion.choices().get(0).message().content().orElseThrow());
        List<RequestLog.GuardrailVerdict> verdicts = logOf(id).guardrails();
        assertEquals(List.of("llm_input", "llm_output"), verdicts.stream().map(RequestLog.GuardrailVerdict::hook).toList());
        assertTrue(verdicts.stream().allMatch(v -> "violation".equals(v.outcome()) && !v.blocked()), verdicts.toString());
    }

    @Test
    void aModelWithoutGuardrailsLogsNoVerdicts() {
        String id = requestId();

        sdk(id).chat().completions().create(chat("fake/gpt-4o-mini", "my key is " + AWS_KEY));

        assertEquals(List.of(), logOf(id).guardrails());
        assertTrue(openAi.lastRequest().bodyAsString().contains(AWS_KEY));
    }

    // ------------------------------------------------------------------ helpers

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

    private static String firstContent(Iterator<ChatCompletionChunk> chunks) {
        while (chunks.hasNext()) {
            for (var choice : chunks.next().choices()) {
                String content = choice.delta().content().orElse("");
                if (!content.isEmpty()) {
                    return content;
                }
            }
        }
        throw new AssertionError("the stream ended without content");
    }

    private static Response post(String path, String body) {
        return given().header("Authorization", "Bearer " + ALICE_KEY).contentType("application/json").body(body)
                .post(path);
    }

    private static String requestId() {
        return "guardrail-" + UUID.randomUUID();
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

    /** A guardrail webhook on the JDK's HTTP server that passes, reports a violation, fails, or stalls on command. */
    static final class Webhook implements AutoCloseable {

        enum Mode { PASS, VIOLATION, FAIL, STALL }

        private final HttpServer server;
        private volatile Mode mode = Mode.PASS;
        private volatile String lastBody;

        private Webhook(HttpServer server) {
            this.server = server;
        }

        static Webhook start() {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
                server.setExecutor(Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "guardrail-webhook");
                    t.setDaemon(true);
                    return t;
                }));
                Webhook webhook = new Webhook(server);
                server.createContext("/check", exchange -> {
                    webhook.lastBody = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    Mode mode = webhook.mode;
                    if (mode == Mode.STALL) {
                        try {
                            Thread.sleep(3000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    String answer = switch (mode) {
                        case VIOLATION -> "{\"verdict\":\"violation\",\"reason\":\"off-topic request\"}";
                        case FAIL -> "{\"error\":\"boom\"}";
                        default -> "{\"verdict\":\"pass\"}";
                    };
                    byte[] body = answer.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(mode == Mode.FAIL ? 500 : 200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                server.start();
                return webhook;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/check";
        }

        void answer(Mode mode) {
            this.mode = mode;
        }

        String lastBody() {
            return lastBody;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
