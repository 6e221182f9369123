package dev.switchboard.gateway.provider.anthropic;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.pipeline.LlmRequest;
import dev.switchboard.gateway.provider.ProviderAdapter;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.model.snapshot.ModelRef;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;

/**
 * Anthropic Messages API upstreams: OpenAI chat requests are translated to {@code POST /v1/messages} with
 * {@code x-api-key} and {@code anthropic-version}, and the answers (JSON, streams and errors) translated back.
 */
public final class AnthropicAdapter implements ProviderAdapter {

    static final String API_VERSION = "2023-06-01";

    private final int defaultMaxTokens;
    private final Clock clock;

    public AnthropicAdapter(int defaultMaxTokens, Clock clock) {
        this.defaultMaxTokens = defaultMaxTokens;
        this.clock = clock;
    }

    /** Chat (translated) and the Messages API (passed through); nothing else. */
    @Override
    public boolean serves(Endpoint endpoint) {
        return endpoint == Endpoint.CHAT_COMPLETIONS || endpoint == Endpoint.MESSAGES;
    }

    @Override
    public Future<UpstreamCall> prepare(LlmRequest request, ModelRef target, Upstream upstream) {
        var body = AnthropicRequests.toMessagesRequest(request.body(), target.model().id(), defaultMaxTokens);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("accept", request.stream() ? "text/event-stream" : "application/json")
                .add("anthropic-version", API_VERSION);
        if (upstream.credential() != null) {
            headers.add("x-api-key", upstream.credential());
        }
        return Future.succeededFuture(new UpstreamCall(upstream, upstream.basePath() + "/v1/messages", headers,
                Buffer.buffer(body.toString()), translator()));
    }

    /**
     * A caller's Anthropic Messages request to an Anthropic target: its bytes as sent, only {@code model} set to the
     * target's id, and the answer passed back as it is. The caller's {@code anthropic-version} and
     * {@code anthropic-beta} headers go along (Claude Code turns features on with betas); without them the version
     * this adapter speaks is sent.
     */
    public UpstreamCall passthrough(LlmRequest messagesRequest, ModelRef target, Upstream upstream,
                                    MultiMap callerHeaders) {
        return passthrough(messagesRequest, target, upstream, callerHeaders, "/v1/messages");
    }

    /** A caller's {@code count_tokens} request to an Anthropic target: Anthropic's own count, as {@link #passthrough}. */
    public UpstreamCall countTokens(LlmRequest countRequest, ModelRef target, Upstream upstream, MultiMap callerHeaders) {
        return passthrough(countRequest, target, upstream, callerHeaders, "/v1/messages/count_tokens");
    }

    private UpstreamCall passthrough(LlmRequest messagesRequest, ModelRef target, Upstream upstream,
                                     MultiMap callerHeaders, String path) {
        String version = callerHeaders.get("anthropic-version");
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("accept", messagesRequest.stream() ? "text/event-stream" : "application/json")
                .add("anthropic-version", version == null || version.isBlank() ? API_VERSION : version);
        for (String beta : callerHeaders.getAll("anthropic-beta")) {
            headers.add("anthropic-beta", beta);
        }
        if (upstream.credential() != null) {
            headers.add("x-api-key", upstream.credential());
        }
        return new UpstreamCall(upstream, upstream.basePath() + path, headers,
                messagesRequest.bodyWithModel(target.model().id()), ResponseTranslator.PASSTHROUGH);
    }

    private ResponseTranslator translator() {
        long created = clock.instant().getEpochSecond();
        return new ResponseTranslator() {
            @Override
            public Buffer body(int status, Buffer body) {
                return status >= 200 && status < 300
                        ? AnthropicResponses.completion(body, created) : AnthropicResponses.errorBody(status, body);
            }

            @Override
            public StreamTranslator stream() {
                return new AnthropicStreamTranslator(created);
            }
        };
    }
}
