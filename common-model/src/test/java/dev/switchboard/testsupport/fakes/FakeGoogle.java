package dev.switchboard.testsupport.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
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
 * A fake of Google's generative AI endpoints: a real HTTP/1.1 server on 127.0.0.1 that serves
 * <ul>
 *   <li>the Gemini API, {@code POST /v1beta/models/<model>:<method>}, authenticated by {@code x-goog-api-key} (or
 *       {@code ?key=}) as Google does (403 without a key, 400 {@code API_KEY_INVALID} with a wrong one);</li>
 *   <li>Vertex AI, {@code POST /v1/projects/<project>/locations/<location>/publishers/google/models/<model>:<method>},
 *       authenticated by a Bearer token from this fake's token endpoint;</li>
 *   <li>Google's OAuth token endpoint {@code POST /token} for service accounts: the JWT-bearer grant, whose RS256
 *       assertion is verified against the public key of a service account made by {@link #newServiceAccountKey}
 *       (issuer, audience {@code https://oauth2.googleapis.com/token}, scope and expiry checked).</li>
 * </ul>
 * Methods: {@code generateContent}, {@code streamGenerateContent} (with {@code alt=sse}: one
 * {@code GenerateContentResponse} per event, no end marker), {@code embedContent}, {@code batchEmbedContents}, and
 * Vertex's {@code predict} for embedding models. Requests are checked as Gemini checks them (unknown fields, roles,
 * alternating turns, one function response per function call, part shapes). On command: failures and throttling
 * (429 {@code RESOURCE_EXHAUSTED}), a blocked prompt ({@code promptFeedback.blockReason}), an answer stopped for
 * safety ({@code finishReason: SAFETY}), scripted function calls, a slow token endpoint.
 */
public final class FakeGoogle implements AutoCloseable {

    public static final String DEFAULT_CONTENT = "Hello from fake-gemini";
    public static final String TOOL_RESULT_ECHO_PREFIX = "The tool said: ";
    public static final String TOKEN_PATH = "/token";
    public static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    static final String GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GEMINI_PATH = Pattern.compile("/v1beta/models/([^/:]+):([A-Za-z]+)");
    private static final Pattern VERTEX_PATH = Pattern.compile(
            "/v1/projects/([^/]+)/locations/([^/]+)/publishers/google/models/([^/:]+):([A-Za-z]+)");
    private static final Set<String> REQUEST_FIELDS = Set.of("contents", "systemInstruction", "tools", "toolConfig",
            "generationConfig", "safetySettings", "cachedContent", "labels");
    private static final Set<String> CONFIG_FIELDS = Set.of("temperature", "topP", "topK", "candidateCount",
            "maxOutputTokens", "stopSequences", "seed", "presencePenalty", "frequencyPenalty", "responseMimeType",
            "responseSchema", "responseJsonSchema", "thinkingConfig", "responseLogprobs", "logprobs");
    private static final Set<String> PART_KINDS = Set.of("text", "inlineData", "fileData", "functionCall",
            "functionResponse");

    /** What the fake does with a model request instead of its normal answer. */
    public sealed interface Behaviour {
        record Fail(int status, String body, Map<String, String> headers) implements Behaviour {
        }

        /** 200 with {@code promptFeedback.blockReason: SAFETY} and no candidates. */
        record BlockPrompt() implements Behaviour {
        }

        /** The answer stops with {@code finishReason: SAFETY} (in a stream, after the first piece). */
        record SafetyStop() implements Behaviour {
        }

        static Behaviour fail(int status, String googleStatus, String message) {
            return new Fail(status, errorJson(status, googleStatus, message), Map.of());
        }

        static Behaviour rateLimit() {
            return new Fail(429, errorJson(429, "RESOURCE_EXHAUSTED",
                    "Resource has been exhausted (e.g. check quota)."), Map.of());
        }
    }

    private final FakeServer server;
    private final String apiKey;
    private final String project;
    private final String location;
    private final Map<String, Boolean> models = new ConcurrentHashMap<>(); // id -> is an embedding model
    private final Map<String, PublicKey> serviceAccounts = new ConcurrentHashMap<>(); // client email -> key
    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokenCalls = new AtomicInteger();
    private final Deque<Behaviour> queued = new ArrayDeque<>(); // guarded by itself
    private final Deque<String[]> functionCalls = new ArrayDeque<>(); // guarded by queued
    private volatile Duration tokenDelay = Duration.ZERO;
    private volatile Duration tokenLifetime = Duration.ofSeconds(3599);

    private FakeGoogle(String apiKey, String project, String location) {
        this.server = FakeServer.bind("fake-google");
        this.apiKey = apiKey;
        this.project = project;
        this.location = location;
    }

    /** Starts a fake accepting the Gemini API key {@code apiKey} and serving Vertex AI for one project and location. */
    public static FakeGoogle start(String apiKey, String project, String location) {
        FakeGoogle fake = new FakeGoogle(apiKey, project, location);
        fake.server.serve(fake::handle);
        return fake;
    }

    public String rootUrl() {
        return server.baseUrl();
    }

    /** The Gemini API's base URL, as {@code https://generativelanguage.googleapis.com/v1beta}. */
    public String geminiBaseUrl() {
        return rootUrl() + "/v1beta";
    }

    /** Vertex AI's base URL for the fake's project and location. */
    public String vertexBaseUrl() {
        return rootUrl() + "/v1/projects/" + project + "/locations/" + location;
    }

    public String tokenUrl() {
        return rootUrl() + TOKEN_PATH;
    }

    @Override
    public void close() {
        server.close();
    }

    public void addModel(String id, boolean embeddings) {
        models.put(id, embeddings);
    }

    /**
     * A new service account: an RSA key pair is generated, its public half registered here, and the account's JSON
     * key returned, as the Google Cloud console downloads it, with {@code token_uri} pointing at this fake.
     */
    public String newServiceAccountKey(String clientEmail) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            serviceAccounts.put(clientEmail, pair.getPublic());
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            ObjectNode key = JSON.createObjectNode();
            key.put("type", "service_account");
            key.put("project_id", project);
            key.put("private_key_id", UUID.randomUUID().toString().replace("-", ""));
            key.put("private_key", pem);
            key.put("client_email", clientEmail);
            key.put("client_id", "1" + Math.abs(clientEmail.hashCode()));
            key.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
            key.put("token_uri", tokenUrl());
            key.put("universe_domain", "googleapis.com");
            return key.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public void setTokenDelay(Duration delay) {
        tokenDelay = delay;
    }

    public void setTokenLifetime(Duration lifetime) {
        tokenLifetime = lifetime;
    }

    public void revokeIssuedTokens() {
        issued.clear();
    }

    public int tokenCalls() {
        return tokenCalls.get();
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The requests to the model APIs (not the token endpoint). */
    public List<RecordedRequest> apiRequests() {
        return requests.stream().filter(r -> !r.path().equals(TOKEN_PATH)).toList();
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

    /** The next answer calls {@code name} with {@code argsJson} (a JSON object). */
    public void nextFunctionCall(String name, String argsJson) {
        synchronized (queued) {
            functionCalls.addLast(new String[] {name, argsJson});
        }
    }

    public void reset() {
        synchronized (queued) {
            queued.clear();
            functionCalls.clear();
        }
        requests.clear();
        tokenCalls.set(0);
        tokenDelay = Duration.ZERO;
        tokenLifetime = Duration.ofSeconds(3599);
    }

    /** Google's error body: {@code {"error":{"code","message","status"}}}. */
    public static String errorJson(int code, String status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message).put("status", status);
        return body.toString();
    }

    // ---------------------------------------------------------------- handling

    private void handle(HttpExchange exchange) {
        try (exchange) {
            RecordedRequest request = FakeWire.record(exchange);
            requests.add(request);
            if (request.path().equals(TOKEN_PATH)) {
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
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            send(exchange, 400, oauthError("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type")));
            return;
        }
        String problem = assertionProblem(form.get("assertion"));
        if (problem != null) {
            send(exchange, 400, oauthError("invalid_grant", problem));
            return;
        }
        String value = "ya29.fake-" + UUID.randomUUID();
        issued.put(value, Instant.now().plus(tokenLifetime));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("access_token", value);
        answer.put("expires_in", tokenLifetime.toSeconds());
        answer.put("token_type", "Bearer");
        send(exchange, 200, answer.toString());
    }

    /** Why the JWT assertion is refused, or null when it is a valid one of a known service account. */
    private String assertionProblem(String assertion) {
        if (assertion == null) {
            return "Missing assertion.";
        }
        String[] parts = assertion.split("\\.");
        if (parts.length != 3) {
            return "Invalid JWT.";
        }
        try {
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return "Invalid JWT: alg must be RS256.";
            }
            PublicKey key = serviceAccounts.get(claims.path("iss").asText());
            if (key == null) {
                return "Invalid JWT Signature.";
            }
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return "Invalid JWT Signature.";
            }
            // Google's own token endpoint is the audience whichever URL the assertion is posted to
            String audience = claims.path("aud").asText();
            if (!GOOGLE_TOKEN_AUDIENCE.equals(audience) && !tokenUrl().equals(audience)) {
                return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe; aud.";
            }
            if (!List.of(claims.path("scope").asText().split(" ")).contains(SCOPE)) {
                return "Invalid JWT: scope must include " + SCOPE + ".";
            }
            if (claims.path("exp").asLong(0) < Instant.now().getEpochSecond()) {
                return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
            }
            return null;
        } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
            return "Invalid JWT.";
        }
    }

    private static String oauthError(String error, String description) {
        return JSON.createObjectNode().put("error", error).put("error_description", description).toString();
    }

    private void api(HttpExchange exchange, RecordedRequest request) throws IOException {
        Matcher gemini = GEMINI_PATH.matcher(request.path());
        Matcher vertex = VERTEX_PATH.matcher(request.path());
        if (!"POST".equals(request.method()) || (!gemini.matches() && !vertex.matches())) {
            send(exchange, 404, errorJson(404, "NOT_FOUND", "The requested URL " + request.path() + " was not found."));
            return;
        }
        boolean isVertex = vertex.matches();
        String model = isVertex ? vertex.group(3) : gemini.group(1);
        String method = isVertex ? vertex.group(4) : gemini.group(2);
        Map<String, String> query = FakeWire.form(request.query() == null ? "" : request.query());
        if (isVertex) {
            String auth = request.header("authorization");
            Instant expiry = auth == null || !auth.startsWith("Bearer ") ? null : issued.get(auth.substring(7));
            if (expiry == null || !Instant.now().isBefore(expiry)) {
                send(exchange, 401, errorJson(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. "
                        + "Expected OAuth 2 access token, login cookie or other valid authentication credential."));
                return;
            }
            if (!vertex.group(1).equals(project) || !vertex.group(2).equals(location)) {
                send(exchange, 403, errorJson(403, "PERMISSION_DENIED", "Permission 'aiplatform.endpoints.predict' "
                        + "denied on resource '//aiplatform.googleapis.com/projects/" + vertex.group(1) + "/locations/"
                        + vertex.group(2) + "'."));
                return;
            }
        } else {
            String key = request.header("x-goog-api-key") != null ? request.header("x-goog-api-key") : query.get("key");
            if (key == null) {
                send(exchange, 403, errorJson(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers "
                        + "(callers without established identity). Please use API Key or other form of API consumer "
                        + "identity to call this API."));
                return;
            }
            if (!key.equals(apiKey)) {
                send(exchange, 400, errorJson(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."));
                return;
            }
        }
        Behaviour behaviour;
        synchronized (queued) {
            behaviour = queued.pollFirst();
        }
        if (behaviour instanceof Behaviour.Fail fail) {
            FakeWire.sendJson(exchange, fail.status(), fail.body(), fail.headers());
            return;
        }
        Boolean embeddingModel = models.get(model);
        if (embeddingModel == null) {
            send(exchange, 404, errorJson(404, "NOT_FOUND", "models/" + model + " is not found for API version "
                    + (isVertex ? "v1" : "v1beta") + ", or is not supported for " + method + "."));
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (IOException e) {
            send(exchange, 400, errorJson(400, "INVALID_ARGUMENT", "Invalid JSON payload received."));
            return;
        }
        boolean embeddingMethod = Set.of("embedContent", "batchEmbedContents", "predict").contains(method);
        if (embeddingMethod != embeddingModel || (method.equals("predict") && !isVertex)) {
            send(exchange, 400, errorJson(400, "INVALID_ARGUMENT", "models/" + model + " does not support " + method + "."));
            return;
        }
        switch (method) {
            case "embedContent", "batchEmbedContents", "predict" -> embeddings(exchange, method, model, body);
            case "generateContent", "streamGenerateContent" -> {
                String problem = requestProblem(body);
                if (problem != null) {
                    send(exchange, 400, errorJson(400, "INVALID_ARGUMENT", problem));
                    return;
                }
                String[] call;
                synchronized (queued) {
                    call = functionCalls.pollFirst();
                }
                if (method.equals("generateContent")) {
                    send(exchange, 200, answer(body, model, call, behaviour).toString());
                } else {
                    stream(exchange, body, model, call, behaviour, "sse".equals(query.get("alt")));
                }
            }
            default -> send(exchange, 404, errorJson(404, "NOT_FOUND", "Unknown method " + method + "."));
        }
    }

    /** What Gemini would refuse in a generateContent request, or null. */
    private static String requestProblem(JsonNode body) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!REQUEST_FIELDS.contains(field)) {
                return "Invalid JSON payload received. Unknown name \"" + field + "\": Cannot find field.";
            }
        }
        for (Iterator<String> it = body.path("generationConfig").fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!CONFIG_FIELDS.contains(field)) {
                return "Invalid JSON payload received. Unknown name \"" + field + "\" at 'generation_config': "
                        + "Cannot find field.";
            }
        }
        JsonNode contents = body.path("contents");
        if (!contents.isArray() || contents.isEmpty()) {
            return "* GenerateContentRequest.contents: contents is not specified";
        }
        String previousRole = null;
        int previousCalls = 0;
        for (int i = 0; i < contents.size(); i++) {
            JsonNode content = contents.get(i);
            String role = content.path("role").asText();
            if (!role.equals("user") && !role.equals("model")) {
                return "Please use a valid role: user, model.";
            }
            if (role.equals(previousRole)) {
                return "Please ensure that multiturn requests alternate between user and model.";
            }
            JsonNode parts = content.path("parts");
            if (!parts.isArray() || parts.isEmpty()) {
                return "* GenerateContentRequest.contents[" + i + "].parts: contents.parts must not be empty.";
            }
            int calls = 0;
            int responses = 0;
            for (JsonNode part : parts) {
                long kinds = PART_KINDS.stream().filter(part::has).count();
                if (kinds != 1) {
                    return "* GenerateContentRequest.contents[" + i + "].parts: a part must hold exactly one kind of data.";
                }
                calls += part.has("functionCall") ? 1 : 0;
                responses += part.has("functionResponse") ? 1 : 0;
                if (part.has("functionResponse") && !part.get("functionResponse").path("response").isObject()) {
                    return "* GenerateContentRequest.contents[" + i + "].parts.function_response.response: must be an object.";
                }
            }
            if (responses > 0 && responses != previousCalls) {
                return "Please ensure that the number of function response parts is equal to the number of function "
                        + "call parts of the function call turn.";
            }
            previousRole = role;
            previousCalls = calls;
        }
        for (JsonNode tool : body.path("tools")) {
            for (JsonNode declaration : tool.path("functionDeclarations")) {
                if (!declaration.hasNonNull("name")) {
                    return "* GenerateContentRequest.tools[0].function_declarations[0].name: Name cannot be empty.";
                }
                if (declaration.has("parameters") && declaration.has("parametersJsonSchema")) {
                    return "parameters and parametersJsonSchema are mutually exclusive.";
                }
            }
        }
        JsonNode system = body.get("systemInstruction");
        if (system != null && (!system.path("parts").isArray() || system.path("parts").isEmpty())) {
            return "* GenerateContentRequest.system_instruction.parts: must not be empty.";
        }
        return null;
    }

    private String reply(JsonNode body) {
        JsonNode contents = body.path("contents");
        JsonNode last = contents.get(contents.size() - 1);
        for (JsonNode part : last.path("parts")) {
            if (part.has("functionResponse")) {
                return TOOL_RESULT_ECHO_PREFIX + part.get("functionResponse").path("response").toString();
            }
        }
        return DEFAULT_CONTENT;
    }

    private ObjectNode answer(JsonNode body, String model, String[] call, Behaviour behaviour) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        if (behaviour instanceof Behaviour.BlockPrompt) {
            ObjectNode feedback = out.putObject("promptFeedback");
            feedback.put("blockReason", "SAFETY");
            feedback.set("safetyRatings", ratings(true));
        } else {
            ObjectNode candidate = out.putArray("candidates").addObject();
            ArrayNode parts = candidate.putObject("content").put("role", "model").putArray("parts");
            if (behaviour instanceof Behaviour.SafetyStop) {
                candidate.put("finishReason", "SAFETY");
                candidate.set("safetyRatings", ratings(true));
                candidate.remove("content");
            } else if (call != null) {
                parts.addObject().putObject("functionCall").put("name", call[0]).set("args", JSON.readTree(call[1]));
                candidate.put("finishReason", "STOP");
            } else {
                parts.addObject().put("text", reply(body));
                candidate.put("finishReason", "STOP");
            }
            candidate.put("index", 0);
        }
        out.set("usageMetadata", usage(body, call != null ? call[1] : reply(body)));
        out.put("modelVersion", model);
        out.put("responseId", "resp-" + UUID.randomUUID().toString().substring(0, 8));
        return out;
    }

    private void stream(HttpExchange exchange, JsonNode body, String model, String[] call, Behaviour behaviour,
                        boolean sse) throws IOException {
        if (!sse) {
            // without alt=sse Gemini streams one JSON array; a gateway must not ask for that
            send(exchange, 200, JSON.createArrayNode().add(answer(body, model, call, behaviour)).toString());
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String responseId = "resp-" + UUID.randomUUID().toString().substring(0, 8);
        if (behaviour instanceof Behaviour.BlockPrompt || call != null) {
            ObjectNode whole = answer(body, model, call, behaviour);
            whole.put("responseId", responseId);
            event(out, whole);
            return;
        }
        String text = reply(body);
        String[] words = text.split("(?<= )");
        for (int i = 0; i < words.length; i++) {
            ObjectNode event = JSON.createObjectNode();
            ObjectNode candidate = event.putArray("candidates").addObject();
            candidate.putObject("content").put("role", "model").putArray("parts").addObject().put("text", words[i]);
            candidate.put("index", 0);
            boolean safety = behaviour instanceof Behaviour.SafetyStop && i == 1;
            if (safety) {
                candidate.remove("content");
                candidate.put("finishReason", "SAFETY");
                candidate.set("safetyRatings", ratings(true));
            } else if (i == words.length - 1) {
                candidate.put("finishReason", "STOP");
            }
            // Gemini repeats the running usage on every event
            event.set("usageMetadata", usage(body, String.join("", List.of(words).subList(0, i + 1))));
            event.put("modelVersion", model);
            event.put("responseId", responseId);
            event(out, event);
            if (safety) {
                return;
            }
        }
    }

    private static ArrayNode ratings(boolean harassmentBlocked) {
        ArrayNode ratings = JSON.createArrayNode();
        for (String category : List.of("HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_DANGEROUS_CONTENT",
                "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_SEXUALLY_EXPLICIT")) {
            ObjectNode rating = ratings.addObject().put("category", category);
            boolean blocked = harassmentBlocked && category.equals("HARM_CATEGORY_HARASSMENT");
            rating.put("probability", blocked ? "HIGH" : "NEGLIGIBLE");
            if (blocked) {
                rating.put("blocked", true);
            }
        }
        return ratings;
    }

    private static ObjectNode usage(JsonNode body, String completion) {
        int prompt = FakeOpenAi.estimateTokens(body.path("contents").toString()
                + body.path("systemInstruction").toString());
        int out = FakeOpenAi.estimateTokens(completion);
        return JSON.createObjectNode().put("promptTokenCount", prompt).put("candidatesTokenCount", out)
                .put("totalTokenCount", prompt + out);
    }

    private void embeddings(HttpExchange exchange, String method, String model, JsonNode body) throws IOException {
        List<String> texts = new ArrayList<>();
        ObjectNode out = JSON.createObjectNode();
        switch (method) {
            case "embedContent" -> {
                texts.add(body.path("content").path("parts").path(0).path("text").asText());
                out.putObject("embedding").set("values", vector(texts.get(0), body.path("outputDimensionality").asInt(8)));
            }
            case "batchEmbedContents" -> {
                ArrayNode embeddings = out.putArray("embeddings");
                for (JsonNode r : body.path("requests")) {
                    if (!("models/" + model).equals(r.path("model").asText())) {
                        send(exchange, 400, errorJson(400, "INVALID_ARGUMENT", "Model name in each request must match "
                                + "the model of the batch: models/" + model + "."));
                        return;
                    }
                    String text = r.path("content").path("parts").path(0).path("text").asText();
                    embeddings.addObject().set("values", vector(text, r.path("outputDimensionality").asInt(8)));
                }
            }
            default -> {
                ArrayNode predictions = out.putArray("predictions");
                int dimensions = body.path("parameters").path("outputDimensionality").asInt(8);
                for (JsonNode instance : body.path("instances")) {
                    String text = instance.path("content").asText();
                    ObjectNode embeddings = predictions.addObject().putObject("embeddings");
                    embeddings.putObject("statistics").put("truncated", false)
                            .put("token_count", FakeOpenAi.estimateTokens(text));
                    embeddings.set("values", vector(text, dimensions));
                }
            }
        }
        send(exchange, 200, out.toString());
    }

    /** A deterministic vector of {@code text}. */
    public static ArrayNode vector(String text, int dimensions) {
        ArrayNode values = JSON.createArrayNode();
        int seed = text.hashCode();
        for (int d = 0; d < dimensions; d++) {
            values.add(((seed >>> d) & 0xff) / 256.0);
        }
        return values;
    }

    private static void event(OutputStream out, JsonNode data) throws IOException {
        // Gemini ends its events with CRLF pairs
        out.write(("data: " + data + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        FakeWire.sendJson(exchange, status, body, Map.of());
    }
}
