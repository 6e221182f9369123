package dev.switchboard.gateway.provider;

import dev.switchboard.gateway.pipeline.LlmRequest;
import dev.switchboard.model.snapshot.ModelRef;

/**
 * Speaks one provider's wire format. The pipeline hands it an OpenAI-format request and the target model; it
 * returns the upstream call. Adapters that translate (Anthropic, Databricks) also translate the response; a
 * passthrough adapter returns the upstream's bytes as they are.
 */
public interface ProviderAdapter {

    UpstreamCall prepare(LlmRequest request, ModelRef target, Upstream upstream);
}
