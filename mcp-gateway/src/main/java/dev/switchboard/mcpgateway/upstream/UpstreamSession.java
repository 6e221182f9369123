package dev.switchboard.mcpgateway.upstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The gateway's session at one upstream: the id the upstream gave (null if it keeps none) and the protocol version it
 * negotiated. Carried inside the gateway's own session id, hence the short JSON names.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpstreamSession(@JsonProperty("s") String sessionId, @JsonProperty("v") String version) {
}
