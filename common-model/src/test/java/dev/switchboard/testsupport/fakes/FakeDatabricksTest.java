package dev.switchboard.testsupport.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeDatabricksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAT = "dapi-test-pat";
    private static final String CLIENT_ID = "6f1c1a7e-sp";
    /** Characters that must be form-URL-encoded in the Basic credentials (RFC 6749 2.3.1). */
    private static final String SECRET = "dose:cret+/%=& x";
    private static final String CHAT = """
            {"messages":[{"role":"user","content":"Say hello"}],"max_tokens":64}""";
    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]""";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FakeDatabricks workspace;

    @BeforeEach
    void start() {
        workspace = FakeDatabricks.start();
        workspace.addPat(PAT);
        workspace.addServicePrincipal(CLIENT_ID, SECRET);
        workspace.addServingEndpoint("llm", FakeDatabricks.KIND_CHAT);
        workspace.addServingEndpoint("embedder", FakeDatabricks.KIND_EMBEDDINGS);
    }

    @AfterEach
    void stop() {
        workspace.close();
    }

    @Test
    void chatWithAPatHasTheChatCompletionShapeAndAModelFieldIsIgnoredButRecorded() throws Exception {
        assertTrue(workspace.baseUrl().matches("http://127\\.0\\.0\\.1:\\d+"), workspace.baseUrl());
        String withModel = """
                {"model":"gpt-4o","messages":[{"role":"user","content":"Say hello"}]}""";
        HttpResponse<String> response = invoke("llm", PAT, withModel);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        JsonNode body = JSON.readTree(response.body());
        assertFalse(body.path("id").asText().isEmpty());
        assertEquals("chat.completion", body.path("object").asText());
        assertTrue(body.path("created").asLong() > 1_600_000_000L);
        assertEquals("llm", body.path("model").asText(), "the model is the endpoint, whatever the request said");
        JsonNode choice = body.path("choices").get(0);
        assertEquals(0, choice.path("index").asInt());
        assertEquals("assistant", choice.path("message").path("role").asText());
        assertEquals(FakeDatabricks.DEFAULT_CONTENT, choice.path("message").path("content").asText());
        assertEquals("stop", choice.path("finish_reason").asText());
        JsonNode usage = body.path("usage");
        assertEquals(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt(),
                usage.path("total_tokens").asInt());

        RecordedRequest recorded = workspace.lastRequest();
        assertEquals("/serving-endpoints/llm/invocations", recorded.path());
        assertEquals("Bearer " + PAT, recorded.header("authorization"));
        assertEquals("gpt-4o", recorded.bodyJson().path("model").asText());
    }

    @Test
    void invocationsAreAuthenticatedAndUnknownEndpointsAndApisAre404() throws Exception {
        HttpResponse<String> none = client.send(HttpRequest.newBuilder(URI.create(workspace.invocationsUrl("llm")))
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, none.statusCode());
        assertEquals("UNAUTHENTICATED", JSON.readTree(none.body()).path("error_code").asText());

        HttpResponse<String> wrong = invoke("llm", "dapi-wrong", CHAT);
        assertEquals(401, wrong.statusCode());
        assertEquals("{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"Invalid access token.\"}", wrong.body());

        HttpResponse<String> unknown = invoke("nope", PAT, CHAT);
        assertEquals(404, unknown.statusCode());
        assertEquals("{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"Endpoint 'nope' does not exist.\"}",
                unknown.body());

        HttpResponse<String> noApi = client.send(HttpRequest.newBuilder(URI.create(workspace.baseUrl()
                + "/api/2.0/whatever")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, noApi.statusCode());
        assertEquals("ENDPOINT_NOT_FOUND", JSON.readTree(noApi.body()).path("error_code").asText());

        HttpResponse<String> badBody = invoke("llm", PAT, "{\"input\":\"x\"}");
        assertEquals(400, badBody.statusCode());
        assertEquals("BAD_REQUEST", JSON.readTree(badBody.body()).path("error_code").asText());
    }

    @Test
    void tokenEndpointIssuesBearerTokensForServicePrincipals() throws Exception {
        HttpResponse<String> response = tokenCall(basic(CLIENT_ID, SECRET), "grant_type=client_credentials&scope=all-apis");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode token = JSON.readTree(response.body());
        assertEquals("Bearer", token.path("token_type").asText());
        assertEquals(3600, token.path("expires_in").asLong());
        assertEquals("all-apis", token.path("scope").asText());
        String accessToken = token.path("access_token").asText();
        assertFalse(accessToken.isEmpty());

        assertEquals(200, invoke("llm", accessToken, CHAT).statusCode());
        assertEquals(1, workspace.tokenCalls());
        assertEquals(1, workspace.issuedTokenCount());
        assertEquals("application/x-www-form-urlencoded", workspace.requests().get(0).header("content-type"));
    }

    @Test
    void tokenEndpointRefusesWrongCredentialsAndGrants() throws Exception {
        String form = "grant_type=client_credentials&scope=all-apis";
        HttpResponse<String> wrongSecret = tokenCall(basic(CLIENT_ID, "nope"), form);
        assertEquals(401, wrongSecret.statusCode());
        assertEquals("{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}",
                wrongSecret.body());

        // The secret sent without the form-URL-encoding of RFC 6749 2.3.1 does not match.
        String unencoded = Base64.getEncoder().encodeToString((CLIENT_ID + ":" + SECRET)
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(401, tokenCall("Basic " + unencoded, form).statusCode());
        assertEquals(401, tokenCall(null, form).statusCode());
        assertEquals(401, tokenCall("Bearer " + PAT, form).statusCode());

        HttpResponse<String> wrongGrant = tokenCall(basic(CLIENT_ID, SECRET), "grant_type=password&scope=all-apis");
        assertEquals(400, wrongGrant.statusCode());
        assertEquals("unsupported_grant_type", JSON.readTree(wrongGrant.body()).path("error").asText());
        assertEquals(400, tokenCall(basic(CLIENT_ID, SECRET), "scope=all-apis").statusCode());
        assertEquals(400, tokenCall(basic(CLIENT_ID, SECRET), "grant_type=client_credentials").statusCode());

        assertEquals(7, workspace.tokenCalls(), "every call counts, refused or not");
        assertEquals(0, workspace.issuedTokenCount());
    }

    @Test
    void issuedTokensExpireByTheWallClock() throws Exception {
        workspace.setTokenLifetime(Duration.ofSeconds(1));
        JsonNode token = JSON.readTree(tokenCall(basic(CLIENT_ID, SECRET),
                "grant_type=client_credentials&scope=all-apis").body());
        assertEquals(1, token.path("expires_in").asLong());
        String accessToken = token.path("access_token").asText();
        assertEquals(200, invoke("llm", accessToken, CHAT).statusCode());

        Thread.sleep(1_100);
        HttpResponse<String> expired = invoke("llm", accessToken, CHAT);
        assertEquals(401, expired.statusCode());
        JsonNode error = JSON.readTree(expired.body());
        assertEquals("UNAUTHENTICATED", error.path("error_code").asText());
        assertEquals("Token expired", error.path("message").asText());
        assertEquals(200, invoke("llm", PAT, CHAT).statusCode(), "PATs do not expire");
    }

    @Test
    void revokedTokensAreRefusedAndNewOnesWork() throws Exception {
        String first = issueToken();
        assertEquals(200, invoke("llm", first, CHAT).statusCode());

        workspace.revokeIssuedTokens();
        HttpResponse<String> revoked = invoke("llm", first, CHAT);
        assertEquals(401, revoked.statusCode());
        assertEquals("Invalid access token.", JSON.readTree(revoked.body()).path("message").asText());

        String second = issueToken();
        assertEquals(200, invoke("llm", second, CHAT).statusCode());
        assertEquals(200, invoke("llm", PAT, CHAT).statusCode(), "PATs are not revoked");
    }

    @Test
    void concurrentTokenRequestsAreEachAnswered() throws Exception {
        workspace.setTokenDelay(Duration.ofMillis(300));
        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(client.sendAsync(tokenRequest(basic(CLIENT_ID, SECRET),
                    "grant_type=client_credentials&scope=all-apis"), HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> tokens = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            assertEquals(200, response.statusCode(), response.body());
            tokens.add(JSON.readTree(response.body()).path("access_token").asText());
        }
        long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(50, workspace.tokenCalls(), "the fake does not deduplicate");
        assertEquals(50, tokens.size());
        assertTrue(elapsedMillis >= 300, "the delay applies: " + elapsedMillis);
        assertTrue(elapsedMillis < 5_000, "the delayed calls overlap: " + elapsedMillis);
    }

    @Test
    void streamingChatSendsChunksThenDone() throws Exception {
        HttpResponse<String> response = invoke("llm", PAT, """
                {"stream":true,"messages":[{"role":"user","content":"Say hello"}]}""");
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElseThrow());
        List<String> events = dataEvents(response.body());
        assertEquals("[DONE]", events.get(events.size() - 1));

        StringBuilder text = new StringBuilder();
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(event);
            chunks.add(chunk);
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            assertEquals("llm", chunk.path("model").asText());
            assertEquals(chunks.get(0).path("id").asText(), chunk.path("id").asText());
            text.append(chunk.path("choices").get(0).path("delta").path("content").asText(""));
        }
        assertEquals("assistant", chunks.get(0).path("choices").get(0).path("delta").path("role").asText());
        assertEquals(FakeDatabricks.DEFAULT_CONTENT, text.toString());
        assertTrue(chunks.size() >= 4, "role, pieces, finish");
        JsonNode last = chunks.get(chunks.size() - 1);
        assertEquals("stop", last.path("choices").get(0).path("finish_reason").asText());
        assertTrue(last.path("usage").path("total_tokens").asInt() > 0);
    }

    @Test
    void toolCallRoundTripWithoutAndWithStreaming() throws Exception {
        workspace.nextToolCall("get_weather", "{\"city\":\"Paris\"}");
        // Without tools the scripted call waits.
        assertEquals("stop", JSON.readTree(invoke("llm", PAT, CHAT).body()).path("choices").get(0)
                .path("finish_reason").asText());

        String ask = """
                {%s,"messages":[{"role":"user","content":"Weather in Paris?"}]}""".formatted(TOOLS);
        JsonNode choice = JSON.readTree(invoke("llm", PAT, ask).body()).path("choices").get(0);
        assertEquals("tool_calls", choice.path("finish_reason").asText());
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertEquals("function", call.path("type").asText());
        assertEquals("get_weather", call.path("function").path("name").asText());
        assertEquals("{\"city\":\"Paris\"}", call.path("function").path("arguments").asText());
        assertTrue(choice.path("message").path("content").isNull());

        String answer = """
                {%s,"messages":[{"role":"user","content":"Weather in Paris?"},\
                {"role":"assistant","content":null,"tool_calls":[%s]},\
                {"role":"tool","tool_call_id":"%s","content":"18 degrees"}]}"""
                .formatted(TOOLS, call, call.path("id").asText());
        JsonNode echo = JSON.readTree(invoke("llm", PAT, answer).body()).path("choices").get(0);
        assertEquals("The tool said: 18 degrees", echo.path("message").path("content").asText());
        assertEquals("stop", echo.path("finish_reason").asText());

        workspace.nextToolCall("get_weather", "{\"city\":\"Paris\"}");
        List<String> events = dataEvents(invoke("llm", PAT, ask.replace("{\"tools\"", "{\"stream\":true,\"tools\""))
                .body());
        assertEquals("[DONE]", events.get(events.size() - 1));
        StringBuilder arguments = new StringBuilder();
        String finish = null;
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode streamed = JSON.readTree(event).path("choices").get(0);
            for (JsonNode toolCall : streamed.path("delta").path("tool_calls")) {
                arguments.append(toolCall.path("function").path("arguments").asText());
            }
            if (!streamed.path("finish_reason").isNull()) {
                finish = streamed.path("finish_reason").asText();
            }
        }
        JsonNode firstDelta = JSON.readTree(events.get(0)).path("choices").get(0).path("delta");
        assertEquals("get_weather", firstDelta.path("tool_calls").get(0).path("function").path("name").asText());
        assertEquals("{\"city\":\"Paris\"}", arguments.toString());
        assertEquals("tool_calls", finish);
    }

    @Test
    void embeddingsEndpointsAnswerTheEmbeddingListShape() throws Exception {
        JsonNode one = JSON.readTree(invoke("embedder", PAT, "{\"input\":\"hello\"}").body());
        assertEquals("list", one.path("object").asText());
        assertEquals("embedding", one.path("data").get(0).path("object").asText());
        assertEquals(0, one.path("data").get(0).path("index").asInt());
        assertEquals(FakeDatabricks.DEFAULT_EMBEDDING_DIMENSIONS, one.path("data").get(0).path("embedding").size());
        assertEquals("embedder", one.path("model").asText());
        assertTrue(one.path("usage").path("prompt_tokens").asInt() > 0);
        assertEquals(one.path("usage").path("prompt_tokens"), one.path("usage").path("total_tokens"));

        JsonNode many = JSON.readTree(invoke("embedder", PAT, "{\"model\":\"x\",\"input\":[\"a\",\"hello\"]}").body());
        assertEquals(2, many.path("data").size());
        assertEquals(one.path("data").get(0).path("embedding"), many.path("data").get(1).path("embedding"));
        assertEquals(400, invoke("embedder", PAT, CHAT).statusCode());
    }

    @Test
    void injectedFailuresRateLimitsAndStalls() throws Exception {
        workspace.failNext(503, "TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable.");
        HttpResponse<String> failed = invoke("llm", PAT, CHAT);
        assertEquals(503, failed.statusCode());
        assertEquals(FakeDatabricks.errorJson("TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable."),
                failed.body());

        workspace.rateLimitNext(2);
        issueToken(); // token calls do not take behaviours
        HttpResponse<String> limited = invoke("llm", PAT, CHAT);
        assertEquals(429, limited.statusCode());
        assertEquals("2", limited.headers().firstValue("retry-after").orElseThrow());
        assertEquals("REQUEST_LIMIT_EXCEEDED", JSON.readTree(limited.body()).path("error_code").asText());

        workspace.stallNext(Duration.ofMillis(300));
        long start = System.nanoTime();
        assertEquals(200, invoke("llm", PAT, CHAT).statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 300);
        assertEquals(200, invoke("llm", PAT, CHAT).statusCode());
    }

    @Test
    void resetForgetsRequestsAndBehavioursButKeepsCredentialsAndEndpoints() throws Exception {
        String token = issueToken();
        workspace.always(FakeDatabricks.Behaviour.fail(500, "INTERNAL_ERROR", "boom"));
        workspace.setTokenLifetime(Duration.ofSeconds(5));
        assertEquals(500, invoke("llm", PAT, CHAT).statusCode());

        workspace.reset();
        assertEquals(0, workspace.requestCount());
        assertEquals(0, workspace.tokenCalls());
        assertEquals(200, invoke("llm", token, CHAT).statusCode());
        assertEquals(3600, JSON.readTree(tokenCall(basic(CLIENT_ID, SECRET),
                "grant_type=client_credentials&scope=all-apis").body()).path("expires_in").asLong());
        assertThrows(IllegalArgumentException.class, () -> workspace.addServingEndpoint("x", "completions"));
    }

    // ---------------------------------------------------------------- helpers

    private HttpResponse<String> invoke(String endpoint, String bearer, String json)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(workspace.invocationsUrl(endpoint)))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String issueToken() throws IOException, InterruptedException {
        HttpResponse<String> response = tokenCall(basic(CLIENT_ID, SECRET), "grant_type=client_credentials&scope=all-apis");
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    private HttpResponse<String> tokenCall(String authorization, String form) throws IOException, InterruptedException {
        return client.send(tokenRequest(authorization, form), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest tokenRequest(String authorization, String form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(workspace.tokenUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.build();
    }

    /** HTTP Basic as RFC 6749 2.3.1 has it: id and secret form-URL-encoded, then joined and base64-encoded. */
    private static String basic(String clientId, String secret) {
        String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> dataEvents(String sse) {
        List<String> events = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(line.substring("data: ".length()));
            }
        }
        return events;
    }
}
