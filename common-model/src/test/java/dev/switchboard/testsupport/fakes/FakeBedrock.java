package dev.switchboard.testsupport.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * A fake AWS Bedrock Runtime: a real HTTP/1.1 server on 127.0.0.1 that speaks Bedrock's wire format for
 * {@code POST /model/{modelId}/converse}, {@code /converse-stream} (AWS event-stream binary framing, each frame encoded
 * by the AWS SDK's {@link Message}) and {@code /invoke} (Titan text embeddings v2 and Cohere embed shapes).
 *
 * <p>It checks every request's SigV4 signature the way Bedrock does, by recomputing it with the AWS SDK's own
 * {@link AwsV4HttpSigner} from the registered credentials of the access key the request names, for the request's own
 * date, region and service {@code bedrock}: an unknown key gets 403 {@code UnrecognizedClientException}, a wrong
 * signature 403 {@code InvalidSignatureException} whose message quotes the canonical request (as Bedrock's does,
 * session token included) so that a test can check the gateway never shows it. It refuses Converse bodies that Bedrock
 * refuses (turns that do not alternate or do not start with the user, blank text, tool blocks without a tool config,
 * a tool result for no tool use, unknown fields) with 400 {@code ValidationException}.
 *
 * <p>Answers: the text {@value #DEFAULT_CONTENT} ({@code end_turn}); after a tool result, {@code "The tool said: "} and
 * its text; after {@link #nextToolUse}, a {@code toolUse} block ({@code tool_use}). Misbehaviour on command:
 * {@link #throttleNext(int)} (429 {@code ThrottlingException}), {@link #failNext(int, String, String)} (any status
 * and error type), {@link #exceptionMidStream(String, String)} (an exception frame after the first text delta).
 */
public final class FakeBedrock implements AutoCloseable {

    public static final String DEFAULT_CONTENT = "Hello from fake-bedrock";
    public static final String TOOL_RESULT_ECHO_PREFIX = "The tool said: ";
    public static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    /** Bedrock's error-type header, with the namespace suffix the real service appends. */
    private static final String ERROR_NAMESPACE = ":http://internal.amazon.com/coral/com.amazon.bedrock/";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream|invoke)");
    private static final Set<String> CONVERSE_FIELDS = Set.of("messages", "system", "inferenceConfig", "toolConfig",
            "guardrailConfig", "additionalModelRequestFields", "additionalModelResponseFieldPaths",
            "promptVariables", "requestMetadata", "performanceConfig");

    private record Keys(String secretAccessKey, String sessionToken) {
    }

    /** A scripted tool use: the next valid Converse request answers with it. */
    public record ToolUse(String name, String inputJson) {
    }

    private record Failure(int status, String errorType, String message) {
    }

    private final FakeServer server;
    private final String region;
    private final Map<String, Keys> keys = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Deque<Failure> failures = new ArrayDeque<>(); // guarded by this
    private final Deque<ToolUse> toolUses = new ArrayDeque<>(); // guarded by this
    private Failure midStream; // guarded by this
    private final AtomicInteger signatureRejections = new AtomicInteger();

    private FakeBedrock(String region) {
        this.server = FakeServer.bind("fake-bedrock");
        this.region = region;
    }

    /** Starts a fake of the region {@code region} on a free port of 127.0.0.1. */
    public static FakeBedrock start(String region) {
        FakeBedrock fake = new FakeBedrock(region);
        fake.server.serve(fake::handle);
        return fake;
    }

    /** Accepts requests signed with this key pair ({@code sessionToken} null for long-term keys). */
    public FakeBedrock addCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        keys.put(accessKeyId, new Keys(secretAccessKey, sessionToken));
        return this;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    @Override
    public void close() {
        server.close();
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public RecordedRequest lastRequest() {
        List<RecordedRequest> all = requests();
        if (all.isEmpty()) {
            throw new IllegalStateException("fake Bedrock received no request");
        }
        return all.get(all.size() - 1);
    }

    public int requestCount() {
        return requests.size();
    }

    /** How many requests were refused for their signature or key. */
    public int signatureRejections() {
        return signatureRejections.get();
    }

    public synchronized void reset() {
        requests.clear();
        failures.clear();
        toolUses.clear();
        midStream = null;
        signatureRejections.set(0);
    }

    /** The next {@code n} requests get Bedrock's 429 {@code ThrottlingException}. */
    public synchronized void throttleNext(int n) {
        failNext(n, 429, "ThrottlingException", "Too many requests, please wait before trying again.");
    }

    /** The next {@code n} requests fail with {@code status} and the error type {@code errorType}. */
    public synchronized void failNext(int n, int status, String errorType, String message) {
        for (int i = 0; i < n; i++) {
            failures.add(new Failure(status, errorType, message));
        }
    }

    /** The next stream sends an exception frame of {@code exceptionType} (camel case, as on the wire) after its first delta. */
    public synchronized void exceptionMidStream(String exceptionType, String message) {
        midStream = new Failure(200, exceptionType, message);
    }

    /** The next valid Converse request answers with a call of the tool {@code name}. */
    public synchronized void nextToolUse(String name, String inputJson) {
        toolUses.add(new ToolUse(name, inputJson));
    }

    // ---------------------------------------------------------------- request handling

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            RecordedRequest request = FakeWire.record(exchange);
            requests.add(request);
            Matcher path = PATH.matcher(request.path());
            if (!"POST".equals(request.method()) || !path.matches()) {
                sendError(exchange, 404, "UnknownOperationException", null);
                return;
            }
            String signatureProblem = checkSignature(request);
            if (signatureProblem != null) {
                signatureRejections.incrementAndGet();
                String type = signatureProblem.startsWith("The security token") ? "UnrecognizedClientException"
                        : "InvalidSignatureException";
                sendError(exchange, 403, type, signatureProblem);
                return;
            }
            Failure failure;
            synchronized (this) {
                failure = failures.poll();
            }
            if (failure != null) {
                sendError(exchange, failure.status(), failure.errorType(), failure.message());
                return;
            }
            String modelId = URLDecoder.decode(path.group(1), StandardCharsets.UTF_8);
            JsonNode json;
            try {
                json = JSON.readTree(request.body());
            } catch (IOException e) {
                sendError(exchange, 400, "SerializationException", "Unexpected content in the request body.");
                return;
            }
            switch (path.group(2)) {
                case "invoke" -> invoke(exchange, modelId, json);
                case "converse" -> converse(exchange, json, false);
                default -> converse(exchange, json, true);
            }
        } catch (RuntimeException e) {
            sendError(exchange, 500, "InternalServerException", "fake failure: " + e);
        }
    }

    /**
     * Null when the request is signed right; else Bedrock's message. The signature is recomputed by the SDK's signer
     * over the request as received: its method, raw path, the headers it names as signed, its body, its date.
     */
    private String checkSignature(RecordedRequest request) {
        String authorization = request.header("authorization");
        Matcher m = authorization == null ? null : AUTHORIZATION.matcher(authorization);
        if (m == null || !m.matches()) {
            return "Missing Authentication Token";
        }
        Keys known = keys.get(m.group(1));
        if (known == null) {
            return "The security token included in the request is invalid.";
        }
        String token = request.header("x-amz-security-token");
        if (known.sessionToken() != null && !known.sessionToken().equals(token)) {
            return "The security token included in the request is invalid.";
        }
        if (!region.equals(m.group(3)) || !"bedrock".equals(m.group(4))) {
            return "Credential should be scoped to a valid region and service 'bedrock'.";
        }
        Instant date;
        try {
            date = Instant.from(AMZ_DATE.parse(request.header("x-amz-date")));
        } catch (RuntimeException e) {
            return "Missing or invalid X-Amz-Date.";
        }
        String[] host = request.header("host").split(":");
        SdkHttpRequest.Builder rebuilt = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(request.method()))
                .protocol("http")
                .host(host[0])
                .port(host.length > 1 ? Integer.parseInt(host[1]) : 80)
                .encodedPath(request.path());
        for (String name : m.group(5).split(";")) {
            // the signer sets these itself, from the identity and the clock
            if (!name.equals("x-amz-date") && !name.equals("x-amz-security-token") && !name.equals("host")) {
                request.headerValues(name).forEach(v -> rebuilt.appendHeader(name, v));
            }
        }
        AwsCredentialsIdentity identity = known.sessionToken() == null
                ? AwsCredentialsIdentity.create(m.group(1), known.secretAccessKey())
                : AwsSessionCredentialsIdentity.create(m.group(1), known.secretAccessKey(), known.sessionToken());
        String expected = SIGNER.sign(r -> r.identity(identity)
                        .request(rebuilt.build())
                        .payload(ContentStreamProvider.fromByteArray(request.body()))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(date, ZoneOffset.UTC)))
                .request().firstMatchingHeader("Authorization").orElse("");
        if (expected.equals(authorization)) {
            return null;
        }
        // Bedrock's own message shows what it signed: the canonical request, signed header values and all
        StringBuilder canonical = new StringBuilder();
        canonical.append(request.method()).append('\n').append(request.path()).append("\n\n");
        for (String name : m.group(5).split(";")) {
            canonical.append(name).append(':').append(request.header(name)).append('\n');
        }
        return "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
                + "Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical "
                + "String for this request should have been\n'" + canonical + "'";
    }

    // ---------------------------------------------------------------- Converse

    private void converse(HttpExchange exchange, JsonNode request, boolean stream) throws IOException {
        String invalid = validateConverse(request);
        if (invalid != null) {
            sendError(exchange, 400, "ValidationException", invalid);
            return;
        }
        ToolUse toolUse;
        Failure exception;
        synchronized (this) {
            toolUse = toolUses.poll();
            exception = stream ? midStream : null;
            if (stream) {
                midStream = null;
            }
        }
        String text = toolUse != null ? null : replyText(request);
        long inputTokens = Math.max(1, request.toString().length() / 4);
        long outputTokens = toolUse != null ? 12 : Math.max(1, text.split(" ").length);
        String stopReason = toolUse != null ? "tool_use" : "end_turn";
        if (!stream) {
            ObjectNode out = JSON.createObjectNode();
            ObjectNode message = out.putObject("output").putObject("message");
            message.put("role", "assistant");
            ArrayNode content = message.putArray("content");
            if (toolUse != null) {
                ObjectNode use = content.addObject().putObject("toolUse");
                use.put("toolUseId", "tooluse_" + UUID.randomUUID().toString().replace("-", "").substring(0, 22));
                use.put("name", toolUse.name());
                use.set("input", JSON.readTree(toolUse.inputJson()));
            } else {
                content.addObject().put("text", text);
            }
            out.put("stopReason", stopReason);
            out.putObject("usage").put("inputTokens", inputTokens).put("outputTokens", outputTokens)
                    .put("totalTokens", inputTokens + outputTokens);
            out.putObject("metrics").put("latencyMs", 120);
            send(exchange, 200, "application/json", out.toString().getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        exchange.getResponseHeaders().add("content-type", EVENT_STREAM);
        exchange.getResponseHeaders().add("x-amzn-requestid", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        event(out, "messageStart", JSON.createObjectNode().put("role", "assistant"));
        if (toolUse != null) {
            ObjectNode start = JSON.createObjectNode().put("contentBlockIndex", 0);
            start.putObject("start").putObject("toolUse")
                    .put("toolUseId", "tooluse_" + UUID.randomUUID().toString().replace("-", "").substring(0, 22))
                    .put("name", toolUse.name());
            event(out, "contentBlockStart", start);
            String input = toolUse.inputJson();
            int half = input.length() / 2;
            for (String piece : List.of(input.substring(0, half), input.substring(half))) {
                ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", 0);
                delta.putObject("delta").putObject("toolUse").put("input", piece);
                event(out, "contentBlockDelta", delta);
            }
        } else {
            String[] words = text.split("(?<= )");
            for (int i = 0; i < words.length; i++) {
                ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", 0);
                delta.putObject("delta").put("text", words[i]);
                event(out, "contentBlockDelta", delta);
                if (i == 0 && exception != null) {
                    Map<String, HeaderValue> headers = new LinkedHashMap<>();
                    headers.put(":message-type", HeaderValue.fromString("exception"));
                    headers.put(":exception-type", HeaderValue.fromString(exception.errorType()));
                    headers.put(":content-type", HeaderValue.fromString("application/json"));
                    frame(out, headers, JSON.createObjectNode().put("message", exception.message()));
                    return;
                }
            }
        }
        event(out, "contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", 0));
        event(out, "messageStop", JSON.createObjectNode().put("stopReason", stopReason));
        ObjectNode metadata = JSON.createObjectNode();
        metadata.putObject("usage").put("inputTokens", inputTokens).put("outputTokens", outputTokens)
                .put("totalTokens", inputTokens + outputTokens);
        metadata.putObject("metrics").put("latencyMs", 120);
        event(out, "metadata", metadata);
    }

    private static String replyText(JsonNode request) {
        JsonNode messages = request.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        for (JsonNode block : last.path("content")) {
            if (block.has("toolResult")) {
                StringBuilder text = new StringBuilder(TOOL_RESULT_ECHO_PREFIX);
                block.get("toolResult").path("content").forEach(c -> text.append(c.path("text").asText()));
                return text.toString();
            }
        }
        return DEFAULT_CONTENT;
    }

    /** Null when Bedrock would take the request; else its ValidationException message. */
    private static String validateConverse(JsonNode request) {
        for (var it = request.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!CONVERSE_FIELDS.contains(field)) {
                return "Malformed input request: extraneous key [" + field + "] is not permitted, please reformat "
                        + "your input and try again.";
            }
        }
        JsonNode messages = request.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return "A conversation must start with a user message. Try again with a conversation that starts with a "
                    + "user message.";
        }
        boolean toolConfig = request.has("toolConfig");
        Set<String> toolUseIds = new java.util.HashSet<>();
        String previous = null;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText();
            if (i == 0 && !"user".equals(role)) {
                return "A conversation must start with a user message. Try again with a conversation that starts "
                        + "with a user message.";
            }
            if (role.equals(previous)) {
                return "A conversation must alternate between user and assistant roles. Make sure the conversation "
                        + "alternates between user and assistant roles and try again.";
            }
            previous = role;
            if (!m.path("content").isArray() || m.path("content").isEmpty()) {
                return "The content field in the Message object at messages." + i + " is empty.";
            }
            for (JsonNode block : m.path("content")) {
                if (block.has("text") && block.get("text").asText().isBlank()) {
                    return "The text field in the ContentBlock object at messages." + i + ".content is blank.";
                }
                if (block.has("toolUse") || block.has("toolResult")) {
                    if (!toolConfig) {
                        return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
                    }
                }
                if (block.has("toolUse")) {
                    toolUseIds.add(block.get("toolUse").path("toolUseId").asText());
                }
                if (block.has("toolResult") && !toolUseIds.contains(block.get("toolResult").path("toolUseId").asText())) {
                    return "The toolResult blocks at messages." + i + ".content contain a toolUseId that does not "
                            + "match any toolUse block of the previous turn.";
                }
                if (block.has("image") && !Set.of("png", "jpeg", "gif", "webp")
                        .contains(block.get("image").path("format").asText())) {
                    return "The image format at messages." + i + ".content is not supported.";
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- invoke (embeddings)

    private void invoke(HttpExchange exchange, String modelId, JsonNode request) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        Map<String, String> headers = new LinkedHashMap<>();
        if (modelId.contains("titan-embed-text")) {
            if (!request.path("inputText").isTextual() || request.has("texts")) {
                sendError(exchange, 400, "ValidationException", "Malformed input request: required key [inputText] not found");
                return;
            }
            String text = request.get("inputText").asText();
            out.set("embedding", vector(text, request.path("dimensions").asInt(8)));
            int tokens = Math.max(1, text.split("\\s+").length);
            out.put("inputTextTokenCount", tokens);
            headers.put("X-Amzn-Bedrock-Input-Token-Count", String.valueOf(tokens));
        } else if (modelId.contains("cohere.embed")) {
            if (!request.path("texts").isArray() || !request.hasNonNull("input_type")) {
                sendError(exchange, 400, "ValidationException", "Malformed input request: required keys [texts, input_type] not found");
                return;
            }
            out.put("id", UUID.randomUUID().toString());
            ArrayNode floats = out.putObject("embeddings").putArray("float");
            int tokens = 0;
            for (JsonNode text : request.get("texts")) {
                floats.add(vector(text.asText(), 8));
                tokens += Math.max(1, text.asText().split("\\s+").length);
            }
            out.set("texts", request.get("texts"));
            out.put("response_type", "embeddings_by_type");
            headers.put("X-Amzn-Bedrock-Input-Token-Count", String.valueOf(tokens));
        } else {
            sendError(exchange, 400, "ValidationException", "The provided model identifier is invalid.");
            return;
        }
        send(exchange, 200, "application/json", out.toString().getBytes(StandardCharsets.UTF_8), headers);
    }

    /** A deterministic vector of a text: the same text always embeds the same. */
    private static ArrayNode vector(String text, int dimensions) {
        ArrayNode v = JSON.createArrayNode();
        int seed = text.hashCode();
        for (int i = 0; i < dimensions; i++) {
            seed = seed * 31 + i;
            v.add(((seed % 1000) + 1000) % 1000 / 1000.0);
        }
        return v;
    }

    // ---------------------------------------------------------------- wire

    private static void event(OutputStream out, String eventType, ObjectNode payload) throws IOException {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString(eventType));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        // Bedrock pads its events with a "p" field, so that their sizes do not give the text away
        payload.put("p", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".substring(0, 10));
        frame(out, headers, payload);
    }

    private static void frame(OutputStream out, Map<String, HeaderValue> headers, ObjectNode payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Message(headers, payload.toString().getBytes(StandardCharsets.UTF_8)).encode(bytes);
        out.write(bytes.toByteArray());
        out.flush();
    }

    private static void sendError(HttpExchange exchange, int status, String errorType, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("message", message == null ? errorType : message);
        send(exchange, status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8),
                Map.of("x-amzn-ErrorType", errorType + ERROR_NAMESPACE));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body,
                             Map<String, String> headers) throws IOException {
        exchange.getResponseHeaders().add("content-type", contentType);
        exchange.getResponseHeaders().add("x-amzn-requestid", UUID.randomUUID().toString());
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
