package dev.switchboard.gateway.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.upload.Upload;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * An inbound request body, parsed once and kept as bytes. Only the top-level fields the gateway needs are read
 * ({@code model}, {@code stream}, the output cap for budgets, an image generation's {@code n}, a speech request's
 * {@code input} length, and the presence of {@code messages} / {@code input}); the rest is never decoded, so a
 * passthrough forwards the caller's bytes untouched except for the model name.
 */
public final class LlmRequest {

    private static final JsonFactory JSON = new JsonFactory();
    /**
     * Jackson's note on where an unclosed array or object began shows its own settings ("Source: REDACTED
     * (`StreamReadFeature...` disabled)"), not something a caller can act on; the byte offset we add is enough.
     */
    private static final java.util.regex.Pattern JACKSON_SOURCE_NOTE = java.util.regex.Pattern.compile(
            " ?\\(for (Array|Object|root) starting at \\[Source: [^\\]]*; line: \\d+, column: \\d+\\]\\)");

    private final Endpoint endpoint;
    private final byte[] body;
    private final String model;
    private final int modelFieldStart;
    private final int modelStart;
    private final int modelEnd;
    private final boolean stream;
    private final long maxTokens;
    private final long images;
    private final long inputCharacters;
    private final double temperature;
    private final String userId;
    private final Upload upload;

    private LlmRequest(Endpoint endpoint, byte[] body, String model, int modelFieldStart, int modelStart, int modelEnd,
                       boolean stream, long maxTokens, long images, long inputCharacters, double temperature,
                       String userId, Upload upload) {
        this.upload = upload;
        this.maxTokens = maxTokens;
        this.images = images;
        this.inputCharacters = inputCharacters;
        this.temperature = temperature;
        this.userId = userId;
        this.modelFieldStart = modelFieldStart;
        this.endpoint = endpoint;
        this.body = body;
        this.model = model;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.stream = stream;
    }

    /**
     * Parses and checks the fields every request of {@code endpoint} must have; 400 with the field otherwise. With a
     * null endpoint only {@code model} is required (route explanations).
     */
    public static LlmRequest parse(Endpoint endpoint, byte[] body) {
        String model = null;
        int modelFieldStart = -1;
        int modelStart = -1;
        int modelEnd = -1;
        boolean stream = false;
        boolean hasStream = false;
        long maxTokens = -1;
        long n = -1;
        long inputCharacters = 0;
        double temperature = Double.NaN;
        boolean hasMessages = false;
        boolean hasInput = false;
        boolean hasPrompt = false;
        boolean hasQuery = false;
        boolean hasDocuments = false;
        String userId = null;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw GatewayError.invalidJson("the body must be a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                int fieldStart = (int) p.currentTokenLocation().getByteOffset();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "model" -> {
                        if (model != null) {
                            throw duplicate("model");
                        }
                        if (value != JsonToken.VALUE_STRING) {
                            throw GatewayError.invalidRequest("'model' must be a string.", "model");
                        }
                        model = p.getText();
                        modelFieldStart = fieldStart;
                        modelStart = (int) p.currentTokenLocation().getByteOffset();
                        modelEnd = (int) p.currentLocation().getByteOffset();
                    }
                    case "stream" -> {
                        if (hasStream) {
                            throw duplicate("stream");
                        }
                        hasStream = true;
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                            throw GatewayError.invalidRequest("'stream' must be a boolean.", "stream");
                        }
                        stream = value == JsonToken.VALUE_TRUE;
                    }
                    case "max_tokens", "max_completion_tokens", "max_output_tokens" -> {
                        // the provider validates it; a budget only needs a number to reserve for
                        if (value == JsonToken.VALUE_NUMBER_INT) {
                            maxTokens = Math.max(maxTokens, p.getLongValue());
                        }
                    }
                    case "temperature" -> {
                        if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
                            temperature = p.getDoubleValue();
                        }
                    }
                    case "messages" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw GatewayError.invalidRequest("'messages' must be an array.", "messages");
                        }
                        hasMessages = true;
                        p.skipChildren();
                    }
                    case "input" -> {
                        hasInput = value != JsonToken.VALUE_NULL;
                        if (endpoint == Endpoint.AUDIO_SPEECH && value == JsonToken.VALUE_STRING) {
                            // what text to speech is billed for: characters, not the bytes of their UTF-8
                            inputCharacters = Character.codePointCount(p.getTextCharacters(), p.getTextOffset(),
                                    p.getTextLength());
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "n" -> {
                        // the provider validates it; a budget only needs the number of images to reserve for
                        if (endpoint == Endpoint.IMAGES_GENERATIONS && value == JsonToken.VALUE_NUMBER_INT) {
                            n = p.getLongValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "prompt" -> {
                        hasPrompt = value != JsonToken.VALUE_NULL;
                        p.skipChildren();
                    }
                    case "query" -> {
                        hasQuery = value == JsonToken.VALUE_STRING;
                        p.skipChildren();
                    }
                    case "documents" -> {
                        if (endpoint == Endpoint.RERANK && value != JsonToken.START_ARRAY) {
                            throw GatewayError.invalidRequest("'documents' must be an array.", "documents");
                        }
                        hasDocuments = value == JsonToken.START_ARRAY;
                        p.skipChildren();
                    }
                    case "metadata" -> {
                        if (endpoint == Endpoint.MESSAGES && value == JsonToken.START_OBJECT) {
                            userId = userId(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw GatewayError.invalidJson("unexpected content after the JSON object");
            }
        } catch (IOException e) {
            throw GatewayError.invalidJson(shortMessage(e));
        }
        if (model == null || model.isEmpty()) {
            throw GatewayError.invalidRequest("you must provide a model parameter.", "model");
        }
        if ((endpoint == Endpoint.CHAT_COMPLETIONS || endpoint == Endpoint.MESSAGES) && !hasMessages) {
            throw GatewayError.invalidRequest("'messages' is a required property.", "messages");
        }
        if (endpoint == Endpoint.RERANK && !hasQuery) {
            throw GatewayError.invalidRequest("'query' is a required property and must be a string.", "query");
        }
        if (endpoint == Endpoint.RERANK && !hasDocuments) {
            throw GatewayError.invalidRequest("'documents' is a required property.", "documents");
        }
        if ((endpoint == Endpoint.COMPLETIONS || endpoint == Endpoint.IMAGES_GENERATIONS) && !hasPrompt) {
            throw GatewayError.invalidRequest("'prompt' is a required property.", "prompt");
        }
        if ((endpoint == Endpoint.EMBEDDINGS || endpoint == Endpoint.MODERATIONS || endpoint == Endpoint.AUDIO_SPEECH)
                && !hasInput) {
            throw GatewayError.invalidRequest("'input' is a required property.", "input");
        }
        long images = endpoint != Endpoint.IMAGES_GENERATIONS ? 0 : n > 0 ? n : 1;
        return new LlmRequest(endpoint, body, model, modelFieldStart, modelStart, modelEnd, stream, maxTokens, images,
                inputCharacters, temperature, userId, null);
    }

    /**
     * A multipart upload of {@code endpoint}, spooled and read ({@link Upload}): its body is not in memory, so
     * {@link #body()} is empty (no guardrail or payload log sees the audio, and a budget reserves for none of it).
     */
    public static LlmRequest ofUpload(Endpoint endpoint, Upload upload) {
        return new LlmRequest(endpoint, new byte[0], upload.model(), -1, -1, -1, upload.stream(), -1, 0, 0, Double.NaN,
                null, upload);
    }

    /**
     * A second {@code model} or {@code stream}: the gateway would act on one value and a provider's parser might take
     * the other (the first, for some), so a request authorized for one model could be served by another.
     */
    private static GatewayError duplicate(String field) {
        return GatewayError.invalidRequest("'" + field + "' is given more than once.", field);
    }

    /** Anthropic's {@code metadata.user_id}, the parser on the object's start; the object is consumed. */
    private static String userId(JsonParser p) throws IOException {
        String userId = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("user_id") && value == JsonToken.VALUE_STRING) {
                userId = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return userId;
    }

    private static String shortMessage(IOException e) {
        String message = e.getMessage() == null ? "malformed JSON" : e.getMessage();
        int cut = message.indexOf("\n at [");
        message = cut > 0 ? message.substring(0, cut) : message;
        message = JACKSON_SOURCE_NOTE.matcher(message).replaceAll("");
        var location = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getLocation() : null;
        return location == null ? message : message + " (at byte " + location.getByteOffset() + ")";
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** The model name as the caller wrote it. */
    public String model() {
        return model;
    }

    /** The answer's output cap the caller set ({@code max_tokens} and its aliases), or -1. */
    public long maxTokens() {
        return maxTokens;
    }

    /** The images an image generation asks for ({@code n}, 1 when not given); 0 for every other endpoint. */
    public long images() {
        return images;
    }

    /**
     * The characters (Unicode code points) of a speech request's {@code input}, what text to speech is priced by; 0 for
     * every other endpoint.
     */
    public long inputCharacters() {
        return inputCharacters;
    }

    /** The {@code temperature} asked for; NaN when none (for the request's span). */
    public double temperature() {
        return temperature;
    }

    public boolean stream() {
        return stream;
    }

    /** An Anthropic Messages request's {@code metadata.user_id} (Claude Code sends its device and session), or null. */
    public String userId() {
        return userId;
    }

    public byte[] body() {
        return body;
    }

    /** The multipart upload this request is, or null for a JSON body. */
    public Upload upload() {
        return upload;
    }

    /** The body with only the {@code model} value replaced; every other byte as the caller sent it. */
    public Buffer bodyWithModel(String upstreamModel) {
        if (upstreamModel.equals(model)) {
            return Buffer.buffer(body);
        }
        byte[] quoted = quote(upstreamModel);
        Buffer out = Buffer.buffer(body.length - (modelEnd - modelStart) + quoted.length);
        out.appendBytes(body, 0, modelStart);
        out.appendBytes(quoted);
        out.appendBytes(body, modelEnd, body.length - modelEnd);
        return out;
    }

    /**
     * The body without its {@code model} member (and the comma that separated it), every other byte as sent: for
     * upstreams whose URL names the model and whose API takes no {@code model} field.
     */
    public Buffer bodyWithoutModel() {
        int from = modelFieldStart;
        int to = modelEnd;
        int after = skipWhitespace(to);
        if (after < body.length && body[after] == ',') {
            to = skipWhitespace(after + 1);
        } else {
            int before = from - 1;
            while (before >= 0 && isWhitespace(body[before])) {
                before--;
            }
            if (before >= 0 && body[before] == ',') {
                from = before;
            }
        }
        Buffer out = Buffer.buffer(body.length - (to - from));
        out.appendBytes(body, 0, from);
        out.appendBytes(body, to, body.length - to);
        return out;
    }

    private int skipWhitespace(int i) {
        while (i < body.length && isWhitespace(body[i])) {
            i++;
        }
        return i;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static byte[] quote(String text) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(text);
        byte[] out = new byte[escaped.length + 2];
        out[0] = '"';
        System.arraycopy(escaped, 0, out, 1, escaped.length);
        out[out.length - 1] = '"';
        return out;
    }
}
