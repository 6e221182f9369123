package dev.switchboard.gateway.http;

/** The OpenAI-compatible operations the gateway serves; {@code path} is relative to the base path ({@code /v1}). */
public enum Endpoint {
    CHAT_COMPLETIONS("/chat/completions"),
    EMBEDDINGS("/embeddings"),
    /** The OpenAI Responses API: passed through to OpenAI and OpenAI-compatible upstreams only. */
    RESPONSES("/responses");

    private final String path;

    Endpoint(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }
}
