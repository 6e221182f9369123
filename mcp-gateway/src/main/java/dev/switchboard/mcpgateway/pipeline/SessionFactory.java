package dev.switchboard.mcpgateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.access.Principal;
import dev.switchboard.mcpgateway.session.McpSession;
import dev.switchboard.mcpgateway.session.SessionCodec;
import dev.switchboard.mcpgateway.upstream.UpstreamSession;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/** Starts gateway sessions and seals them into ids; the one place that knows the session's lifetime. */
public final class SessionFactory {

    private final SessionCodec codec;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();

    public SessionFactory(SessionCodec codec, Clock clock, Duration ttl) {
        this.codec = codec;
        this.clock = clock;
        this.ttl = ttl;
    }

    public McpSession start(String endpoint, Principal principal, String version, Map<String, UpstreamSession> upstreams,
                            JsonNode client) {
        byte[] id = new byte[12];
        random.nextBytes(id);
        return new McpSession(HexFormat.of().formatHex(id), endpoint, principal.subject().toString(),
                clock.instant().plus(ttl).getEpochSecond(), version, upstreams, client);
    }

    public String seal(McpSession session) {
        return codec.seal(session);
    }

    public SessionCodec codec() {
        return codec;
    }
}
