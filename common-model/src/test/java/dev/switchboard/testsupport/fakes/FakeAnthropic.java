package dev.switchboard.testsupport.fakes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake Anthropic Messages API: a real HTTP/1.1 server on 127.0.0.1 that speaks the Anthropic wire format for
 * {@code POST /v1/messages} (plain and SSE streaming with {@code event:} lines) and {@code POST
 * /v1/messages/count_tokens} ({@code input_tokens}: the input of {@link #setUsage}, else its estimate), checks the API
 * key and the
 * {@code anthropic-version} header, rejects request bodies that the real API rejects (the mistakes a translator from
 * the OpenAI format can make: missing {@code max_tokens}, a {@code system} role message, roles that do not
 * alternate, OpenAI-only fields, an orphan {@code tool_result}, ...), records every request it receives, and
 * misbehaves on command.
 *
 * <p>Normal answers: the text {@value #DEFAULT_CONTENT} with {@code stop_reason: end_turn}; when the last message
 * carries a {@code tool_result}, the text {@code "The tool said: <its content>"}; after {@link #nextToolUse}, a
 * {@code tool_use} block with {@code stop_reason: tool_use}. Scripted tool uses are taken in order by valid requests
 * only (a request that fails validation or gets an injected failure leaves them queued).
 *
 * <p>Misbehaviour is a {@link Behaviour}, queued exactly as in {@link FakeOpenAi}: {@link #next(Behaviour)} for the
 * next request (on any path, before authentication and validation), {@link #next(int, Behaviour)} for the next n,
 * {@link #always(Behaviour)} for every request until {@link #reset()}; queued behaviours come first.
 * {@link Behaviour.ErrorMidStream} only changes streaming answers; any other request that takes it from the queue
 * gets its normal answer.
 *
 * <pre>{@code
 * try (FakeAnthropic anthropic = FakeAnthropic.start("sk-ant-test")) {
 *     anthropic.overloadedNext();               // first call: 529 overloaded_error
 *     ... point the gateway at anthropic.baseUrl() ...
 *     assertEquals(2, anthropic.requestCount());
 * }
 * }</pre>
 */
public final class FakeAnthropic implements AutoCloseable {

    public static final String MESSAGES_PATH = "/v1/messages";
    public static final String COUNT_TOKENS_PATH = "/v1/messages/count_tokens";
    public static final String DEFAULT_API_KEY = "sk-ant-fake-key";
    public static final String DEFAULT_CONTENT = "Hello from fake-anthropic";
    /** What the default answer puts before the content of the {@code tool_result} it echoes. */
    public static final String TOOL_RESULT_ECHO_PREFIX = "The tool said: ";

    /** The top-level fields the Messages API accepts; anything else is "Extra inputs are not permitted". */
    private static final Set<String> REQUEST_FIELDS = Set.of("model", "messages", "max_tokens", "system", "metadata",
            "stop_sequences", "stream", "temperature", "top_k", "top_p", "tools", "tool_choice", "thinking",
            "service_tier", "container", "mcp_servers", "context_management", "output_config");
    /** The beta (Claude Code sends it) under which {@code system} messages may stand inside {@code messages}. */
    static final String MID_CONVERSATION_SYSTEM_BETA = "mid-conversation-system-2026-04-07";
    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content");
    private static final Set<String> BLOCK_TYPES = Set.of("text", "image", "document", "search_result", "tool_result",
            "tool_use", "thinking", "redacted_thinking", "server_tool_use", "web_search_tool_result");
    private static final Set<String> TOOL_CHOICE_TYPES = Set.of("auto", "any", "tool", "none");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeServer server;
    private final String apiKey;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    private final Object behaviourLock = new Object();
    private final Deque<Behaviour> queued = new ArrayDeque<>(); // guarded by behaviourLock
    private final Deque<ScriptedToolUse> scriptedToolUses = new ArrayDeque<>(); // guarded by behaviourLock
    private Behaviour permanent; // guarded by behaviourLock

    private volatile String content;
    private volatile Usage fixedUsage; // null: estimate from the text

    private FakeAnthropic(String apiKey) {
        this.server = FakeServer.bind("fake-anthropic");
        this.apiKey = apiKey;
        restoreDefaultReplies();
    }

    /** Starts a fake on a free port of 127.0.0.1 that accepts the key {@value #DEFAULT_API_KEY}. */
    public static FakeAnthropic start() {
        return start(DEFAULT_API_KEY);
    }

    /** Starts a fake on a free port of 127.0.0.1 that accepts only {@code apiKey}. */
    public static FakeAnthropic start(String apiKey) {
        Objects.requireNonNull(apiKey, "apiKey");
        FakeAnthropic fake = new FakeAnthropic(apiKey);
        fake.server.serve(fake::handle);
        return fake;
    }

    /** {@code http://127.0.0.1:PORT}: what an Anthropic client takes as its base URL (the API is at {@value #MESSAGES_PATH}). */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** {@code http://127.0.0.1:PORT/v1/messages}. */
    public String messagesUrl() {
        return baseUrl() + MESSAGES_PATH;
    }

    public int port() {
        return server.port();
    }

    /** The one API key this fake accepts. */
    public String apiKey() {
        return apiKey;
    }

    /** Stops at once: open connections are closed and stalled requests are interrupted. */
    @Override
    public void close() {
        server.close();
    }

    // ---------------------------------------------------------------- recorded requests

    /** Every request received so far, oldest first (an immutable snapshot). */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The most recent request; throws if there was none. */
    public RecordedRequest lastRequest() {
        List<RecordedRequest> all = requests();
        if (all.isEmpty()) {
            throw new IllegalStateException("fake Anthropic received no request");
        }
        return all.get(all.size() - 1);
    }

    public int requestCount() {
        return requests.size();
    }

    /** Forgets recorded requests, behaviours and scripted tool uses, and restores the default replies. */
    public void reset() {
        synchronized (behaviourLock) {
            queued.clear();
            scriptedToolUses.clear();
            permanent = null;
        }
        requests.clear();
        restoreDefaultReplies();
    }

    // ---------------------------------------------------------------- normal replies

    /** The text of normal answers (streamed as one {@code text_delta} per word). */
    public void setContent(String content) {
        this.content = Objects.requireNonNull(content, "content");
    }

    /** Reports these token counts instead of estimating them (≈ 4 characters per token). */
    public void setUsage(int inputTokens, int outputTokens) {
        this.fixedUsage = new Usage(inputTokens, outputTokens);
    }

    /**
     * The next valid request is answered with a {@code tool_use} block calling {@code toolName} with
     * {@code inputJson} (a JSON object) and {@code stop_reason: tool_use}.
     */
    public void nextToolUse(String toolName, String inputJson) {
        nextToolUse(toolName, inputJson, null);
    }

    /** Like {@link #nextToolUse(String, String)}, with a text block {@code leadingText} before the tool use. */
    public void nextToolUse(String toolName, String inputJson, String leadingText) {
        Objects.requireNonNull(toolName, "toolName");
        JsonNode input;
        try {
            input = JSON.readTree(inputJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tool input is not JSON: " + inputJson, e);
        }
        if (input == null || !input.isObject()) {
            throw new IllegalArgumentException("tool input must be a JSON object: " + inputJson);
        }
        synchronized (behaviourLock) {
            scriptedToolUses.addLast(new ScriptedToolUse(toolName, (ObjectNode) input, leadingText));
        }
    }

    private void restoreDefaultReplies() {
        content = DEFAULT_CONTENT;
        fixedUsage = null;
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

        /**
         * A streaming answer sends {@code message_start}, the first content block's start and its first delta, then
         * {@code event: error} with an {@code overloaded_error}, and ends the response.
         */
        record ErrorMidStream() implements Behaviour {
        }

        /** {@code status} with an Anthropic error body of {@code type} (e.g. {@code api_error}) and {@code message}. */
        static Behaviour fail(int status, String type, String message) {
            return new Fail(status, errorJson(type, message), Map.of());
        }

        /** 429 {@code rate_limit_error} with {@code retry-after: retryAfterSeconds}. */
        static Behaviour rateLimit(int retryAfterSeconds) {
            return new Fail(429, errorJson("rate_limit_error",
                    "Number of request tokens has exceeded your per-minute rate limit (fake-anthropic)"),
                    Map.of("retry-after", String.valueOf(retryAfterSeconds)));
        }

        /** 529 {@code overloaded_error}, as Anthropic answers when it is overloaded. */
        static Behaviour overloaded() {
            return new Fail(529, errorJson("overloaded_error", "Overloaded"), Map.of());
        }

        static Behaviour stall(Duration delay) {
            return new Stall(delay);
        }

        static Behaviour errorMidStream() {
            return new ErrorMidStream();
        }
    }

    /** Applies {@code behaviour} to the next request. */
    public void next(Behaviour behaviour) {
        next(1, behaviour);
    }

    /** Applies {@code behaviour} to each of the next {@code requests} requests. */
    public void next(int requests, Behaviour behaviour) {
        synchronized (behaviourLock) {
            for (int i = 0; i < requests; i++) {
                queued.addLast(behaviour);
            }
        }
    }

    /** Applies {@code behaviour} to every request (after any queued ones) until {@link #reset()}. */
    public void always(Behaviour behaviour) {
        synchronized (behaviourLock) {
            permanent = behaviour;
        }
    }

    /** The next request gets {@code status} with an Anthropic error body of {@code type} and {@code message}. */
    public void failNext(int status, String type, String message) {
        next(Behaviour.fail(status, type, message));
    }

    /** The next request gets 429 {@code rate_limit_error} with {@code retry-after: retryAfterSeconds}. */
    public void rateLimitNext(int retryAfterSeconds) {
        next(Behaviour.rateLimit(retryAfterSeconds));
    }

    /** The next request gets 529 {@code overloaded_error}. */
    public void overloadedNext() {
        next(Behaviour.overloaded());
    }

    /** The next request waits {@code delay} before the fake sends anything, then is answered normally. */
    public void stallNext(Duration delay) {
        next(Behaviour.stall(delay));
    }

    /** The next streaming answer breaks off with {@code event: error} ({@code overloaded_error}) after one delta. */
    public void errorMidStreamNext() {
        next(Behaviour.errorMidStream());
    }

    private Behaviour takeBehaviour() {
        synchronized (behaviourLock) {
            Behaviour next = queued.pollFirst();
            return next != null ? next : permanent;
        }
    }

    private ScriptedToolUse takeScriptedToolUse() {
        synchronized (behaviourLock) {
            return scriptedToolUses.pollFirst();
        }
    }

    // ---------------------------------------------------------------- wire format helpers

    /** An Anthropic error body: {@code {"type":"error","error":{"type":<type>,"message":<message>}}}. */
    public static String errorJson(String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        return body.toString();
    }

    private record ScriptedToolUse(String name, ObjectNode input, String leadingText) {
    }

    /** What a valid request is answered with: text (may be null), then a tool use (may be null). */
    private record Reply(String text, String toolUseId, ScriptedToolUse toolUse) {

        String stopReason() {
            return toolUse != null ? "tool_use" : "end_turn";
        }

        boolean hasText() {
            return text != null && !text.isEmpty();
        }
    }

    private record Usage(int inputTokens, int outputTokens) {

        ObjectNode toJson() {
            ObjectNode usage = JSON.createObjectNode();
            usage.put("input_tokens", inputTokens);
            usage.put("cache_creation_input_tokens", 0);
            usage.put("cache_read_input_tokens", 0);
            usage.put("output_tokens", outputTokens);
            return usage;
        }
    }

    private record Event(String name, ObjectNode data) {
    }

    // ---------------------------------------------------------------- request handling

    private void handle(HttpExchange exchange) {
        try {
            RecordedRequest request = record(exchange);
            exchange.getResponseHeaders().set("request-id", "req_" + randomId());
            respond(exchange, request, takeBehaviour());
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

    private void respond(HttpExchange exchange, RecordedRequest request, Behaviour behaviour)
            throws IOException, InterruptedException {
        if (behaviour instanceof Behaviour.Fail fail) {
            fail.headers().forEach(exchange.getResponseHeaders()::set);
            send(exchange, fail.status(), fail.body());
            return;
        }
        if (behaviour instanceof Behaviour.Stall stall) {
            Thread.sleep(stall.delay().toMillis());
        }
        route(exchange, request, behaviour instanceof Behaviour.ErrorMidStream);
    }

    private void route(HttpExchange exchange, RecordedRequest request, boolean errorMidStream) throws IOException {
        boolean countTokens = COUNT_TOKENS_PATH.equals(request.path());
        if (!MESSAGES_PATH.equals(request.path()) && !countTokens) {
            sendError(exchange, 404, "not_found_error", "Not Found");
            return;
        }
        if (!"POST".equals(request.method())) {
            sendError(exchange, 405, "invalid_request_error", "Method Not Allowed");
            return;
        }
        String authProblem = authenticate(request);
        if (authProblem != null) {
            sendError(exchange, 401, "authentication_error", authProblem);
            return;
        }
        if (request.header("anthropic-version") == null) {
            sendError(exchange, 400, "invalid_request_error", "anthropic-version: header is required");
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (JsonProcessingException e) {
            sendError(exchange, 400, "invalid_request_error", "The request body is not valid JSON.");
            return;
        }
        if (countTokens) {
            if (!body.isObject() || !body.path("model").isTextual() || !body.path("messages").isArray()) {
                sendError(exchange, 400, "invalid_request_error", "model and messages: fields are required");
                return;
            }
            send(exchange, 200, JSON.createObjectNode()
                    .put("input_tokens", usage(body, new Reply(content, null, null)).inputTokens()).toString());
            return;
        }
        String problem = validate(betas(request).contains(MID_CONVERSATION_SYSTEM_BETA) ? withoutSystemMessages(body) : body);
        if (problem != null) {
            sendError(exchange, 400, "invalid_request_error", problem);
            return;
        }
        Reply reply = reply(body);
        if (body.path("stream").asBoolean(false)) {
            stream(exchange, body, reply, errorMidStream);
        } else {
            send(exchange, 200, message(body, reply).toString());
        }
    }

    private static Set<String> betas(RecordedRequest request) {
        Set<String> betas = new HashSet<>();
        for (String header : request.headerValues("anthropic-beta")) {
            for (String beta : header.split(",")) {
                betas.add(beta.trim());
            }
        }
        return betas;
    }

    /** The body as validated under the mid-conversation-system beta: its system messages are allowed, so left out. */
    private static JsonNode withoutSystemMessages(JsonNode body) {
        if (!body.isObject() || !body.path("messages").isArray()) {
            return body;
        }
        ObjectNode copy = ((ObjectNode) body).deepCopy();
        ArrayNode kept = copy.putArray("messages");
        for (JsonNode m : body.get("messages")) {
            if (!"system".equals(m.path("role").asText())) {
                kept.add(m);
            }
        }
        return copy;
    }

    /** Null when the request carries this fake's key in {@code x-api-key} or as a bearer token. */
    private String authenticate(RecordedRequest request) {
        String key = request.header("x-api-key");
        if (key == null) {
            String authorization = request.header("authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                key = authorization.substring(7).trim();
            }
        }
        if (key == null) {
            return "x-api-key header is required";
        }
        return apiKey.equals(key) ? null : "invalid x-api-key";
    }

    // ---------------------------------------------------------------- validation

    /** The message of the 400 the real API answers for {@code body}, or null when the body is valid. */
    static String validate(JsonNode body) {
        if (body == null || !body.isObject()) {
            return "The request body must be a JSON object.";
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!REQUEST_FIELDS.contains(name)) {
                return name + ": Extra inputs are not permitted";
            }
        }
        JsonNode model = body.get("model");
        if (model == null) {
            return "model: Field required";
        }
        if (!model.isTextual() || model.asText().isEmpty()) {
            return "model: Input should be a valid string";
        }
        JsonNode maxTokens = body.get("max_tokens");
        if (maxTokens == null) {
            return "max_tokens: Field required";
        }
        if (!maxTokens.isIntegralNumber()) {
            return "max_tokens: Input should be a valid integer";
        }
        if (maxTokens.asLong() < 1) {
            return "max_tokens: Input should be greater than or equal to 1";
        }
        String problem = validateOptionalParameters(body);
        if (problem != null) {
            return problem;
        }
        JsonNode messages = body.get("messages");
        if (messages == null) {
            return "messages: Field required";
        }
        if (!messages.isArray()) {
            return "messages: Input should be a valid list";
        }
        if (messages.isEmpty()) {
            return "messages: at least one message is required";
        }
        for (int i = 0; i < messages.size(); i++) {
            problem = validateMessage(i, messages.get(i), i == messages.size() - 1);
            if (problem != null) {
                return problem;
            }
        }
        if (!"user".equals(messages.get(0).get("role").asText())) {
            return "messages: first message must use the \"user\" role";
        }
        for (int i = 1; i < messages.size(); i++) {
            String role = messages.get(i).get("role").asText();
            if (role.equals(messages.get(i - 1).get("role").asText())) {
                return "messages: roles must alternate between \"user\" and \"assistant\", but found multiple \""
                        + role + "\" roles in a row";
            }
        }
        return validateToolPairing(messages);
    }

    private static String validateOptionalParameters(JsonNode body) {
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isBoolean()) {
            return "stream: Input should be a valid boolean";
        }
        JsonNode temperature = body.get("temperature");
        if (temperature != null) {
            if (!temperature.isNumber()) {
                return "temperature: Input should be a valid number";
            }
            if (temperature.asDouble() < 0) {
                return "temperature: Input should be greater than or equal to 0";
            }
            if (temperature.asDouble() > 1) { // OpenAI allows up to 2, Anthropic only up to 1
                return "temperature: Input should be less than or equal to 1";
            }
        }
        JsonNode stopSequences = body.get("stop_sequences");
        if (stopSequences != null) {
            if (!stopSequences.isArray()) {
                return "stop_sequences: Input should be a valid list";
            }
            for (int i = 0; i < stopSequences.size(); i++) {
                if (!stopSequences.get(i).isTextual()) {
                    return "stop_sequences." + i + ": Input should be a valid string";
                }
            }
        }
        JsonNode system = body.get("system");
        if (system != null && !system.isTextual()) {
            if (!system.isArray()) {
                return "system: Input should be a valid string or a list of text blocks";
            }
            for (int i = 0; i < system.size(); i++) {
                JsonNode block = system.get(i);
                if (!"text".equals(block.path("type").asText()) || !block.path("text").isTextual()) {
                    return "system." + i + ": Input should be a valid text block ({\"type\":\"text\",\"text\":...})";
                }
                if (block.path("text").asText().isEmpty()) {
                    return "system." + i + ".text: text content blocks must be non-empty";
                }
            }
        }
        JsonNode tools = body.get("tools");
        if (tools != null) {
            if (!tools.isArray()) {
                return "tools: Input should be a valid list";
            }
            for (int i = 0; i < tools.size(); i++) {
                String problem = validateTool(i, tools.get(i));
                if (problem != null) {
                    return problem;
                }
            }
        }
        JsonNode toolChoice = body.get("tool_choice");
        if (toolChoice != null) {
            if (tools == null || tools.isEmpty()) {
                return "tool_choice may only be specified while providing tools.";
            }
            if (!toolChoice.isObject()) { // OpenAI sends "auto" / "required" as strings
                return "tool_choice: Input should be a valid dictionary or object";
            }
            String type = toolChoice.path("type").asText();
            if (!TOOL_CHOICE_TYPES.contains(type)) {
                return "tool_choice: Input tag '" + type + "' found using 'type' does not match any of the expected "
                        + "tags: 'auto', 'any', 'tool', 'none'";
            }
            if (type.equals("tool") && !toolChoice.path("name").isTextual()) {
                return "tool_choice.tool.name: Field required";
            }
        }
        return null;
    }

    private static String validateTool(int index, JsonNode tool) {
        String at = "tools." + index;
        if (!tool.isObject()) {
            return at + ": Input should be a valid dictionary or object";
        }
        String type = tool.has("type") ? tool.path("type").asText() : "custom";
        if (!type.equals("custom")) {
            if (type.matches("[a-z_]+_\\d{8}")) { // a versioned server tool, e.g. web_search_20250305
                return null;
            }
            // e.g. the OpenAI shape {"type":"function","function":{...}}
            return at + ": Input tag '" + type + "' found using 'type' does not match any of the expected tags: "
                    + "'custom', or a versioned server tool";
        }
        if (!tool.path("name").isTextual() || tool.path("name").asText().isEmpty()) {
            return at + ".custom.name: Field required";
        }
        if (!tool.path("input_schema").isObject()) {
            return at + ".custom.input_schema: Field required";
        }
        return null;
    }

    private static String validateMessage(int index, JsonNode message, boolean last) {
        String at = "messages." + index;
        if (!message.isObject()) {
            return at + ": Input should be a valid dictionary";
        }
        JsonNode role = message.get("role");
        if (role == null) {
            return at + ".role: Field required";
        }
        if (role.isTextual() && role.asText().equals("system")) {
            return "messages: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, "
                    + "not \"system\" as an input message role.";
        }
        if (!role.isTextual() || !Set.of("user", "assistant").contains(role.asText())) {
            return at + ".role: Input should be 'user' or 'assistant'";
        }
        for (Iterator<String> names = message.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!MESSAGE_FIELDS.contains(name)) { // e.g. "system", "name", "tool_calls", "tool_call_id"
                return at + "." + name + ": Extra inputs are not permitted";
            }
        }
        JsonNode content = message.get("content");
        if (content == null) {
            return at + ".content: Field required";
        }
        boolean finalAssistant = last && role.asText().equals("assistant");
        if (content.isTextual()) {
            if (content.asText().isEmpty() && !finalAssistant) {
                return at + ": all messages must have non-empty content except for the optional final assistant "
                        + "message";
            }
            return null;
        }
        if (!content.isArray()) {
            return at + ".content: Input should be a valid string or a list of content blocks";
        }
        if (content.isEmpty() && !finalAssistant) {
            return at + ": all messages must have non-empty content except for the optional final assistant message";
        }
        for (int j = 0; j < content.size(); j++) {
            String problem = validateBlock(at + ".content." + j, content.get(j), role.asText());
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String validateBlock(String at, JsonNode block, String role) {
        if (!block.isObject()) {
            return at + ": Input should be a valid dictionary or object";
        }
        String type = block.path("type").asText();
        if (!BLOCK_TYPES.contains(type)) { // e.g. the OpenAI part types "image_url" and "input_text"
            return at + ": Input tag '" + type + "' found using 'type' does not match any of the expected tags: "
                    + String.join(", ", BLOCK_TYPES.stream().sorted().map(t -> "'" + t + "'").toList());
        }
        switch (type) {
            case "text" -> {
                if (!block.path("text").isTextual()) {
                    return at + ".text.text: Field required";
                }
                if (block.path("text").asText().isEmpty()) {
                    return at + ".text: text content blocks must be non-empty";
                }
            }
            case "tool_use" -> {
                if (!role.equals("assistant")) {
                    return at + ": `tool_use` blocks can only be in `assistant` messages";
                }
                if (!block.path("id").isTextual()) {
                    return at + ".tool_use.id: Field required";
                }
                if (!block.path("name").isTextual()) {
                    return at + ".tool_use.name: Field required";
                }
                if (!block.path("input").isObject()) { // OpenAI carries the arguments as a JSON string
                    return at + ".tool_use.input: Input should be a valid dictionary";
                }
            }
            case "tool_result" -> {
                if (!role.equals("user")) {
                    return at + ": `tool_result` blocks can only be in `user` messages";
                }
                if (!block.path("tool_use_id").isTextual()) {
                    return at + ".tool_result.tool_use_id: Field required";
                }
                JsonNode resultContent = block.get("content");
                if (resultContent != null && !resultContent.isTextual() && !resultContent.isArray()) {
                    return at + ".tool_result.content: Input should be a valid string or a list of content blocks";
                }
            }
            default -> {
                // other block types are passed through unchecked
            }
        }
        return null;
    }

    /** Every {@code tool_result} answers a {@code tool_use} of the message before, and every tool use is answered. */
    private static String validateToolPairing(JsonNode messages) {
        for (int i = 0; i < messages.size(); i++) {
            JsonNode content = messages.get(i).get("content");
            if (!messages.get(i).get("role").asText().equals("user") || !content.isArray()) {
                continue;
            }
            Set<String> offered = i > 0 ? blockIds(messages.get(i - 1), "tool_use", "id") : Set.of();
            for (int j = 0; j < content.size(); j++) {
                JsonNode block = content.get(j);
                if (block.path("type").asText().equals("tool_result")
                        && !offered.contains(block.path("tool_use_id").asText())) {
                    return "messages." + i + ".content." + j + ": unexpected `tool_use_id` found in `tool_result` "
                            + "blocks: " + block.path("tool_use_id").asText() + ". Each `tool_result` block must "
                            + "have a corresponding `tool_use` block in the previous message.";
                }
            }
        }
        for (int i = 0; i + 1 < messages.size(); i++) {
            Set<String> missing = new LinkedHashSet<>(blockIds(messages.get(i), "tool_use", "id"));
            missing.removeAll(blockIds(messages.get(i + 1), "tool_result", "tool_use_id"));
            if (!missing.isEmpty()) {
                return "messages." + i + ": `tool_use` ids were found without `tool_result` blocks immediately "
                        + "after: " + String.join(", ", missing) + ". Each `tool_use` block must have a "
                        + "corresponding `tool_result` block in the next message.";
            }
        }
        return null;
    }

    private static Set<String> blockIds(JsonNode message, String type, String idField) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode block : message.path("content")) {
            if (block.path("type").asText().equals(type)) {
                ids.add(block.path(idField).asText());
            }
        }
        return ids;
    }

    // ---------------------------------------------------------------- answers

    private Reply reply(JsonNode request) {
        ScriptedToolUse scripted = takeScriptedToolUse();
        if (scripted != null) {
            return new Reply(scripted.leadingText(), "toolu_" + randomId(), scripted);
        }
        JsonNode messages = request.get("messages");
        String echo = toolResultText(messages.get(messages.size() - 1));
        return new Reply(echo != null ? TOOL_RESULT_ECHO_PREFIX + echo : content, null, null);
    }

    /** The text of the {@code tool_result} blocks of {@code message}, or null when it has none. */
    private static String toolResultText(JsonNode message) {
        List<String> texts = new ArrayList<>();
        for (JsonNode block : message.path("content")) {
            if (block.path("type").asText().equals("tool_result")) {
                texts.add(text(block.path("content")));
            }
        }
        return texts.isEmpty() ? null : String.join(" ", texts);
    }

    /** A string, or the text blocks of a list joined. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            text.append(block.path("text").asText(""));
        }
        return text.toString();
    }

    private ObjectNode message(JsonNode request, Reply reply) {
        ObjectNode message = messageHead(request);
        ArrayNode blocks = message.putArray("content");
        if (reply.hasText()) {
            blocks.addObject().put("type", "text").put("text", reply.text());
        }
        if (reply.toolUse() != null) {
            ObjectNode toolUse = blocks.addObject();
            toolUse.put("type", "tool_use").put("id", reply.toolUseId()).put("name", reply.toolUse().name());
            toolUse.set("input", reply.toolUse().input().deepCopy());
        }
        message.put("stop_reason", reply.stopReason());
        message.putNull("stop_sequence");
        message.set("usage", usage(request, reply).toJson());
        return message;
    }

    private static ObjectNode messageHead(JsonNode request) {
        ObjectNode message = JSON.createObjectNode();
        message.put("id", "msg_" + randomId());
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", request.get("model").asText());
        return message;
    }

    private void stream(HttpExchange exchange, JsonNode request, Reply reply, boolean errorMidStream)
            throws IOException {
        Usage usage = usage(request, reply);
        List<Event> events = new ArrayList<>();

        ObjectNode start = messageHead(request);
        start.putArray("content");
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        start.set("usage", new Usage(usage.inputTokens(), 1).toJson());
        ObjectNode messageStart = event("message_start");
        messageStart.set("message", start);
        events.add(new Event("message_start", messageStart));

        int index = 0;
        if (reply.hasText()) {
            ObjectNode block = JSON.createObjectNode().put("type", "text").put("text", "");
            events.add(blockStart(index, block));
            events.add(new Event("ping", JSON.createObjectNode().put("type", "ping")));
            for (String piece : words(reply.text())) {
                events.add(blockDelta(index, JSON.createObjectNode().put("type", "text_delta").put("text", piece)));
            }
            events.add(blockStop(index));
            index++;
        }
        if (reply.toolUse() != null) {
            ObjectNode block = JSON.createObjectNode().put("type", "tool_use").put("id", reply.toolUseId())
                    .put("name", reply.toolUse().name());
            block.putObject("input");
            events.add(blockStart(index, block));
            if (index == 0) {
                events.add(new Event("ping", JSON.createObjectNode().put("type", "ping")));
            }
            // As the real API does, the first input_json_delta is empty and the JSON follows in pieces.
            List<String> pieces = new ArrayList<>();
            pieces.add("");
            pieces.addAll(split(reply.toolUse().input().toString(), 3));
            for (String piece : pieces) {
                events.add(blockDelta(index,
                        JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", piece)));
            }
            events.add(blockStop(index));
        }
        ObjectNode delta = JSON.createObjectNode().put("stop_reason", reply.stopReason());
        delta.putNull("stop_sequence");
        ObjectNode messageDelta = event("message_delta");
        messageDelta.set("delta", delta);
        messageDelta.putObject("usage").put("output_tokens", usage.outputTokens());
        events.add(new Event("message_delta", messageDelta));
        events.add(new Event("message_stop", event("message_stop")));

        if (errorMidStream) {
            int firstDelta = 0;
            while (firstDelta < events.size() && !events.get(firstDelta).name().equals("content_block_delta")) {
                firstDelta++;
            }
            events = new ArrayList<>(events.subList(0, Math.min(firstDelta + 1, events.size())));
            ObjectNode error = event("error");
            error.putObject("error").put("type", "overloaded_error").put("message", "Overloaded");
            events.add(new Event("error", error));
        }

        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0); // 0: chunked transfer, so that every flush reaches the client
        OutputStream out = exchange.getResponseBody();
        for (Event event : events) {
            out.write(("event: " + event.name() + "\ndata: " + event.data() + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static ObjectNode event(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    private static Event blockStart(int index, ObjectNode block) {
        ObjectNode data = event("content_block_start").put("index", index);
        data.set("content_block", block);
        return new Event("content_block_start", data);
    }

    private static Event blockDelta(int index, ObjectNode delta) {
        ObjectNode data = event("content_block_delta").put("index", index);
        data.set("delta", delta);
        return new Event("content_block_delta", data);
    }

    private static Event blockStop(int index) {
        return new Event("content_block_stop", event("content_block_stop").put("index", index));
    }

    /** "Hello from x" as "Hello", " from", " x". */
    private static List<String> words(String text) {
        return List.of(text.split("(?= )"));
    }

    /** {@code text} in {@code parts} pieces of about equal length (fewer when it is shorter), never empty ones. */
    static List<String> split(String text, int parts) {
        List<String> pieces = new ArrayList<>();
        int count = Math.max(1, Math.min(parts, text.length()));
        int from = 0;
        for (int i = 1; i <= count; i++) {
            int to = i == count ? text.length() : Math.max(from + 1, text.length() * i / count);
            if (to < text.length() && Character.isHighSurrogate(text.charAt(to - 1))) {
                to++;
            }
            if (to > from) {
                pieces.add(text.substring(from, to));
            }
            from = to;
        }
        return pieces;
    }

    private Usage usage(JsonNode request, Reply reply) {
        Usage fixed = fixedUsage;
        if (fixed != null) {
            return fixed;
        }
        int input = FakeOpenAi.estimateTokens(text(request.path("system")));
        for (JsonNode message : request.path("messages")) {
            JsonNode messageContent = message.path("content");
            input += FakeOpenAi.estimateTokens(text(messageContent));
            for (JsonNode block : messageContent) {
                if (block.has("content")) {
                    input += FakeOpenAi.estimateTokens(text(block.path("content")));
                } else if (block.has("input")) {
                    input += FakeOpenAi.estimateTokens(block.path("input").toString());
                }
            }
        }
        int output = reply.hasText() ? FakeOpenAi.estimateTokens(reply.text()) : 0;
        if (reply.toolUse() != null) {
            output += FakeOpenAi.estimateTokens(reply.toolUse().name())
                    + FakeOpenAi.estimateTokens(reply.toolUse().input().toString());
        }
        return new Usage(Math.max(1, input), Math.max(1, output));
    }

    private static String randomId() {
        return "01" + UUID.randomUUID().toString().replace("-", "").substring(0, 22);
    }

    // ---------------------------------------------------------------- sending

    private static void sendError(HttpExchange exchange, int status, String type, String message) throws IOException {
        send(exchange, status, errorJson(type, message));
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
