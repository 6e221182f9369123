package dev.switchboard.mcpgateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.approval.ApprovalApi;
import dev.switchboard.mcpgateway.approval.Approvals;
import dev.switchboard.mcpgateway.approval.ClusterApprovals;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.metrics.ToolCallMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.switchboard.mcpgateway.auth.McpRejections;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.oauth.AccessTokens;
import dev.switchboard.mcpgateway.oauth.AuthorizationServer;
import dev.switchboard.mcpgateway.pipeline.ClientReply;
import dev.switchboard.mcpgateway.pipeline.McpPipeline;
import dev.switchboard.mcpgateway.pipeline.SessionFactory;
import dev.switchboard.mcpgateway.runtime.McpSettings;
import dev.switchboard.mcpgateway.session.SessionCodec;
import dev.switchboard.mcpgateway.snapshot.McpState;
import dev.switchboard.mcpgateway.telemetry.ToolCallSpans;
import dev.switchboard.mcpgateway.upstream.UpstreamClient;
import dev.switchboard.model.access.ManagedMcpConfig;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.limits.LimitCounters;
import dev.switchboard.runtime.auth.BearerAuthenticator;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.runtime.vertx.RequestHeadLimits;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The MCP gateway's HTTP surface on plain Vert.x routes (one event loop per core; see docs/architecture.md):
 *
 * <ul>
 *   <li>{@code POST|GET|DELETE /mcp/v1/{server}/mcp}: an upstream server or a virtual server, Streamable HTTP;</li>
 *   <li>{@code GET /.well-known/oauth-protected-resource[/mcp/v1/{server}/mcp]}: RFC 9728 metadata naming the IdPs;</li>
 *   <li>with an identity provider that has {@code sign_in}: the gateway as the OAuth authorization server in front of
 *       it ({@link AuthorizationServer});</li>
 *   <li>the other OAuth discovery paths a client may try on this origin: JSON answers ({@link OAuthDiscovery});</li>
 *   <li>{@code GET /mcp/v1/claude-code/managed-mcp.json} and {@code managed-settings.json}: Claude Code's managed
 *       configuration for the caller, for MDM;</li>
 *   <li>{@code /mcp/v1/approvals}: the approval API ({@link ApprovalApi}).</li>
 * </ul>
 *
 * Plain Java over a Vert.x {@link Router}, so that a test can run a second instance beside the Quarkus one.
 */
public final class McpGateway implements AutoCloseable {

    public static final String MCP_PATH = "/mcp/v1/:server/mcp";
    /** How long a call waits for approval unless {@code switchboard.mcp.approval.timeout} says otherwise. */
    public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofMinutes(5);
    static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

    private final McpSettings settings;
    private final Supplier<McpState> states;
    private final BearerAuthenticator authenticator;
    private final UpstreamClient upstreams;
    private final McpPipeline pipeline;
    private final HostGuard hostGuard;
    private final ApprovalApi approvalApi;
    private final OAuthDiscovery discovery;
    private final Approvals approvals;
    private volatile ClusterApprovals cluster;
    private final AuthorizationServer authorizationServer;

    public McpGateway(Vertx vertx, McpSettings settings, Supplier<McpState> states, BearerAuthenticator authenticator,
                      SessionCodec sessionCodec, RowQueue<ToolCallRecord> audit, Clock clock) {
        this(vertx, settings, states, authenticator, sessionCodec, audit, clock, ToolCallSpans.NONE,
                DEFAULT_APPROVAL_TIMEOUT, new LimitCounters(clock, "mcp-gateway"), new SimpleMeterRegistry(), null);
    }

    /**
     * @param spans           the tool calls' spans
     * @param approvalTimeout how long a call waits for approval before it is denied
     * @param limits          the counters of the rate limits on tool calls
     * @param registry        where the tool calls' meters go
     * @param signIn          the gateway's own access tokens, which {@code authenticator} must also verify; null for a
     *                        gateway that signs no one in (its OAuth paths answer as without {@code sign_in})
     */
    public McpGateway(Vertx vertx, McpSettings settings, Supplier<McpState> states, BearerAuthenticator authenticator,
                      SessionCodec sessionCodec, RowQueue<ToolCallRecord> audit, Clock clock, ToolCallSpans spans,
                      Duration approvalTimeout, LimitCounters limits, MeterRegistry registry, AccessTokens signIn) {
        this.settings = settings;
        this.states = states;
        this.authenticator = authenticator;
        this.upstreams = new UpstreamClient(vertx, settings.maxConnectionsPerHost(), settings.connectTimeoutMs(),
                settings.upstreamTimeoutMs());
        this.approvals = new Approvals(clock, approvalTimeout,
                (delay, task) -> vertx.setTimer(Math.max(1, delay.toMillis()), id -> task.run()));
        this.pipeline = new McpPipeline(authenticator, upstreams,
                new SessionFactory(sessionCodec, clock, settings.sessionTtl()),
                McpPipeline.defaultToolCallSteps(audit, clock, spans, approvals, limits,
                        new ToolCallMetrics(registry)), approvals);
        this.hostGuard = new HostGuard(settings);
        this.approvalApi = new ApprovalApi(states, authenticator, hostGuard, approvals, () -> cluster);
        this.authorizationServer = signIn == null ? null
                : new AuthorizationServer(vertx, states, this::baseUrl, signIn, settings.connectTimeoutMs());
        this.discovery = new OAuthDiscovery(states, this::baseUrl, authorizationServer);
    }

    /**
     * Shares the approvals with the other replicas on the NATS at {@code natsUrl} ({@link ClusterApprovals}): listed
     * and decided on any of them. Returns at once; until NATS answers, the calls held here are decided here only.
     */
    public void shareApprovals(String natsUrl, String bucket, String subjectPrefix, String replicaId) {
        cluster = ClusterApprovals.start(approvals, natsUrl, bucket, subjectPrefix, replicaId);
    }

    /** Whether the approvals are shared and NATS answers now. */
    public boolean approvalsShared() {
        ClusterApprovals c = cluster;
        return c != null && c.connected();
    }

    public void register(Router router) {
        // before every other route: a head over the limits gets a JSON-RPC error, not the HTTP server's bare 414/431
        RequestHeadLimits.Limits headLimits = RequestHeadLimits.Limits.from(ConfigProvider.getConfig());
        router.route().order(Integer.MIN_VALUE).handler(rc -> headLimits.check(rc.request()).ifPresentOrElse(refusal -> {
            requestId(rc);
            new ClientReply(rc.response(), null).fail(McpError.requestHeadTooLarge(refusal.status(), refusal.message()));
        }, rc::next));
        BodyHandler body = BodyHandler.create(false).setBodyLimit(settings.maxBodySize()).setPreallocateBodyBuffer(true);
        router.get("/mcp/v1/claude-code/managed-mcp.json").handler(rc -> managed(rc, false));
        router.get("/mcp/v1/claude-code/managed-settings.json").handler(rc -> managed(rc, true));
        router.post(MCP_PATH).handler(body).handler(this::mcp).failureHandler(this::failure);
        router.route(MCP_PATH).handler(this::mcp).failureHandler(this::failure);
        router.get(METADATA_PATH).handler(rc -> resourceMetadata(rc, null));
        router.get(METADATA_PATH + "/mcp/v1/:server/mcp").handler(rc -> resourceMetadata(rc, rc.pathParam("server")));
        if (authorizationServer != null) {
            authorizationServer.register(router);
        }
        discovery.register(router);
        approvalApi.register(router);
    }

    private void mcp(RoutingContext rc) {
        String requestId = requestId(rc);
        String server = rc.pathParam("server");
        HttpServerRequest http = rc.request();
        ClientReply reply = new ClientReply(rc.response(), metadataUrl(rc, server));
        try {
            hostGuard.check(host(http), http.getHeader("origin"));
            McpState state = states.get();
            if (state == null) {
                throw McpError.unavailable("the gateway has no configuration yet");
            }
            HttpMethod method = http.method();
            if (method == HttpMethod.POST) {
                pipeline.post(state, server, http, rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes(),
                        requestId, reply);
            } else if (method == HttpMethod.GET) {
                pipeline.get(state, server, http, requestId, reply);
            } else if (method == HttpMethod.DELETE) {
                pipeline.delete(state, server, http, requestId, reply);
            } else {
                rc.response().putHeader("allow", "GET, POST, DELETE");
                throw McpError.methodNotAllowed(method.name());
            }
        } catch (McpError e) {
            reply.fail(e);
        }
    }

    private void failure(RoutingContext rc) {
        requestId(rc);
        ClientReply reply = new ClientReply(rc.response(), metadataUrl(rc, rc.pathParam("server")));
        reply.fail(rc.statusCode() == 413 ? McpError.bodyTooLarge(settings.maxBodySize()) : McpError.internal());
    }

    /** RFC 9728: which authorization servers (the configured IdPs) issue tokens for this resource. */
    private void resourceMetadata(RoutingContext rc, String server) {
        requestId(rc);
        try {
            hostGuard.check(host(rc.request()), rc.request().getHeader("origin"));
        } catch (McpError e) {
            new ClientReply(rc.response(), "").fail(e);
            return;
        }
        McpState state = states.get();
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("resource", server == null ? baseUrl(rc) : baseUrl(rc) + "/mcp/v1/" + server + "/mcp");
        ArrayNode issuers = doc.putArray("authorization_servers");
        discovery.authorizationServers(rc).forEach(issuers::add);
        doc.putArray("bearer_methods_supported").add("header");
        doc.put("resource_name", server == null ? "Switchboard MCP gateway" : "Switchboard MCP gateway: " + server);
        rc.response().putHeader("content-type", "application/json").putHeader("cache-control", "max-age=300")
                .end(Json.buffer(doc));
    }

    /**
     * Claude Code's managed configuration, for the caller: {@code managed-mcp.json} names each server and virtual
     * server they may use; {@code managed-settings.json} allows exactly those URLs and blocks marketplace servers.
     */
    private void managed(RoutingContext rc, boolean settingsFile) {
        requestId(rc);
        ClientReply reply = new ClientReply(rc.response(), metadataUrl(rc, null));
        try {
            hostGuard.check(host(rc.request()), rc.request().getHeader("origin"));
        } catch (McpError e) {
            reply.fail(e);
            return;
        }
        McpState state = states.get();
        if (state == null) {
            reply.fail(McpError.unavailable("the gateway has no configuration yet"));
            return;
        }
        authenticator.authenticate(state.snapshot(), rc.request().getHeader("authorization")).onComplete(ar -> {
            if (ar.failed()) {
                reply.fail(ar.cause() instanceof McpError e ? e : McpError.internal());
                return;
            }
            Principal p = ar.result();
            ObjectNode doc = ManagedMcpConfig.servers(state.snapshot().config(), state.access(), p.subject(),
                    p.claimedTeams(), baseUrl(rc), keyVariable(rc, state));
            if (settingsFile) {
                doc = ManagedMcpConfig.settings(doc, baseUrl(rc));
            }
            rc.response().putHeader("content-type", "application/json").end(Json.buffer(doc));
        });
    }

    /**
     * The environment variable whose value Claude Code is to send as the API key, or null for URL-only entries (sign-in
     * with the identity provider). {@code ?auth=api-key} asks for the header, {@code ?auth=oauth} for URL-only; without
     * it, a gateway with an identity provider gets URL-only entries and one without gets the header, the one way that
     * can connect there. {@code ?key_env=NAME} names the variable
     * ({@value ManagedMcpConfig#DEFAULT_KEY_VARIABLE} by default); Claude
     * Code expands {@code ${NAME}} in the file when it connects, so no key is written into it.
     */
    private String keyVariable(RoutingContext rc, McpState state) {
        String auth = rc.queryParams().get("auth");
        boolean header = auth == null ? state.snapshot().config().identityProviders().isEmpty() : auth.equals("api-key");
        if (!header) {
            return null;
        }
        String name = rc.queryParams().get("key_env");
        return name != null && ManagedMcpConfig.ENV_NAME.matcher(name).matches() ? name
                : ManagedMcpConfig.DEFAULT_KEY_VARIABLE;
    }

    /** Null when no identity provider is configured: there is no authorization server for a client to discover. */
    private String metadataUrl(RoutingContext rc, String server) {
        if (!discovery.hasAuthorizationServer()) {
            return null;
        }
        return baseUrl(rc) + METADATA_PATH + (server == null ? "" : "/mcp/v1/" + server + "/mcp");
    }

    /** The public URL, or the scheme and (already validated) Host of the request. */
    private String baseUrl(RoutingContext rc) {
        return settings.publicUrl().orElseGet(() -> {
            var authority = rc.request().authority();
            return rc.request().scheme() + "://" + (authority == null ? "localhost" : authority.toString());
        });
    }

    /** The host the request is addressed to: HTTP/1.1's Host header or HTTP/2's :authority, without the port. */
    private static String host(HttpServerRequest request) {
        var authority = request.authority();
        return authority == null ? null : authority.host();
    }

    /** Every answer carries a request id: the caller's, or a new one. */
    private static String requestId(RoutingContext rc) {
        String id = rc.response().headers().get("x-request-id");
        if (id != null) {
            return id;
        }
        id = rc.request().getHeader("x-request-id");
        if (id == null || id.isEmpty() || id.length() > 128) {
            id = UUID.randomUUID().toString();
        }
        rc.response().putHeader("x-request-id", id);
        return id;
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
        upstreams.close();
        if (authorizationServer != null) {
            authorizationServer.close();
        }
    }
}
