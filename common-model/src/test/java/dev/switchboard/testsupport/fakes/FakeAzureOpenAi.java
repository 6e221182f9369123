package dev.switchboard.testsupport.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Azure OpenAI resource and its Microsoft Entra ID tenant: a real HTTP/1.1 server on 127.0.0.1.
 *
 * <p>The resource serves {@code POST /openai/deployments/<deployment>/chat/completions?api-version=} and
 * {@code .../embeddings} (the {@code api-version} is required and must be one Azure knows, else 404 / 400 as Azure
 * answers), and the v1 API {@code POST /openai/v1/chat/completions} and {@code /openai/v1/embeddings} (the deployment
 * in {@code model}). It authenticates as Azure does: an {@code api-key} header equal to the resource's key, or an
 * {@code Authorization: Bearer} token this fake's Entra endpoint issued (not expired, not revoked). Unknown
 * deployments get {@code DeploymentNotFound}. Answers are OpenAI-shaped with Azure's extras
 * ({@code prompt_filter_results}, {@code content_filter_results}); streams start with Azure's empty-choices
 * prompt-filter chunk.
 *
 * <p>The Entra endpoint is {@code POST /<tenant>/oauth2/v2.0/token} (client credentials, form-encoded
 * {@code client_id} + {@code client_secret}, scope {@code https://cognitiveservices.azure.com/.default}).
 *
 * <p>On command: failures and throttling (Azure's 429 body with {@code Retry-After}), the content filter refusing a
 * prompt (400 {@code content_filter} with {@code innererror}) or cutting an answer ({@code finish_reason:
 * content_filter}, in a stream after the first piece), scripted tool calls, a slow token endpoint.
 */
public final class FakeAzureOpenAi implements AutoCloseable {

    public static final String DEFAULT_CONTENT = "Hello from fake-azure";
    public static final String TOOL_RESULT_ECHO_PREFIX = "The tool said: ";
    public static final String ENTRA_SCOPE = "https://cognitiveservices.azure.com/.default";
    public static final Set<String> API_VERSIONS = Set.of("2024-06-01", "2024-10-21", "2025-04-01-preview");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEPLOYMENT_PATH = Pattern.compile("/openai/deployments/([^/]+)/(chat/completions|embeddings)");
    private static final Pattern V1_PATH = Pattern.compile("/openai/v1/(chat/completions|embeddings)");
    private static final Pattern TOKEN_PATH = Pattern.compile("/([^/]+)/oauth2/v2\\.0/token");

    /** What the fake does with a request instead of its normal answer. */
    public sealed interface Behaviour {
        /** Answers {@code status} with {@code body} and extra headers. */
        record Fail(int status, String body, Map<String, String> headers) implements Behaviour {
        }

        /** The content filter refuses the prompt: 400 {@code content_filter}. */
        record FilterPrompt() implements Behaviour {
        }

        /** The content filter cuts the answer: {@code finish_reason: content_filter}. */
        record FilterAnswer() implements Behaviour {
        }

        static Behaviour fail(int status, String code, String message) {
            return new Fail(status, errorJson(code, message), Map.of());
        }

        static Behaviour rateLimit(int retryAfterSeconds) {
            return new Fail(429, errorJson("429", "Requests to the ChatCompletions_Create Operation under Azure OpenAI "
                    + "API version 2024-10-21 have exceeded call rate limit of your current OpenAI S0 pricing tier. "
                    + "Please retry after " + retryAfterSeconds + " seconds."),
                    Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
        }
    }

    private record Issued(String clientId, Instant expiresAt) {
    }

    private final FakeServer server;
    private final String apiKey;
    private final Map<String, String> deployments = new ConcurrentHashMap<>(); // name -> chat | embeddings
    private final Map<String, String> apps = new ConcurrentHashMap<>(); // client id -> secret
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokenCalls = new AtomicInteger();
    private final Deque<Behaviour> queued = new ArrayDeque<>(); // guarded by itself
    private final Deque<String[]> toolCalls = new ArrayDeque<>(); // guarded by queued
    private volatile Duration tokenDelay = Duration.ZERO;
    private volatile Duration tokenLifetime = Duration.ofSeconds(3599);

    private FakeAzureOpenAi(String apiKey) {
        this.server = FakeServer.bind("fake-azure");
        this.apiKey = apiKey;
    }

    /** Starts a fake resource that accepts {@code apiKey} in the {@code api-key} header. */
    public static FakeAzureOpenAi start(String apiKey) {
        FakeAzureOpenAi fake = new FakeAzureOpenAi(apiKey);
        fake.server.serve(fake::handle);
        return fake;
    }

    /** The resource URL, as {@code https://<resource>.openai.azure.com} would be. */
    public String baseUrl() {
        return server.baseUrl();
    }

    /** The Entra token endpoint of {@code tenant}. */
    public String tokenUrl(String tenant) {
        return baseUrl() + "/" + tenant + "/oauth2/v2.0/token";
    }

    @Override
    public void close() {
        server.close();
    }

    public void addDeployment(String name, boolean embeddings) {
        deployments.put(name, embeddings ? "embeddings" : "chat");
    }

    /** Registers an Entra app (service principal) that may get tokens. */
    public void addApp(String clientId, String clientSecret) {
        apps.put(clientId, clientSecret);
    }

    public void setTokenDelay(Duration delay) {
        tokenDelay = delay;
    }

    public void setTokenLifetime(Duration lifetime) {
        tokenLifetime = lifetime;
    }

    /** Every issued token stops working (as after a key rotation); new ones are issued as before. */
    public void revokeIssuedTokens() {
        issued.clear();
    }

    public int tokenCalls() {
        return tokenCalls.get();
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The requests to the model API (not the token endpoint). */
    public List<RecordedRequest> apiRequests() {
        return requests.stream().filter(r -> r.path().startsWith("/openai/")).toList();
    }

    public void next(Behaviour behaviour) {
        next(1, behaviour);
    }

    public void next(int times, Behaviour behaviour) {
        synchronized (queued) {
            for (int i = 0; i < times; i++) {
                queued.addLast(behaviour);
            }
        }
    }

    /** The next chat answer calls {@code name} with {@code argumentsJson}. */
    public void nextToolCall(String name, String argumentsJson) {
        synchronized (queued) {
            toolCalls.addLast(new String[] {name, argumentsJson});
        }
    }

    public void reset() {
        synchronized (queued) {
            queued.clear();
            toolCalls.clear();
        }
        requests.clear();
        tokenCalls.set(0);
        tokenDelay = Duration.ZERO;
        tokenLifetime = Duration.ofSeconds(3599);
    }

    /** Azure's error body: {@code {"error":{"code","message"}}}. */
    public static String errorJson(String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        return body.toString();
    }

    // ---------------------------------------------------------------- handling

    private void handle(HttpExchange exchange) {
        try (exchange) {
            RecordedRequest request = FakeWire.record(exchange);
            requests.add(request);
            Matcher token = TOKEN_PATH.matcher(request.path());
            if (token.matches()) {
                token(exchange, request);
            } else {
                api(exchange, request);
            }
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void token(HttpExchange exchange, RecordedRequest request) throws IOException, InterruptedException {
        tokenCalls.incrementAndGet();
        if (!tokenDelay.isZero()) {
            Thread.sleep(tokenDelay.toMillis());
        }
        Map<String, String> form = FakeWire.form(request.bodyAsString());
        String clientId = form.get("client_id");
        if (!"client_credentials".equals(form.get("grant_type")) || !ENTRA_SCOPE.equals(form.get("scope"))) {
            send(exchange, 400, entraError("invalid_request", "AADSTS900144: bad grant_type or scope."), Map.of());
        } else if (clientId == null || !apps.containsKey(clientId) || !apps.get(clientId).equals(form.get("client_secret"))) {
            send(exchange, 401, entraError("invalid_client", "AADSTS7000215: Invalid client secret provided."), Map.of());
        } else {
            String value = "entra-" + UUID.randomUUID();
            issued.put(value, new Issued(clientId, Instant.now().plus(tokenLifetime)));
            ObjectNode answer = JSON.createObjectNode();
            answer.put("token_type", "Bearer");
            answer.put("expires_in", tokenLifetime.toSeconds());
            answer.put("ext_expires_in", tokenLifetime.toSeconds());
            answer.put("access_token", value);
            send(exchange, 200, answer.toString(), Map.of());
        }
    }

    private static String entraError(String error, String description) {
        return JSON.createObjectNode().put("error", error).put("error_description", description).toString();
    }

    private void api(HttpExchange exchange, RecordedRequest request) throws IOException {
        Matcher deploymentPath = DEPLOYMENT_PATH.matcher(request.path());
        Matcher v1Path = V1_PATH.matcher(request.path());
        if (!"POST".equals(request.method()) || (!deploymentPath.matches() && !v1Path.matches())) {
            send(exchange, 404, errorJson("404", "Resource not found"), Map.of());
            return;
        }
        String apiVersion = FakeWire.form(request.query() == null ? "" : request.query()).get("api-version");
        if (deploymentPath.matches() && apiVersion == null) {
            send(exchange, 404, errorJson("404", "Resource not found"), Map.of());
            return;
        }
        if (deploymentPath.matches() && !API_VERSIONS.contains(apiVersion)) {
            send(exchange, 400, errorJson("BadRequest", "API version not supported"), Map.of());
            return;
        }
        if (!authenticated(request)) {
            send(exchange, 401, errorJson("401", "Access denied due to invalid subscription key or wrong API endpoint. "
                    + "Make sure to provide a valid key for an active subscription and use a correct regional API "
                    + "endpoint for your resource."), Map.of());
            return;
        }
        Behaviour behaviour;
        synchronized (queued) {
            behaviour = queued.pollFirst();
        }
        if (behaviour instanceof Behaviour.Fail fail) {
            send(exchange, fail.status(), fail.body(), fail.headers());
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (IOException e) {
            send(exchange, 400, errorJson("BadRequest", "Invalid JSON body."), Map.of());
            return;
        }
        String deployment = deploymentPath.matches() ? deploymentPath.group(1) : body.path("model").asText(null);
        String operation = deploymentPath.matches() ? deploymentPath.group(2) : v1Path.group(1);
        String kind = deployment == null ? null : deployments.get(deployment);
        if (kind == null) {
            send(exchange, 404, errorJson("DeploymentNotFound", "The API deployment for this resource does not exist. "
                    + "If you created the deployment within the last 5 minutes, please wait a moment and try again."),
                    Map.of());
            return;
        }
        if (!kind.equals(operation.equals("embeddings") ? "embeddings" : "chat")) {
            send(exchange, 400, errorJson("OperationNotSupported", "The " + operation + " operation does not work "
                    + "with the specified model, " + deployment + "."), Map.of());
            return;
        }
        if (operation.equals("embeddings")) {
            send(exchange, 200, embeddings(body, deployment).toString(), Map.of());
            return;
        }
        if (!body.path("messages").isArray() || body.path("messages").isEmpty()) {
            send(exchange, 400, errorJson("BadRequest", "'messages' is a required property"), Map.of());
            return;
        }
        if (behaviour instanceof Behaviour.FilterPrompt) {
            send(exchange, 400, promptFiltered(), Map.of());
            return;
        }
        boolean filterAnswer = behaviour instanceof Behaviour.FilterAnswer;
        String[] toolCall;
        synchronized (queued) {
            toolCall = toolCalls.pollFirst();
        }
        if (body.path("stream").asBoolean(false)) {
            stream(exchange, body, deployment, toolCall, filterAnswer);
        } else {
            send(exchange, 200, completion(body, deployment, toolCall, filterAnswer).toString(), Map.of());
        }
    }

    private boolean authenticated(RecordedRequest request) {
        String key = request.header("api-key");
        if (key != null) {
            return key.equals(apiKey);
        }
        String auth = request.header("authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            return false;
        }
        Issued token = issued.get(auth.substring("Bearer ".length()));
        return token != null && Instant.now().isBefore(token.expiresAt());
    }

    private String reply(JsonNode body) {
        JsonNode messages = body.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        if ("tool".equals(last.path("role").asText())) {
            return TOOL_RESULT_ECHO_PREFIX + last.path("content").asText();
        }
        return DEFAULT_CONTENT;
    }

    private ObjectNode completion(JsonNode body, String deployment, String[] toolCall, boolean filtered) {
        ObjectNode out = shell("chat.completion", deployment);
        out.set("prompt_filter_results", promptFilterResults());
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        String text = filtered ? "" : reply(body);
        if (toolCall != null && !filtered) {
            message.putNull("content");
            message.putArray("tool_calls").add(toolCallJson(toolCall, false));
            choice.put("finish_reason", "tool_calls");
        } else {
            message.put("content", text);
            choice.put("finish_reason", filtered ? "content_filter" : "stop");
        }
        choice.set("content_filter_results", contentFilterResults(filtered));
        out.set("usage", usage(body, text));
        return out;
    }

    private void stream(HttpExchange exchange, JsonNode body, String deployment, String[] toolCall, boolean filtered)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        // Azure opens with the prompt's filter verdict, in a chunk without choices
        ObjectNode first = JSON.createObjectNode();
        first.putArray("choices");
        first.put("created", 0).put("id", "").put("model", "").put("object", "");
        first.set("prompt_filter_results", promptFilterResults());
        event(out, first.toString());
        String text = reply(body);
        if (toolCall != null) {
            ObjectNode delta = JSON.createObjectNode().put("role", "assistant");
            delta.putNull("content");
            delta.putArray("tool_calls").add(toolCallJson(toolCall, true));
            event(out, chunk(deployment, delta, null).toString());
            event(out, chunk(deployment, JSON.createObjectNode(), "tool_calls").toString());
        } else {
            event(out, chunk(deployment, JSON.createObjectNode().put("role", "assistant").put("content", ""), null).toString());
            String[] words = text.split("(?<= )");
            for (int i = 0; i < words.length; i++) {
                if (filtered && i == 1) {
                    ObjectNode cut = chunk(deployment, JSON.createObjectNode(), "content_filter");
                    ((ObjectNode) cut.get("choices").get(0)).set("content_filter_results", contentFilterResults(true));
                    event(out, cut.toString());
                    break;
                }
                ObjectNode c = chunk(deployment, JSON.createObjectNode().put("content", words[i]), null);
                ((ObjectNode) c.get("choices").get(0)).set("content_filter_results", contentFilterResults(false));
                event(out, c.toString());
            }
            if (!filtered) {
                event(out, chunk(deployment, JSON.createObjectNode(), "stop").toString());
            }
        }
        if (body.path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode usage = shell("chat.completion.chunk", deployment);
            usage.putArray("choices");
            usage.set("usage", usage(body, text));
            event(out, usage.toString());
        }
        event(out, "[DONE]");
    }

    private ObjectNode chunk(String deployment, ObjectNode delta, String finish) {
        ObjectNode chunk = shell("chat.completion.chunk", deployment);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return chunk;
    }

    private static ObjectNode toolCallJson(String[] toolCall, boolean indexed) {
        ObjectNode call = JSON.createObjectNode();
        if (indexed) {
            call.put("index", 0);
        }
        call.put("id", "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24));
        call.put("type", "function");
        call.putObject("function").put("name", toolCall[0]).put("arguments", toolCall[1]);
        return call;
    }

    private static ObjectNode shell(String object, String deployment) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", "chatcmpl-" + UUID.randomUUID().toString().replace("-", ""));
        out.put("object", object);
        out.put("created", Instant.now().getEpochSecond());
        out.put("model", "gpt-4o-2024-11-20"); // Azure names the model version, not the deployment
        out.putNull("system_fingerprint");
        return out;
    }

    private static ArrayNode promptFilterResults() {
        ArrayNode results = JSON.createArrayNode();
        ObjectNode first = results.addObject();
        first.put("prompt_index", 0);
        first.set("content_filter_results", contentFilterResults(false));
        return results;
    }

    private static ObjectNode contentFilterResults(boolean violenceFiltered) {
        ObjectNode results = JSON.createObjectNode();
        for (String category : List.of("hate", "self_harm", "sexual", "violence")) {
            boolean filtered = violenceFiltered && category.equals("violence");
            results.putObject(category).put("filtered", filtered).put("severity", filtered ? "high" : "safe");
        }
        return results;
    }

    private static String promptFiltered() {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", "The response was filtered due to the prompt triggering Azure OpenAI's content "
                + "management policy. Please modify your prompt and retry.");
        error.putNull("type");
        error.put("param", "prompt");
        error.put("code", "content_filter");
        error.put("status", 400);
        ObjectNode inner = error.putObject("innererror");
        inner.put("code", "ResponsibleAIPolicyViolation");
        ObjectNode result = inner.putObject("content_filter_result");
        result.putObject("hate").put("filtered", true).put("severity", "high");
        result.putObject("jailbreak").put("filtered", false).put("detected", false);
        result.putObject("self_harm").put("filtered", false).put("severity", "safe");
        result.putObject("sexual").put("filtered", false).put("severity", "safe");
        result.putObject("violence").put("filtered", false).put("severity", "safe");
        return body.toString();
    }

    private static ObjectNode embeddings(JsonNode body, String deployment) {
        JsonNode input = body.path("input");
        List<String> inputs = new java.util.ArrayList<>();
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else {
            input.forEach(i -> inputs.add(i.asText()));
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode vector = item.putArray("embedding");
            int seed = inputs.get(i).hashCode();
            for (int d = 0; d < 8; d++) {
                vector.add(((seed >> d) & 0xff) / 255.0);
            }
            tokens += FakeOpenAi.estimateTokens(inputs.get(i));
        }
        out.put("model", "text-embedding-3-small");
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return out;
    }

    private static ObjectNode usage(JsonNode body, String completion) {
        int prompt = FakeOpenAi.estimateTokens(body.path("messages").toString());
        int out = FakeOpenAi.estimateTokens(completion);
        return JSON.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", out)
                .put("total_tokens", prompt + out);
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String body, Map<String, String> headers)
            throws IOException {
        FakeWire.sendJson(exchange, status, body, headers);
    }
}
