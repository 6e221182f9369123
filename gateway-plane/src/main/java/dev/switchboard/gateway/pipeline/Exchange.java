package dev.switchboard.gateway.pipeline;

import dev.switchboard.gateway.auth.Principal;
import dev.switchboard.gateway.snapshot.GatewayState;
import dev.switchboard.model.snapshot.ModelRef;

/** What the pipeline knows about one request once it is ready to forward it. */
public record Exchange(String requestId, long startNanos, long startEpochMillis, GatewayState state,
                       Principal principal, LlmRequest request, ModelRef target) {
}
