package dev.switchboard.gateway.provider;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.pipeline.LlmRequest;
import dev.switchboard.model.snapshot.ModelRef;
import io.vertx.core.Future;

/**
 * Speaks one provider's wire format. The pipeline hands it an OpenAI-format request and the target model; it returns
 * the upstream call, with the translator for the answer ({@link ResponseTranslator#PASSTHROUGH} when the upstream
 * already speaks OpenAI). Asynchronous only because some credentials are fetched (OAuth); most adapters answer at
 * once. A request the provider cannot take fails with a 400 {@code GatewayError}; an endpoint it does not offer at
 * all is declared by {@link #serves}.
 */
public interface ProviderAdapter {

    Future<UpstreamCall> prepare(LlmRequest request, ModelRef target, Upstream upstream);

    /**
     * Whether this provider serves {@code endpoint}. Asked before any provider call: a target that does not is skipped
     * (a virtual model's other targets are tried), and a request no target can serve is answered 400. By default chat,
     * embeddings and Anthropic's Messages API (which reaches non-Anthropic providers as chat).
     */
    default boolean serves(Endpoint endpoint) {
        return endpoint == Endpoint.CHAT_COMPLETIONS || endpoint == Endpoint.EMBEDDINGS || endpoint == Endpoint.MESSAGES;
    }

    /**
     * The upstream refused the credential of {@code call} (HTTP 401). Returns true when the adapter dropped a cached
     * credential, so that one more try with a fresh one may succeed; false when trying again cannot help.
     */
    default boolean credentialRefused(Upstream upstream, UpstreamCall call) {
        return false;
    }
}
