package dev.switchboard.gateway.provider.openai;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.pipeline.LlmRequest;
import dev.switchboard.gateway.provider.ProviderAdapter;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.model.snapshot.ModelRef;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/**
 * OpenAI and OpenAI-compatible upstreams: the body passes through with only {@code model} set to the upstream's
 * model id; the response passes back untouched.
 */
public final class OpenAiAdapter implements ProviderAdapter {

    /* Names and values of every call, made once: their hashes kept and their bytes copied as they are. */
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
    private static final CharSequence ANY = HttpHeaders.createOptimized("*/*");

    /** Every endpoint: the upstream speaks OpenAI's API, and one it lacks answers its own 404. */
    @Override
    public boolean serves(Endpoint endpoint) {
        return true;
    }

    @Override
    public Future<UpstreamCall> prepare(LlmRequest request, ModelRef target, Upstream upstream) {
        MultiMap headers = headers(request);
        if (upstream.credential() != null) {
            headers.add(HttpHeaders.AUTHORIZATION, "Bearer " + upstream.credential());
        }
        String path = upstream.basePath() + request.endpoint().path();
        if (request.upload() != null) {
            return Future.succeededFuture(UpstreamCall.upload(upstream, path, headers,
                    request.upload().withModel(target.model().id()), ResponseTranslator.PASSTHROUGH));
        }
        return Future.succeededFuture(new UpstreamCall(upstream, path, headers,
                request.bodyWithModel(target.model().id()), ResponseTranslator.PASSTHROUGH));
    }

    /**
     * The content type of the body as it goes upstream (an upload keeps the caller's, with its boundary) and what the
     * answer may be: an event stream when asked for, media for speech, JSON or a transcript's text and subtitles.
     */
    public static MultiMap headers(LlmRequest request) {
        return MultiMap.caseInsensitiveMultiMap()
                .add(HttpHeaders.CONTENT_TYPE, request.upload() != null ? request.upload().contentType() : JSON)
                .add(HttpHeaders.ACCEPT, request.stream() ? EVENT_STREAM
                        : request.endpoint().answersAudio() || request.upload() != null ? ANY : JSON);
    }
}
