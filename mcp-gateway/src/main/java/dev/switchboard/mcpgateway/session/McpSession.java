package dev.switchboard.mcpgateway.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.upstream.UpstreamSession;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a gateway session is: everything a replica needs to continue it, so that the session lives in its id and in no
 * store. Sealed into the {@code Mcp-Session-Id} by {@link SessionCodec}; short field names keep the header small.
 *
 * @param id          a random id, for logs and audit records (the header itself is never logged)
 * @param endpoint    the server or virtual server the session was opened on
 * @param subject     who opened it ({@code user:alice}); another caller presenting the id gets a 404
 * @param expiresAt   after this, the id is a 404
 * @param version     the protocol version negotiated with the client
 * @param upstreams   per upstream server: its session id (may be null for a server without sessions) and version
 * @param client      the client's {@code initialize} params (capabilities, clientInfo), kept for a virtual server so
 *                    that a replica can open a missing upstream session later; for a single server only the
 *                    capabilities the gateway uses itself (elicitation, for approvals), or null
 *                    ({@link dev.switchboard.mcpgateway.pipeline.ClientFeatures})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record McpSession(
        @JsonProperty("i") String id,
        @JsonProperty("e") String endpoint,
        @JsonProperty("s") String subject,
        @JsonProperty("x") long expiresAt,
        @JsonProperty("v") String version,
        @JsonProperty("u") Map<String, UpstreamSession> upstreams,
        @JsonProperty("c") JsonNode client) {

    public McpSession {
        upstreams = upstreams == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
    }

    public boolean expiredAt(Instant now) {
        return now.getEpochSecond() >= expiresAt;
    }
}
