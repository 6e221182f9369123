package dev.switchboard.testsupport.fakes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Databricks workspace: a real HTTP/1.1 server on 127.0.0.1 with the workspace OAuth token endpoint
 * ({@code POST /oidc/v1/token}, client credentials of service principals) and Model Serving endpoints
 * ({@code POST /serving-endpoints/{name}/invocations}, chat and embeddings, in the OpenAI-compatible shape Databricks
 * answers), records every request it receives, and misbehaves on command.
 *
 * <p>Serving endpoints accept a personal access token ({@link #addPat}) or an access token this fake issued that has
 * neither expired (checked against the wall clock at each use) nor been revoked ({@link #revokeIssuedTokens()}).
 * The token endpoint issues a new token on every call: it never hands out a cached one, so that {@link #tokenCalls()}
 * shows how many calls a client made.
 *
 * <p>Misbehaviour is a {@link Behaviour}, queued as in {@link FakeOpenAi}, but applied to serving-endpoint
 * invocations only (token calls never take one): {@link #next(Behaviour)} for the next invocation (before
 * authentication), {@link #next(int, Behaviour)} for the next n, {@link #always(Behaviour)} for every invocation until
 * {@link #reset()}; queued behaviours come first.
 *
 * <pre>{@code
 * try (FakeDatabricks workspace = FakeDatabricks.start()) {
 *     workspace.addServicePrincipal("sp-id", "sp-secret");
 *     workspace.addServingEndpoint("my-llm", FakeDatabricks.KIND_CHAT);
 *     ... point the gateway at workspace.baseUrl() ...
 *     assertEquals(1, workspace.tokenCalls());
 * }
 * }</pre>
 */
public final class FakeDatabricks implements AutoCloseable {

    public static final String TOKEN_PATH = "/oidc/v1/token";
    public static final String SCOPE = "all-apis";
    public static final String KIND_CHAT = "chat";
    public static final String KIND_EMBEDDINGS = "embeddings";
    public static final String DEFAULT_CONTENT = "Hello from fake-databricks";
    /** What the default answer puts before the content of the tool message it echoes. */
    public static final String TOOL_RESULT_ECHO_PREFIX = "The tool said: ";
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);
    public static final int DEFAULT_EMBEDDING_DIMENSIONS = 8;

    private static final String INVOCATIONS_PREFIX = "/serving-endpoints/";
    private static final String INVOCATIONS_SUFFIX = "/invocations";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeServer server;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    private final Set<String> pats = ConcurrentHashMap.newKeySet();
    private final Map<String, String> servicePrincipals = new ConcurrentHashMap<>(); // client id -> secret
    private final Map<String, String> endpoints = new ConcurrentHashMap<>(); // name -> kind
    private final Map<String, IssuedToken> issuedTokens = new ConcurrentHashMap<>();
    private final AtomicInteger tokenCalls = new AtomicInteger();

    private final Object behaviourLock = new Object();
    private final Deque<Behaviour> queued = new ArrayDeque<>(); // guarded by behaviourLock
    private final Deque<ScriptedToolCall> scriptedToolCalls = new ArrayDeque<>(); // guarded by behaviourLock
    private Behaviour permanent; // guarded by behaviourLock

    private volatile Duration tokenLifetime;
    private volatile Duration tokenDelay;
    private volatile String content;

    private FakeDatabricks() {
        // A backlog above the JDK default of 50, for tests that open many connections at once.
        this.server = FakeServer.bind("fake-databricks", 256);
        restoreDefaults();
    }

    /** Starts a workspace on a free port of 127.0.0.1, with no credentials and no serving endpoints. */
    public static FakeDatabricks start() {
        FakeDatabricks fake = new FakeDatabricks();
        fake.server.serve(fake::handle);
        return fake;
    }

    /** The workspace URL {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** {@code http://127.0.0.1:PORT/oidc/v1/token}. */
    public String tokenUrl() {
        return baseUrl() + TOKEN_PATH;
    }

    /** {@code http://127.0.0.1:PORT/serving-endpoints/<endpoint>/invocations}. */
    public String invocationsUrl(String endpoint) {
        return baseUrl() + INVOCATIONS_PREFIX + endpoint + INVOCATIONS_SUFFIX;
    }

    public int port() {
        return server.port();
    }

    /** Stops at once: open connections are closed and stalled or delayed requests are interrupted. */
    @Override
    public void close() {
        server.close();
    }

    // ---------------------------------------------------------------- recorded requests

    /** Every request received so far (token calls included), oldest first (an immutable snapshot). */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The most recent request; throws if there was none. */
    public RecordedRequest lastRequest() {
        List<RecordedRequest> all = requests();
        if (all.isEmpty()) {
            throw new IllegalStateException("fake Databricks received no request");
        }
        return all.get(all.size() - 1);
    }

    public int requestCount() {
        return requests.size();
    }

    /**
     * Forgets recorded requests, behaviours and scripted tool calls, zeroes {@link #tokenCalls()}, and restores the
     * default reply, token lifetime and token delay. Credentials, serving endpoints and issued tokens stay.
     */
    public void reset() {
        synchronized (behaviourLock) {
            queued.clear();
            scriptedToolCalls.clear();
            permanent = null;
        }
        requests.clear();
        tokenCalls.set(0);
        restoreDefaults();
    }

    private void restoreDefaults() {
        tokenLifetime = DEFAULT_TOKEN_LIFETIME;
        tokenDelay = Duration.ZERO;
        content = DEFAULT_CONTENT;
    }

    // ---------------------------------------------------------------- credentials and tokens

    /** Serving endpoints accept {@code Authorization: Bearer <pat>} from now on. */
    public void addPat(String pat) {
        pats.add(Objects.requireNonNull(pat, "pat"));
    }

    /** The token endpoint issues tokens to {@code clientId} authenticating with {@code secret}. */
    public void addServicePrincipal(String clientId, String secret) {
        servicePrincipals.put(Objects.requireNonNull(clientId, "clientId"), Objects.requireNonNull(secret, "secret"));
    }

    /** How long tokens issued from now on live ({@code expires_in}, whole seconds); default one hour. */
    public void setTokenLifetime(Duration lifetime) {
        this.tokenLifetime = Objects.requireNonNull(lifetime, "lifetime");
    }

    /** How long the token endpoint waits before it answers (default none), to give concurrency tests a window. */
    public void setTokenDelay(Duration delay) {
        this.tokenDelay = Objects.requireNonNull(delay, "delay");
    }

    /** How many requests reached the token endpoint (counted on arrival, whatever the answer). */
    public int tokenCalls() {
        return tokenCalls.get();
    }

    /** How many tokens the token endpoint has issued so far (expired and revoked ones included). */
    public int issuedTokenCount() {
        return issuedTokens.size();
    }

    /** Every token issued so far is refused from now on (401); tokens issued later are not affected. */
    public void revokeIssuedTokens() {
        issuedTokens.replaceAll((token, issued) -> issued.revoked());
    }

    private record IssuedToken(String clientId, Instant expiresAt, boolean isRevoked) {

        IssuedToken revoked() {
            return new IssuedToken(clientId, expiresAt, true);
        }
    }

    // ---------------------------------------------------------------- serving endpoints and replies

    /** Serves {@code name} as a {@value #KIND_CHAT} or {@value #KIND_EMBEDDINGS} endpoint. */
    public void addServingEndpoint(String name, String kind) {
        Objects.requireNonNull(name, "name");
        if (!KIND_CHAT.equals(kind) && !KIND_EMBEDDINGS.equals(kind)) {
            throw new IllegalArgumentException("kind must be \"chat\" or \"embeddings\": " + kind);
        }
        endpoints.put(name, kind);
    }

    /** The assistant content of normal chat answers (streamed as one chunk per word). */
    public void setContent(String content) {
        this.content = Objects.requireNonNull(content, "content");
    }

    /**
     * The next chat request that offers {@code tools} is answered with an assistant message calling {@code name}
     * with {@code argumentsJson} and {@code finish_reason: tool_calls}. Requests without tools leave it queued.
     */
    public void nextToolCall(String name, String argumentsJson) {
        Objects.requireNonNull(name, "name");
        try {
            JSON.readTree(argumentsJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tool arguments are not JSON: " + argumentsJson, e);
        }
        synchronized (behaviourLock) {
            scriptedToolCalls.addLast(new ScriptedToolCall(name, argumentsJson));
        }
    }

    private record ScriptedToolCall(String name, String arguments) {
    }

    // ---------------------------------------------------------------- behaviours

    /** Something the fake does instead of (or before) its normal answer. Build with the static factories. */
    public sealed interface Behaviour {

        /** Answers {@code status} with {@code body} (JSON) and extra {@code headers}. */
        record Fail(int status, String body, Map<String, String> headers) implements Behaviour {
        }

        /** Waits {@code delay} before sending anything, then answers normally. */
        record Stall(Duration delay) implements Behaviour {
        }

        /** {@code status} with a Databricks error body {@code {"error_code":errorCode,"message":message}}. */
        static Behaviour fail(int status, String errorCode, String message) {
            return new Fail(status, errorJson(errorCode, message), Map.of());
        }

        /** 429 {@code REQUEST_LIMIT_EXCEEDED} with {@code Retry-After: retryAfterSeconds}. */
        static Behaviour rateLimit(int retryAfterSeconds) {
            return new Fail(429, errorJson("REQUEST_LIMIT_EXCEEDED",
                    "Exceeded workspace rate limit for this endpoint (fake-databricks). Please retry later."),
                    Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
        }

        static Behaviour stall(Duration delay) {
            return new Stall(delay);
        }
    }

    /** Applies {@code behaviour} to the next serving-endpoint invocation. */
    public void next(Behaviour behaviour) {
        next(1, behaviour);
    }

    /** Applies {@code behaviour} to each of the next {@code invocations} serving-endpoint invocations. */
    public void next(int invocations, Behaviour behaviour) {
        synchronized (behaviourLock) {
            for (int i = 0; i < invocations; i++) {
                queued.addLast(behaviour);
            }
        }
    }

    /** Applies {@code behaviour} to every invocation (after any queued ones) until {@link #reset()}. */
    public void always(Behaviour behaviour) {
        synchronized (behaviourLock) {
            permanent = behaviour;
        }
    }

    /** The next invocation gets {@code status} with {@code {"error_code":errorCode,"message":message}}. */
    public void failNext(int status, String errorCode, String message) {
        next(Behaviour.fail(status, errorCode, message));
    }

    /** The next invocation gets 429 {@code REQUEST_LIMIT_EXCEEDED} with {@code Retry-After: retryAfterSeconds}. */
    public void rateLimitNext(int retryAfterSeconds) {
        next(Behaviour.rateLimit(retryAfterSeconds));
    }

    /** The next invocation waits {@code delay} before the fake sends anything, then is answered normally. */
    public void stallNext(Duration delay) {
        next(Behaviour.stall(delay));
    }

    private Behaviour takeBehaviour() {
        synchronized (behaviourLock) {
            Behaviour next = queued.pollFirst();
            return next != null ? next : permanent;
        }
    }

    private ScriptedToolCall takeScriptedToolCall() {
        synchronized (behaviourLock) {
            return scriptedToolCalls.pollFirst();
        }
    }

    // ---------------------------------------------------------------- wire format helpers

    /** A Databricks REST error body: {@code {"error_code":<errorCode>,"message":<message>}}. */
    public static String errorJson(String errorCode, String message) {
        return JSON.createObjectNode().put("error_code", errorCode).put("message", message).toString();
    }

    private static String oauthErrorJson(String error, String description) {
        return JSON.createObjectNode().put("error", error).put("error_description", description).toString();
    }

    // ---------------------------------------------------------------- request handling

    private void handle(HttpExchange exchange) {
        try {
            RecordedRequest request = record(exchange);
            String path = request.path();
            if (TOKEN_PATH.equals(path)) {
                token(exchange, request);
            } else if (path.startsWith(INVOCATIONS_PREFIX) && path.endsWith(INVOCATIONS_SUFFIX)
                    && path.length() > INVOCATIONS_PREFIX.length() + INVOCATIONS_SUFFIX.length()
                    && path.indexOf('/', INVOCATIONS_PREFIX.length()) == path.length() - INVOCATIONS_SUFFIX.length()) {
                String endpoint = path.substring(INVOCATIONS_PREFIX.length(), path.length() - INVOCATIONS_SUFFIX.length());
                invocation(exchange, request, endpoint, takeBehaviour());
            } else {
                noSuchApi(exchange, request);
            }
        } catch (IOException e) {
            // The client went away (e.g. it timed out a stalled request): there is nobody left to answer.
        } catch (InterruptedException e) {
            // close() was called while a request stalled.
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private RecordedRequest record(HttpExchange exchange) throws IOException {
        RecordedRequest request = FakeWire.record(exchange);
        requests.add(request);
        return request;
    }

    private static void noSuchApi(HttpExchange exchange, RecordedRequest request) throws IOException {
        send(exchange, 404, errorJson("ENDPOINT_NOT_FOUND",
                "No API found for '" + request.method() + " " + request.path() + "'"));
    }

    // ---------------------------------------------------------------- token endpoint

    private void token(HttpExchange exchange, RecordedRequest request) throws IOException, InterruptedException {
        tokenCalls.incrementAndGet();
        Duration delay = tokenDelay;
        if (!delay.isZero()) {
            Thread.sleep(delay.toMillis());
        }
        if (!"POST".equals(request.method())) {
            noSuchApi(exchange, request);
            return;
        }
        String clientId = authenticateClient(request.header("authorization"));
        if (clientId == null) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"fake-databricks\"");
            send(exchange, 401, oauthErrorJson("invalid_client", "Client authentication failed"));
            return;
        }
        Map<String, String> form = parseForm(request.bodyAsString());
        String grantType = form.get("grant_type");
        if (grantType == null) {
            send(exchange, 400, oauthErrorJson("invalid_request", "Missing grant_type"));
            return;
        }
        if (!grantType.equals("client_credentials")) {
            send(exchange, 400, oauthErrorJson("unsupported_grant_type",
                    "Unsupported grant_type '" + grantType + "'; this endpoint supports client_credentials"));
            return;
        }
        String scope = form.get("scope");
        if (scope == null || !Arrays.asList(scope.split(" ")).contains(SCOPE)) {
            send(exchange, 400, oauthErrorJson("invalid_scope", "The scope must include " + SCOPE));
            return;
        }
        Duration lifetime = tokenLifetime;
        String token = "dbx-oauth-" + UUID.randomUUID().toString().replace("-", "")
                + UUID.randomUUID().toString().replace("-", "");
        issuedTokens.put(token, new IssuedToken(clientId, Instant.now().plus(lifetime), false));

        ObjectNode answer = JSON.createObjectNode();
        answer.put("access_token", token);
        answer.put("token_type", "Bearer");
        answer.put("expires_in", lifetime.toSeconds());
        answer.put("scope", SCOPE);
        send(exchange, 200, answer.toString());
    }

    /** The client id of a correct {@code Basic} authorization (id and secret form-URL-encoded), or null. */
    private String authenticateClient(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            if (colon < 0) {
                return null;
            }
            // RFC 6749 2.3.1: both parts are application/x-www-form-urlencoded before they are joined.
            String clientId = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
            String secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
            return secret.equals(servicePrincipals.get(clientId)) ? clientId : null;
        } catch (IllegalArgumentException e) { // not base64, or a broken %-escape
            return null;
        }
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                form.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                // a broken %-escape: ignore the pair
            }
        }
        return form;
    }

    // ---------------------------------------------------------------- serving endpoints

    private void invocation(HttpExchange exchange, RecordedRequest request, String endpoint, Behaviour behaviour)
            throws IOException, InterruptedException {
        if (behaviour instanceof Behaviour.Fail fail) {
            fail.headers().forEach(exchange.getResponseHeaders()::set);
            send(exchange, fail.status(), fail.body());
            return;
        }
        if (behaviour instanceof Behaviour.Stall stall) {
            Thread.sleep(stall.delay().toMillis());
        }
        if (!"POST".equals(request.method())) {
            noSuchApi(exchange, request);
            return;
        }
        String authProblem = authenticate(request.header("authorization"));
        if (authProblem != null) {
            send(exchange, 401, errorJson("UNAUTHENTICATED", authProblem));
            return;
        }
        String kind = endpoints.get(endpoint);
        if (kind == null) {
            send(exchange, 404, errorJson("RESOURCE_DOES_NOT_EXIST", "Endpoint '" + endpoint + "' does not exist."));
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (JsonProcessingException e) {
            send(exchange, 400, errorJson("BAD_REQUEST", "Malformed request: the body is not valid JSON."));
            return;
        }
        if (body == null || !body.isObject()) {
            send(exchange, 400, errorJson("BAD_REQUEST", "Malformed request: the body must be a JSON object."));
            return;
        }
        // A top-level "model" is accepted and ignored (the endpoint decides the model); it stays in requests().
        if (kind.equals(KIND_EMBEDDINGS)) {
            JsonNode input = body.get("input");
            if (input == null || !(input.isTextual() || input.isArray() && !input.isEmpty())) {
                send(exchange, 400, errorJson("BAD_REQUEST",
                        "Invalid request: 'input' is required and must be a string or a non-empty list."));
                return;
            }
            send(exchange, 200, embeddings(endpoint, input).toString());
            return;
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            send(exchange, 400, errorJson("BAD_REQUEST",
                    "Invalid request: 'messages' is required and must be a non-empty list."));
            return;
        }
        ChatReply reply = chatReply(body);
        if (body.path("stream").asBoolean(false)) {
            streamChat(exchange, endpoint, body, reply);
        } else {
            send(exchange, 200, chatCompletion(endpoint, body, reply).toString());
        }
    }

    /** Null when {@code authorization} carries a PAT or a live issued token; otherwise why not. */
    private String authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "Credential was not sent or was of an unsupported type for this API.";
        }
        String token = authorization.substring(7).trim();
        if (pats.contains(token)) {
            return null;
        }
        IssuedToken issued = issuedTokens.get(token);
        if (issued == null || issued.isRevoked()) {
            return "Invalid access token.";
        }
        if (!Instant.now().isBefore(issued.expiresAt())) {
            return "Token expired";
        }
        return null;
    }

    // ---------------------------------------------------------------- chat

    /** Either text or a tool call. */
    private record ChatReply(String text, String toolCallId, ScriptedToolCall toolCall) {

        String finishReason() {
            return toolCall != null ? "tool_calls" : "stop";
        }
    }

    private ChatReply chatReply(JsonNode request) {
        JsonNode tools = request.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ScriptedToolCall scripted = takeScriptedToolCall();
            if (scripted != null) {
                return new ChatReply(null, "call_" + randomId(), scripted);
            }
        }
        JsonNode messages = request.get("messages");
        JsonNode last = messages.get(messages.size() - 1);
        if ("tool".equals(last.path("role").asText())) {
            return new ChatReply(TOOL_RESULT_ECHO_PREFIX + text(last.path("content")), null, null);
        }
        return new ChatReply(content, null, null);
    }

    private ObjectNode chatCompletion(String endpoint, JsonNode request, ChatReply reply) {
        ObjectNode message = JSON.createObjectNode();
        message.put("role", "assistant");
        if (reply.toolCall() != null) {
            message.putNull("content");
            ObjectNode call = message.putArray("tool_calls").addObject();
            call.put("id", reply.toolCallId());
            call.put("type", "function");
            call.putObject("function").put("name", reply.toolCall().name())
                    .put("arguments", reply.toolCall().arguments());
        } else {
            message.put("content", reply.text());
        }
        ObjectNode choice = JSON.createObjectNode();
        choice.put("index", 0);
        choice.set("message", message);
        choice.put("finish_reason", reply.finishReason());
        choice.putNull("logprobs");

        ObjectNode completion = completionHead(endpoint, "chat.completion");
        completion.set("choices", JSON.createArrayNode().add(choice));
        completion.set("usage", usage(request, reply));
        return completion;
    }

    private void streamChat(HttpExchange exchange, String endpoint, JsonNode request, ChatReply reply)
            throws IOException {
        String id = "chatcmpl_" + randomId();
        long created = Instant.now().getEpochSecond();
        List<ObjectNode> chunks = new ArrayList<>();
        if (reply.toolCall() != null) {
            ObjectNode first = JSON.createObjectNode().put("role", "assistant");
            first.putNull("content");
            ObjectNode call = first.putArray("tool_calls").addObject();
            call.put("index", 0).put("id", reply.toolCallId()).put("type", "function");
            call.putObject("function").put("name", reply.toolCall().name()).put("arguments", "");
            chunks.add(chunk(id, created, endpoint, first, null));
            for (String piece : FakeAnthropic.split(reply.toolCall().arguments(), 3)) {
                ObjectNode delta = JSON.createObjectNode();
                delta.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", piece);
                chunks.add(chunk(id, created, endpoint, delta, null));
            }
        } else {
            chunks.add(chunk(id, created, endpoint, JSON.createObjectNode().put("role", "assistant").put("content", ""),
                    null));
            for (String piece : reply.text().split("(?= )")) {
                chunks.add(chunk(id, created, endpoint, JSON.createObjectNode().put("content", piece), null));
            }
        }
        ObjectNode last = chunk(id, created, endpoint, JSON.createObjectNode(), reply.finishReason());
        last.set("usage", usage(request, reply));
        chunks.add(last);

        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0); // 0: chunked transfer, so that every flush reaches the client
        OutputStream out = exchange.getResponseBody();
        for (ObjectNode chunk : chunks) {
            writeEvent(out, chunk.toString());
        }
        writeEvent(out, "[DONE]");
    }

    private static ObjectNode chunk(String id, long created, String endpoint, ObjectNode delta, String finishReason) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", endpoint);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    private static ObjectNode completionHead(String endpoint, String object) {
        ObjectNode completion = JSON.createObjectNode();
        completion.put("id", "chatcmpl_" + randomId());
        completion.put("object", object);
        completion.put("created", Instant.now().getEpochSecond());
        completion.put("model", endpoint);
        return completion;
    }

    private static ObjectNode usage(JsonNode request, ChatReply reply) {
        int prompt = 0;
        for (JsonNode message : request.path("messages")) {
            prompt += FakeOpenAi.estimateTokens(text(message.path("content")));
        }
        int completion = reply.toolCall() != null
                ? FakeOpenAi.estimateTokens(reply.toolCall().name() + reply.toolCall().arguments())
                : FakeOpenAi.estimateTokens(reply.text());
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", Math.max(1, prompt));
        usage.put("completion_tokens", Math.max(1, completion));
        usage.put("total_tokens", Math.max(1, prompt) + Math.max(1, completion));
        return usage;
    }

    /** A string, or the text parts of a list joined. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            text.append(part.path("text").asText(""));
        }
        return text.toString();
    }

    // ---------------------------------------------------------------- embeddings

    private static ObjectNode embeddings(String endpoint, JsonNode input) {
        List<String> inputs = new ArrayList<>();
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else {
            input.forEach(item -> inputs.add(item.isTextual() ? item.asText() : item.toString()));
        }
        ObjectNode response = JSON.createObjectNode();
        response.put("object", "list");
        ArrayNode data = response.putArray("data");
        int promptTokens = 0;
        for (int index = 0; index < inputs.size(); index++) {
            ObjectNode embedding = data.addObject();
            embedding.put("object", "embedding");
            embedding.put("index", index);
            ArrayNode values = embedding.putArray("embedding");
            for (float value : embeddingOf(inputs.get(index))) {
                values.add(value);
            }
            promptTokens += FakeOpenAi.estimateTokens(inputs.get(index));
        }
        response.put("model", endpoint);
        response.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
        return response;
    }

    /** A unit vector that depends only on the text, so that equal inputs embed equally. */
    private static float[] embeddingOf(String text) {
        Random random = new Random(text.hashCode());
        float[] vector = new float[DEFAULT_EMBEDDING_DIMENSIONS];
        double norm = 0;
        for (int i = 0; i < vector.length; i++) {
            vector[i] = random.nextFloat() * 2 - 1;
            norm += vector[i] * vector[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) (vector[i] / norm);
        }
        return vector;
    }

    // ---------------------------------------------------------------- sending

    private static String randomId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    private static void writeEvent(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
