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
    MESSAGES("/messages");

    private final String path;

    Endpoint(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }

    /**
     * The operation as the request log and the analytics name it: its path under {@code /v1}, whichever base path
     * ({@code /api/llm}, ...) the caller used.
     */
    public String logName() {
        return "/v1" + path;
    }
}
