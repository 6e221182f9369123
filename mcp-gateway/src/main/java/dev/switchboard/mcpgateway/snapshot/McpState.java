package dev.switchboard.mcpgateway.snapshot;

import dev.switchboard.mcpgateway.upstream.McpUpstream;
import dev.switchboard.model.access.ToolAccess;
import dev.switchboard.model.access.VirtualToolNames;
import dev.switchboard.model.config.IdentityProvider;
import dev.switchboard.model.config.McpServer;
import dev.switchboard.model.config.VirtualMcpServer;
import dev.switchboard.model.guardrail.Guardrails;
import dev.switchboard.model.guardrail.WebhookClient;
import dev.switchboard.model.limits.LimitRules;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.runtime.feed.PlaneState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the MCP request path reads, for one snapshot: the snapshot, its tool policies indexed, every upstream
 * server ready to call (URL parsed, credential resolved), every virtual server with its tool names, and the
 * guardrails compiled. Immutable; a request takes one at its start and uses only that one.
 */
public final class McpState implements PlaneState {

    /** A virtual MCP server and the names it exposes its tools under. */
    public record Virtual(VirtualMcpServer config, VirtualToolNames names) {
    }

    private final ConfigSnapshot snapshot;
    private final ToolAccess access;
    private final Map<String, McpUpstream> upstreams;
    private final Map<String, Virtual> virtuals;
    private final List<String> warnings;
    private final Guardrails guardrails;
    private final LimitRules limits;
    private final String signInSecret;
    /** Servers whose tool-call payloads go on spans ({@code log_payloads}), to their cap in bytes. */
    private final Map<String, Integer> payloadCaps;

    private McpState(ConfigSnapshot snapshot, Map<String, McpUpstream> upstreams, Map<String, Virtual> virtuals,
                     List<String> warnings, Guardrails guardrails, String signInSecret) {
        this.snapshot = snapshot;
        this.signInSecret = signInSecret;
        this.guardrails = guardrails;
        this.limits = LimitRules.compile(snapshot.config());
        this.access = ToolAccess.of(snapshot.config());
        this.upstreams = upstreams;
        this.virtuals = virtuals;
        this.warnings = warnings;
        Map<String, Integer> caps = new HashMap<>();
        for (McpServer server : snapshot.config().mcpServers()) {
            if (server.payloadCap() > 0) {
                caps.put(server.name(), server.payloadCap());
            }
        }
        this.payloadCaps = Map.copyOf(caps);
    }

    /** {@link #prepare(ConfigSnapshot, SecretResolver, WebhookClient)} where no webhook guardrail can be called. */
    public static McpState prepare(ConfigSnapshot snapshot, SecretResolver secrets) {
        return prepare(snapshot, secrets, WebhookClient.UNAVAILABLE);
    }

    /**
     * Prepares a snapshot; a server whose credential cannot be resolved is kept, marked, and named in warnings.
     * {@code webhooks} makes the calls of webhook guardrails.
     */
    public static McpState prepare(ConfigSnapshot snapshot, SecretResolver secrets, WebhookClient webhooks) {
        Map<String, McpUpstream> upstreams = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        for (McpServer server : snapshot.config().mcpServers()) {
            String credential = null;
            String error = null;
            if (server.auth().secret() != null && server.auth().type() != McpServer.McpAuth.Type.NONE) {
                try {
                    credential = secrets.reveal(server.auth().secret());
                } catch (RuntimeException e) {
                    error = e.getMessage();
                    warnings.add("MCP server '" + server.name() + "': credential unavailable: " + error);
                }
            }
            upstreams.put(server.name(), McpUpstream.of(server, credential, error));
        }
        String signInSecret = null;
        for (IdentityProvider idp : snapshot.config().identityProviders()) {
            if (idp.signIn() != null && idp.signIn().clientSecret() != null) {
                try {
                    signInSecret = secrets.reveal(idp.signIn().clientSecret());
                } catch (RuntimeException e) {
                    warnings.add("identity provider '" + idp.name() + "': sign-in client secret unavailable: "
                            + e.getMessage());
                }
            }
        }
        Map<String, Virtual> virtuals = new HashMap<>();
        for (VirtualMcpServer v : snapshot.config().virtualMcpServers()) {
            virtuals.put(v.name(), new Virtual(v, VirtualToolNames.of(v)));
        }
        return new McpState(snapshot, Map.copyOf(upstreams), Map.copyOf(virtuals), List.copyOf(warnings),
                Guardrails.compile(snapshot.config(), webhooks, secrets), signInSecret);
    }

    /** The resolved client secret of the identity provider that signs users in, if it has one and it resolved. */
    public Optional<String> signInSecret() {
        return Optional.ofNullable(signInSecret);
    }

    @Override
    public ConfigSnapshot snapshot() {
        return snapshot;
    }

    public ToolAccess access() {
        return access;
    }

    /** The rate limits on tool calls, indexed by subject; their counters outlive the snapshot. */
    public LimitRules limits() {
        return limits;
    }

    public Guardrails guardrails() {
        return guardrails;
    }

    /** The cap in bytes of the payloads put on the spans of this server's tool calls, 0 when none are. */
    public int payloadCap(String server) {
        return payloadCaps.getOrDefault(server, 0);
    }

    public Optional<McpUpstream> upstream(String name) {
        return Optional.ofNullable(upstreams.get(name));
    }

    public Optional<Virtual> virtual(String name) {
        return Optional.ofNullable(virtuals.get(name));
    }

    @Override
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String summary() {
        return String.format("%d MCP servers, %d virtual MCP servers, %d tool policies, %d API keys",
                snapshot.config().mcpServers().size(), snapshot.config().virtualMcpServers().size(),
                snapshot.config().toolPolicies().size(), snapshot.config().apiKeys().size());
    }
}
