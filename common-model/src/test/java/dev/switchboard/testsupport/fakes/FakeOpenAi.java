package dev.switchboard.testsupport.fakes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake OpenAI API: a real HTTP/1.1 server on 127.0.0.1 that speaks the OpenAI wire format for
 * {@code POST /v1/chat/completions} (plain and SSE streaming), {@code POST /v1/embeddings} and
 * {@code GET /v1/models}, records every request it receives, and misbehaves on command.
 *
 * <p>Misbehaviour is a {@link Behaviour}. {@link #next(Behaviour)} queues one for the next request,
 * {@link #next(int, Behaviour)} for the next n requests, {@link #always(Behaviour)} for every request
 * until {@link #reset()}; queued behaviours come first. "The next request" is whichever request arrives
 * next, on any path. Stream-shaping behaviours (hold, drop) only change streaming chat completions; any other
 * request that takes one from the queue gets its normal answer.
 *
 * <pre>{@code
 * try (FakeOpenAi openAi = FakeOpenAi.start()) {
 *     openAi.rateLimitNext(2);                 // first call: 429 + Retry-After: 2
 *     ... point the gateway at openAi.baseUrl() ...
 *     assertEquals(2, openAi.requestCount());
 * }
 * }</pre>
 */
public final class FakeOpenAi implements AutoCloseable {

    public static final String DEFAULT_CONTENT = "Hello from fake-openai";
    public static final List<String> DEFAULT_STREAM_PIECES = List.of("Hello", " from", " fake-openai");
    public static final List<String> DEFAULT_MODELS = List.of("gpt-4o-mini", "gpt-4o", "text-embedding-3-small");
    public static final int DEFAULT_EMBEDDING_DIMENSIONS = 8;

    /** The fixed {@code created} of every listed model, so that the list is byte-stable. */
    private static final long MODELS_CREATED = 1_700_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeServer server;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    private final Object behaviourLock = new Object();
    private final Deque<Behaviour> queued = new ArrayDeque<>(); // guarded by behaviourLock
    private Behaviour permanent; // guarded by behaviourLock

    private volatile String content;
    private volatile List<String> streamPieces;
    private volatile List<String> models;
    private volatile Usage fixedUsage; // null: estimate from the text

    private FakeOpenAi() {
        this.server = FakeServer.bind("fake-openai");
        restoreDefaultReplies();
    }

    /** Starts a fake on a free port of 127.0.0.1. */
    public static FakeOpenAi start() {
        FakeOpenAi fake = new FakeOpenAi();
        fake.server.serve(fake::handle);
        return fake;
    }

    /** {@code http://127.0.0.1:PORT/v1}: what an OpenAI client takes as its base URL. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    public int port() {
        return server.port();
    }

    /** Stops at once: open connections are closed and stalled or held requests are interrupted. */
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
            throw new IllegalStateException("fake OpenAI received no request");
        }
        return all.get(all.size() - 1);
    }

    public int requestCount() {
        return requests.size();
    }

    /** Forgets recorded requests and behaviours, and restores the default replies. */
    public void reset() {
        synchronized (behaviourLock) {
            queued.clear();
            permanent = null;
        }
        requests.clear();
        restoreDefaultReplies();
    }

    // ---------------------------------------------------------------- normal replies

    /** The assistant content of non-streaming chat completions. */
    public void setContent(String content) {
        this.content = content;
    }

    /** The content pieces of streaming chat completions, one chunk each. */
    public void setStreamPieces(String... pieces) {
        this.streamPieces = List.of(pieces);
    }

    /** The ids listed by {@code GET /v1/models}. */
    public void setModels(String... ids) {
        this.models = List.of(ids);
    }

    /** Reports these token counts instead of estimating them (≈ 4 characters per token). */
    public void setUsage(int promptTokens, int completionTokens) {
        this.fixedUsage = new Usage(promptTokens, completionTokens);
    }

    private void restoreDefaultReplies() {
        content = DEFAULT_CONTENT;
        streamPieces = DEFAULT_STREAM_PIECES;
        models = DEFAULT_MODELS;
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

        /** Streams the role chunk and the first content chunk, then waits for {@code gate}. */
        record HoldStream(StreamGate gate) implements Behaviour {
        }

        /** Streams {@code chunks} data events, then closes the connection without the terminating chunk. */
        record DropStream(int chunks) implements Behaviour {
        }

        /** Answers exactly these bytes with a Content-Length. */
        record Canned(int status, String contentType, byte[] body) implements Behaviour {
        }

        /** Answers 200 text/event-stream with exactly these bytes, flushing after each {@code \n\n}. */
        record FixedStream(byte[] sse) implements Behaviour {
        }

        static Behaviour fail(int status) {
            return new Fail(status, errorJson(status, "fake-openai: injected failure (HTTP " + status + ")"), Map.of());
        }

        static Behaviour fail(int status, String errorJsonBody) {
            return new Fail(status, errorJsonBody, Map.of());
        }

        static Behaviour rateLimit(int retryAfterSeconds) {
            return new Fail(429, errorJson(429, "Rate limit reached (fake-openai). Please try again in "
                    + retryAfterSeconds + "s."), Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
        }

        static Behaviour stall(Duration delay) {
            return new Stall(delay);
        }

        static Behaviour holdStreamAfterFirstChunk(StreamGate gate) {
            return new HoldStream(gate);
        }

        static Behaviour dropStreamAfterChunks(int chunks) {
            return new DropStream(chunks);
        }

        static Behaviour respondWith(int status, String contentType, byte[] body) {
            return new Canned(status, contentType, body.clone());
        }

        static Behaviour fixedStreamBody(byte[] sse) {
            return new FixedStream(sse.clone());
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

    /** The next request gets {@code status} with an OpenAI-shaped error body. */
    public void failNext(int status) {
        next(Behaviour.fail(status));
    }

    /** The next request gets {@code status} with exactly {@code errorJsonBody}. */
    public void failNext(int status, String errorJsonBody) {
        next(Behaviour.fail(status, errorJsonBody));
    }

    /** The next request gets 429 with {@code Retry-After: retryAfterSeconds} and an OpenAI error body. */
    public void rateLimitNext(int retryAfterSeconds) {
        next(Behaviour.rateLimit(retryAfterSeconds));
    }

    /** The next request waits {@code delay} before the fake sends anything, then is answered normally. */
    public void stallNext(Duration delay) {
        next(Behaviour.stall(delay));
    }

    /**
     * The next streaming chat completion sends its role chunk and first content chunk, flushes them, and
     * waits until the returned gate is released (at most {@link StreamGate#SAFETY_TIMEOUT}).
     */
    public StreamGate holdStreamAfterFirstChunk() {
        StreamGate gate = new StreamGate();
        next(Behaviour.holdStreamAfterFirstChunk(gate));
        return gate;
    }

    /**
     * The next streaming chat completion sends {@code chunks} data events (the role chunk counts) and then
     * closes the connection abruptly: no {@code [DONE]}, no terminating HTTP chunk.
     */
    public void dropStreamAfterChunks(int chunks) {
        next(Behaviour.dropStreamAfterChunks(chunks));
    }

    /** The next request gets exactly this status, content type (may be null) and body. */
    public void respondWith(int status, String contentType, byte[] body) {
        next(Behaviour.respondWith(status, contentType, body));
    }

    /** The next request gets 200 {@code text/event-stream} with exactly these bytes. */
    public void fixedStreamBody(byte[] sseBytes) {
        next(Behaviour.fixedStreamBody(sseBytes));
    }

    private Behaviour takeBehaviour() {
        synchronized (behaviourLock) {
            Behaviour next = queued.pollFirst();
            return next != null ? next : permanent;
        }
    }

    // ---------------------------------------------------------------- wire format helpers

    /** An OpenAI error body: {@code {"error":{"message","type","param":null,"code"}}}, typed as OpenAI types {@code status}. */
    public static String errorJson(int status, String message) {
        String type;
        String code = null;
        if (status == 401) {
            type = "invalid_request_error";
            code = "invalid_api_key";
        } else if (status == 429) {
            type = "requests";
            code = "rate_limit_exceeded";
        } else if (status >= 500) {
            type = "server_error";
        } else {
            type = "invalid_request_error";
        }
        ObjectNode error = JSON.createObjectNode();
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("error", error);
        return body.toString();
    }

    /** Roughly OpenAI's rule of thumb: one token per 4 characters, at least 1 for non-empty text. */
    public static int estimateTokens(String text) {
        return text == null || text.isEmpty() ? 0 : Math.max(1, (text.length() + 3) / 4);
    }

    private record Usage(int promptTokens, int completionTokens) {

        ObjectNode toJson() {
            ObjectNode usage = JSON.createObjectNode();
            usage.put("prompt_tokens", promptTokens);
            usage.put("completion_tokens", completionTokens);
            usage.put("total_tokens", promptTokens + completionTokens);
            return usage;
        }
    }

    // ---------------------------------------------------------------- request handling

    /** Thrown to make the JDK server close the socket without ending the chunked body. */
    private static final class AbruptDisconnect extends RuntimeException {
        AbruptDisconnect() {
            super("fake-openai: dropping the connection on purpose", null, false, false);
        }
    }

    private void handle(HttpExchange exchange) {
        try {
            RecordedRequest request = record(exchange);
            respond(exchange, request, takeBehaviour());
            exchange.close();
        } catch (AbruptDisconnect e) {
            // Escaping the handler is the one way to make the JDK server close the connection without writing
            // the final zero-length chunk, i.e. a truncated response as a real network failure produces.
            throw e;
        } catch (IOException e) {
            // The client went away (e.g. it timed out a stalled request): there is nobody left to answer.
            exchange.close();
        } catch (InterruptedException e) {
            // close() was called while a request stalled or was held.
            Thread.currentThread().interrupt();
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
            send(exchange, fail.status(), "application/json", fail.body().getBytes(StandardCharsets.UTF_8));
        } else if (behaviour instanceof Behaviour.Canned canned) {
            send(exchange, canned.status(), canned.contentType(), canned.body());
        } else if (behaviour instanceof Behaviour.FixedStream fixed) {
            sendFixedStream(exchange, fixed.sse());
        } else {
            if (behaviour instanceof Behaviour.Stall stall) {
                Thread.sleep(stall.delay().toMillis());
            }
            route(exchange, request, behaviour);
        }
    }

    private void route(HttpExchange exchange, RecordedRequest request, Behaviour streamShaping)
            throws IOException, InterruptedException {
        String expectedMethod = switch (request.path()) {
            case "/v1/chat/completions", "/v1/embeddings" -> "POST";
            case "/v1/models" -> "GET";
            default -> null;
        };
        if (expectedMethod == null) {
            sendError(exchange, 404, "Invalid URL (" + request.method() + " " + request.path() + ")");
        } else if (!expectedMethod.equals(request.method())) {
            sendError(exchange, 405, "Method " + request.method() + " not allowed on " + request.path());
        } else if (request.path().equals("/v1/models")) {
            sendJson(exchange, 200, modelList());
        } else {
            JsonNode body;
            try {
                body = JSON.readTree(request.body());
            } catch (JsonProcessingException e) {
                sendError(exchange, 400, "We could not parse the JSON body of your request.");
                return;
            }
            if (body == null || !body.path("model").isTextual()) {
                sendError(exchange, 400, "you must provide a model parameter");
            } else if (request.path().equals("/v1/embeddings")) {
                sendJson(exchange, 200, embeddings(body));
            } else if (body.path("stream").asBoolean(false)) {
                streamChatCompletion(exchange, body, streamShaping);
            } else {
                sendJson(exchange, 200, chatCompletion(body));
            }
        }
    }

    // ---------------------------------------------------------------- chat completions

    private ObjectNode chatCompletion(JsonNode request) {
        String reply = content;
        ObjectNode message = JSON.createObjectNode();
        message.put("role", "assistant");
        message.put("content", reply);
        message.putNull("refusal");
        ObjectNode choice = JSON.createObjectNode();
        choice.put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");

        ObjectNode completion = JSON.createObjectNode();
        completion.put("id", newCompletionId());
        completion.put("object", "chat.completion");
        completion.put("created", Instant.now().getEpochSecond());
        completion.put("model", request.path("model").asText());
        completion.set("choices", JSON.createArrayNode().add(choice));
        completion.set("usage", usage(request, reply).toJson());
        return completion;
    }

    private void streamChatCompletion(HttpExchange exchange, JsonNode request, Behaviour streamShaping)
            throws IOException, InterruptedException {
        List<String> pieces = streamPieces;
        boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        String id = newCompletionId();
        long created = Instant.now().getEpochSecond();
        String model = request.path("model").asText();

        List<ObjectNode> chunks = new ArrayList<>();
        ObjectNode roleDelta = JSON.createObjectNode().put("role", "assistant").put("content", "");
        roleDelta.putNull("refusal");
        chunks.add(chunk(id, created, model, roleDelta, null, includeUsage));
        for (String piece : pieces) {
            chunks.add(chunk(id, created, model, JSON.createObjectNode().put("content", piece), null, includeUsage));
        }
        chunks.add(chunk(id, created, model, JSON.createObjectNode(), "stop", includeUsage));
        if (includeUsage) {
            ObjectNode usageChunk = chunk(id, created, model, null, null, true);
            usageChunk.set("usage", usage(request, String.join("", pieces)).toJson());
            chunks.add(usageChunk);
        }

        StreamGate gate = streamShaping instanceof Behaviour.HoldStream hold ? hold.gate() : null;
        int holdAfter = pieces.isEmpty() ? 1 : 2; // the role chunk and the first content chunk
        Integer dropAfter = streamShaping instanceof Behaviour.DropStream drop ? drop.chunks() : null;

        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0); // 0: chunked transfer, so that every flush reaches the client
        OutputStream out = exchange.getResponseBody();
        for (int sent = 0; sent < chunks.size(); sent++) {
            if (dropAfter != null && sent == dropAfter) {
                throw new AbruptDisconnect();
            }
            writeEvent(out, chunks.get(sent).toString());
            if (gate != null && sent + 1 == holdAfter) {
                gate.holdUntilReleased();
            }
        }
        if (dropAfter != null) {
            throw new AbruptDisconnect();
        }
        writeEvent(out, "[DONE]");
    }

    /** A {@code chat.completion.chunk}; {@code delta == null} makes the usage chunk, whose choices are empty. */
    private static ObjectNode chunk(String id, long created, String model, ObjectNode delta, String finishReason,
            boolean includeUsage) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        ArrayNode choices = chunk.putArray("choices");
        if (delta != null) {
            ObjectNode choice = choices.addObject();
            choice.put("index", 0);
            choice.set("delta", delta);
            choice.putNull("logprobs");
            if (finishReason == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finishReason);
            }
        }
        if (includeUsage) {
            chunk.putNull("usage"); // as OpenAI does: null on every chunk but the last when usage is requested
        }
        return chunk;
    }

    private static void writeEvent(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private Usage usage(JsonNode request, String completion) {
        Usage fixed = fixedUsage;
        if (fixed != null) {
            return fixed;
        }
        int promptTokens = 0;
        for (JsonNode message : request.path("messages")) {
            JsonNode messageContent = message.path("content");
            if (messageContent.isTextual()) {
                promptTokens += estimateTokens(messageContent.asText());
            }
            for (JsonNode part : messageContent) { // content given as an array of parts
                promptTokens += estimateTokens(part.path("text").asText(""));
            }
        }
        return new Usage(promptTokens, estimateTokens(completion));
    }

    private static String newCompletionId() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    // ---------------------------------------------------------------- embeddings and models

    private ObjectNode embeddings(JsonNode request) {
        JsonNode input = request.path("input");
        List<String> inputs = new ArrayList<>();
        boolean tokenIds = input.isArray() && input.size() > 0 && input.get(0).isNumber();
        if (input.isTextual() || tokenIds) {
            inputs.add(input.isTextual() ? input.asText() : input.toString()); // one text, or one token-id list
        } else {
            input.forEach(item -> inputs.add(item.isTextual() ? item.asText() : item.toString()));
        }
        int dimensions = request.path("dimensions").asInt(DEFAULT_EMBEDDING_DIMENSIONS);
        boolean base64 = "base64".equals(request.path("encoding_format").asText());

        ObjectNode response = JSON.createObjectNode();
        response.put("object", "list");
        ArrayNode data = response.putArray("data");
        int promptTokens = 0;
        for (int index = 0; index < inputs.size(); index++) {
            float[] vector = embeddingOf(inputs.get(index), dimensions);
            ObjectNode embedding = data.addObject();
            embedding.put("object", "embedding");
            embedding.put("index", index);
            if (base64) { // little-endian float32s, as the real API encodes them
                ByteBuffer bytes = ByteBuffer.allocate(4 * dimensions).order(ByteOrder.LITTLE_ENDIAN);
                for (float value : vector) {
                    bytes.putFloat(value);
                }
                embedding.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = embedding.putArray("embedding");
                for (float value : vector) {
                    values.add(value);
                }
            }
            promptTokens += tokenIds ? input.size() : estimateTokens(inputs.get(index));
        }
        response.put("model", request.path("model").asText());
        ObjectNode usage = response.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("total_tokens", promptTokens);
        return response;
    }

    /** A unit vector that depends only on the text, so that equal inputs embed equally. */
    private static float[] embeddingOf(String text, int dimensions) {
        Random random = new Random(text.hashCode());
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            vector[i] = random.nextFloat() * 2 - 1;
            norm += vector[i] * vector[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (vector[i] / norm);
        }
        return vector;
    }

    private ObjectNode modelList() {
        ObjectNode list = JSON.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String id : models) {
            data.addObject().put("id", id).put("object", "model").put("created", MODELS_CREATED)
                    .put("owned_by", "openai");
        }
        return list;
    }

    // ---------------------------------------------------------------- sending

    private static void sendError(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, "application/json", errorJson(status, message).getBytes(StandardCharsets.UTF_8));
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        // -1 tells the JDK server there is no body at all (Content-Length: 0, or none for 204/304).
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void sendFixedStream(HttpExchange exchange, byte[] sse) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        int eventStart = 0;
        for (int i = 0; i + 1 < sse.length; i++) {
            if (sse[i] == '\n' && sse[i + 1] == '\n') { // end of an SSE event: send it on its own
                out.write(sse, eventStart, i + 2 - eventStart);
                out.flush();
                eventStart = i + 2;
                i++;
            }
        }
        out.write(sse, eventStart, sse.length - eventStart);
        out.flush();
    }
}
