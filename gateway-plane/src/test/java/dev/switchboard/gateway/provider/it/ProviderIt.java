package dev.switchboard.gateway.provider.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.testsupport.fakes.FakeDatabricks;
import dev.switchboard.testsupport.fakes.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** What the provider-adapter integration tests share. */
final class ProviderIt {

    static final String CLAUDE = "anthropic/claude-sonnet-4-5";
    static final String WEATHER_TOOL = "get_weather";

    /**
     * Every access token the fake workspace issued to the gateway, as seen on the serving endpoints; collected by each
     * Databricks test before the fake forgets its requests, for the secrets scan.
     */
    static final Set<String> ISSUED_TOKENS = ConcurrentHashMap.newKeySet();

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ProviderIt() {
    }

    static OpenAIClient sdk(URL v1) {
        return Gateway.sdk(v1, ProviderItResource.CALLER_KEY);
    }

    /** The function tool of the round-trip tests: {@code get_weather(city, unit)}. */
    static FunctionDefinition weatherTool() {
        return FunctionDefinition.builder()
                .name(WEATHER_TOOL)
                .description("The current weather of a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                "city", Map.of("type", "string"),
                                "unit", Map.of("type", "string", "enum", List.of("celsius", "fahrenheit")))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    /** The JSON schema {@link #weatherTool()} sends, as the upstream should receive it. */
    static JsonNode weatherSchema() {
        return Gateway.parse("""
                {"type":"object","properties":{"city":{"type":"string"},
                 "unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}""");
    }

    static ChatCompletionMessageFunctionToolCall onlyFunctionCall(List<ChatCompletionMessageToolCall> calls) {
        assertEquals(1, calls.size(), () -> "tool calls: " + calls);
        return calls.get(0).asFunction();
    }

    /** The content of a stream's chunks, joined. */
    static String content(List<ChatCompletionChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream())
                .map(ch -> ch.delta().content().orElse("")).collect(Collectors.joining());
    }

    /** Every finish reason the stream carried, in order. */
    static List<ChatCompletionChunk.Choice.FinishReason> finishReasons(List<ChatCompletionChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream())
                .flatMap(ch -> ch.finishReason().stream()).toList();
    }

    /**
     * Sends {@code n} requests at once (released together by a latch) and returns their answers in order; each must
     * come within 30 s.
     */
    static List<String> concurrently(int n, Callable<String> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return request.call();
                }));
            }
            go.countDown();
            List<String> out = new ArrayList<>();
            for (Future<String> answer : answers) {
                out.add(answer.get(30, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static void rememberIssuedTokens(FakeDatabricks workspace) {
        for (RecordedRequest r : workspace.requests()) {
            String auth = r.header("authorization");
            if (auth != null && auth.startsWith("Bearer dbx-oauth-")) {
                ISSUED_TOKENS.add(auth.substring("Bearer ".length()));
            }
        }
    }

    /** Fails when any of {@code secrets} occurs in {@code text}; the message shows only a secret's start. */
    static void assertNoSecret(String where, String text, Collection<String> secrets) {
        for (String secret : secrets) {
            assertFalse(text.contains(secret), () -> "a secret (" + secret.substring(0, 12) + "...) is in " + where);
        }
    }

    // ---------------------------------------------------------------- raw HTTP, for what an SDK hides

    /** One answer of the gateway, exactly as it came: status, every header, the body. */
    record Raw(int status, Map<String, List<String>> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        /** The {@code data:} payloads of an event stream, in order. */
        List<String> dataEvents() {
            List<String> events = new ArrayList<>();
            for (String line : body.split("\r?\n")) {
                if (line.startsWith("data:")) {
                    events.add(line.substring(5).trim());
                }
            }
            return events;
        }

        /** Headers and body as one text, for the secrets scan. */
        String everything() {
            StringBuilder all = new StringBuilder();
            headers.forEach((name, values) -> values.forEach(v -> all.append(name).append(": ").append(v).append('\n')));
            return all.append('\n').append(body).toString();
        }
    }

    /** POSTs {@code json} to {@code v1 + path} as the tests' caller. */
    static Raw post(URL v1, String path, String json) {
        URI uri = URI.create(v1.toString().replace("localhost", "127.0.0.1") + path);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(15))
                .header("authorization", "Bearer " + ProviderItResource.CALLER_KEY)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Raw(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A raw answer that must be a well-formed event stream ending in {@code [DONE]}; returns its data payloads. */
    static List<String> assertEventStream(Raw raw) {
        assertEquals(200, raw.status(), raw.body());
        assertTrue(raw.header("content-type").startsWith("text/event-stream"), raw.header("content-type"));
        List<String> events = raw.dataEvents();
        assertFalse(events.isEmpty(), raw.body());
        assertEquals("[DONE]", events.get(events.size() - 1), raw.body());
        assertEquals(1, events.stream().filter("[DONE]"::equals).count(), raw.body());
        return events;
    }
}
