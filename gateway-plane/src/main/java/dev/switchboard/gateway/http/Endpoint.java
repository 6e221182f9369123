package dev.switchboard.gateway.http;

/** The OpenAI-compatible operations the gateway serves; {@code path} is relative to the base path ({@code /v1}). */
public enum Endpoint {
    CHAT_COMPLETIONS("/chat/completions"),
    EMBEDDINGS("/embeddings"),
    /** The OpenAI Responses API: passed through to OpenAI and OpenAI-compatible upstreams only. */
    RESPONSES("/responses"),
    /**
     * The Anthropic Messages API, inbound (Claude Code, the Anthropic SDKs): passed through to Anthropic targets,
     * translated for the others; its errors are in Anthropic's shape.
     */
    MESSAGES("/messages"),
    /** Legacy text completions ({@code prompt} in, {@code choices[].text} out), JSON and SSE: passthrough. */
    COMPLETIONS("/completions"),
    /** Content classification ({@code input} in, {@code results[]} out): passthrough; no generated text. */
    MODERATIONS("/moderations"),
    /**
     * Reranking in the shape vLLM, TEI's Cohere-compatible route and Cohere-compatible servers speak ({@code query},
     * {@code documents}, {@code top_n} in; {@code results[].index}, {@code relevance_score} out): passthrough.
     */
    RERANK("/rerank"),
    /** Image generation ({@code prompt} in, {@code data[]} of URLs or base64 out): passthrough. */
    IMAGES_GENERATIONS("/images/generations"),
    /** Text to speech ({@code input} in, audio bytes out, relayed as they arrive): passthrough. */
    AUDIO_SPEECH("/audio/speech"),
    /**
     * Speech to text ({@code multipart/form-data}: {@code file}, {@code model}, ... in; JSON, text, subtitles or an
     * event stream out, per {@code response_format} and {@code stream}): the body spooled, never held, and passed on
     * with only {@code model} rewritten.
     */
    AUDIO_TRANSCRIPTIONS("/audio/transcriptions"),
    /** Speech to English text: as {@link #AUDIO_TRANSCRIPTIONS}. */
    AUDIO_TRANSLATIONS("/audio/translations");

    private final String path;
    private final String logName;

    Endpoint(String path) {
        this.path = path;
        this.logName = "/v1" + path;
    }

    public String path() {
        return path;
    }

    /** Whether a successful answer is audio bytes (speech) rather than JSON or an event stream. */
    public boolean answersAudio() {
        return this == AUDIO_SPEECH;
    }

    /** Whether the body is a {@code multipart/form-data} upload ({@link dev.switchboard.gateway.upload}), not JSON. */
    public boolean takesUpload() {
        return this == AUDIO_TRANSCRIPTIONS || this == AUDIO_TRANSLATIONS;
    }

    /**
     * Whether the answer is generated text that output guardrails check and payload logging keeps; embeddings and
     * moderations and rerank answer numbers and categories, images and speech media; a transcript is text, but of the
     * caller's own audio, which the input guardrails never saw (see docs/endpoints.md).
     */
    public boolean answersText() {
        return this == CHAT_COMPLETIONS || this == RESPONSES || this == MESSAGES || this == COMPLETIONS;
    }

    /**
     * The operation as the request log and the analytics name it: its path under {@code /v1}, whichever base path
     * ({@code /api/llm}, ...) the caller used.
     */
    public String logName() {
        return logName;
    }

    /** The endpoint a request log names ({@link #logName()}); throws for a name no endpoint has. */
    public static Endpoint ofLogName(String logName) {
        for (Endpoint endpoint : VALUES) {
            if (endpoint.logName.equals(logName)) {
                return endpoint;
            }
        }
        throw new IllegalArgumentException("no endpoint is logged as " + logName);
    }

    private static final Endpoint[] VALUES = values();
}
