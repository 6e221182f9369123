package dev.switchboard.mcpgateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.JsonRpcMessage;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.jsonrpc.McpProtocol;
import dev.switchboard.mcpgateway.session.McpSession;
import dev.switchboard.mcpgateway.snapshot.McpState;
import dev.switchboard.mcpgateway.upstream.EventSink;
import dev.switchboard.mcpgateway.upstream.McpReply;
import dev.switchboard.mcpgateway.upstream.McpUpstream;
import dev.switchboard.mcpgateway.upstream.UpstreamClient;
import dev.switchboard.mcpgateway.upstream.UpstreamSession;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.access.ToolGrant;
import dev.switchboard.runtime.sse.SseEvent;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * {@code /mcp/v1/{server}/mcp}: a reverse proxy for one upstream server. Messages pass through unchanged (ids, event
 * ids, priming events, server-to-client requests) except where governance needs a say: the lists of tools, resources,
 * resource templates and prompts are filtered to what the caller may use, a request about a resource or prompt they may
 * not use is refused ({@link ListFilter}), and {@code tools/call} runs through the interceptors (ACL, audit, and later
 * guardrails and approvals) before it may reach the upstream.
 */
final class SingleServerEndpoint implements Endpoint {

    private static final Logger LOG = Logger.getLogger(SingleServerEndpoint.class);

    private final McpUpstream upstream;
    private final UpstreamClient client;
    private final SessionFactory sessions;
    private final List<ToolCallInterceptor> interceptors;

    SingleServerEndpoint(McpUpstream upstream, UpstreamClient client, SessionFactory sessions,
                         List<ToolCallInterceptor> interceptors) {
        this.upstream = upstream;
        this.client = client;
        this.sessions = sessions;
        this.interceptors = interceptors;
    }

    @Override
    public boolean usableBy(McpState state, Principal principal) {
        return grant(state, principal).usable();
    }

    private ToolGrant grant(McpState state, Principal principal) {
        return state.access().grant(principal.subject(), principal.claimedTeams(), upstream.name());
    }

    private UpstreamSession upstreamSession(McpExchange ex) {
        return ex.session().upstreams().get(upstream.name());
    }

    /**
     * Forwards {@code initialize} and seals the upstream's session into the gateway's. Answered as JSON, whatever form
     * the upstream chose, because the session id header must go out with the response it belongs to.
     */
    @Override
    public void initialize(McpExchange ex, JsonRpcMessage request) {
        String requested = request.params().path("protocolVersion").asText(null);
        if (requested == null) {
            ex.reply().fail(McpError.invalidParams(request.id(), "initialize needs params.protocolVersion"));
            return;
        }
        client.request(upstream, null, request.node(), Discard.INSTANCE).onComplete(ar -> {
            if (ar.failed()) {
                ex.reply().fail(asError(ar.cause(), request.id()));
                return;
            }
            McpReply reply = ar.result();
            if (reply.closedForResumption()) {
                ex.reply().fail(McpError.upstreamFailed(request.id(), upstream.name(), "it did not answer initialize"));
                return;
            }
            if (!reply.isError()) {
                String version = reply.message().path("result").path("protocolVersion").asText(null);
                if (!McpProtocol.supports(version)) {
                    ex.reply().fail(McpError.upstreamFailed(request.id(), upstream.name(),
                            "it speaks protocol version '" + version + "', which this gateway does not serve"));
                    return;
                }
                McpSession session = sessions.start(ex.endpoint(), ex.principal(), version,
                        Map.of(upstream.name(), new UpstreamSession(reply.upstreamSessionId(), version)),
                        ClientFeatures.kept(request.params()));
                ex.reply().sessionId(sessions.seal(session));
            }
            ex.reply().finish(reply.message());
        });
    }

    @Override
    public void request(McpExchange ex, JsonRpcMessage request) {
        if ("tools/call".equals(request.method())) {
            callTool(ex, request);
            return;
        }
        ToolGrant grant = grant(ex.state(), ex.principal());
        McpError refused = ListFilter.refusal(request, grant, ex.endpoint());
        if (refused != null) {
            ex.reply().fail(refused);
            return;
        }
        forward(ex, request.node())
                .map(reply -> ListFilter.filter(request.method(), reply, grant))
                .onComplete(ar -> complete(ex, request.id(), ar));
    }

    private void callTool(McpExchange ex, JsonRpcMessage request) {
        JsonNode name = request.params().get("name");
        if (name == null || !name.isTextual()) {
            ex.reply().fail(McpError.invalidParams(request.id(), "tools/call needs params.name, a string"));
            return;
        }
        ToolCall call = new ToolCall(ex, upstream.name(), name.asText(), grant(ex.state(), ex.principal()),
                request.node());
        ToolCallInterceptor.run(interceptors, call, c -> forward(ex, c.request()))
                .onComplete(ar -> complete(ex, request.id(), ar));
    }

    private Future<McpReply> forward(McpExchange ex, ObjectNode message) {
        return client.request(upstream, upstreamSession(ex), message, ex.reply());
    }

    @Override
    public void notification(McpExchange ex, JsonRpcMessage notification) {
        client.post(upstream, upstreamSession(ex), notification.node()).onComplete(ar -> {
            if (ar.failed()) {
                ex.reply().fail(asError(ar.cause(), null));
            } else {
                ex.reply().accepted();
            }
        });
    }

    @Override
    public void response(McpExchange ex, JsonRpcMessage response) {
        notification(ex, response);
    }

    @Override
    public void stream(McpExchange ex, String lastEventId) {
        client.openStream(upstream, upstreamSession(ex), lastEventId, ex.reply()).onComplete(ar -> {
            if (ar.failed()) {
                ex.reply().fail(asError(ar.cause(), null));
            } else {
                ex.reply().end();
            }
        });
    }

    @Override
    public void delete(McpExchange ex) {
        client.delete(upstream, upstreamSession(ex)).onComplete(ar -> {
            if (ar.succeeded() && ar.result() == 405) {
                ex.reply().fail(McpError.methodNotAllowed("the server does not let clients end sessions"));
            } else {
                // Ended at the upstream, or unreachable: the session is over for the client either way.
                ex.reply().status(200);
            }
        });
    }

    static void complete(McpExchange ex, JsonNode id, io.vertx.core.AsyncResult<McpReply> ar) {
        if (ar.succeeded()) {
            ex.reply().finish(ar.result());
        } else {
            ex.reply().fail(asError(ar.cause(), id));
        }
    }

    static McpError asError(Throwable cause, JsonNode id) {
        if (cause instanceof McpError e) {
            return e.httpStatus() == 200 && id != null && e.id().isNull() ? e.forRequest(id) : e;
        }
        LOG.error("MCP request failed", cause);
        return McpError.internal();
    }

    /** Takes the events of a call whose answer goes out as JSON (initialize); they are of no use to the client. */
    enum Discard implements EventSink {
        INSTANCE;

        @Override
        public void streamStarted() {
        }

        @Override
        public void event(SseEvent event) {
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public void onDrain(Runnable resume) {
        }

        @Override
        public void onGone(Runnable cancel) {
        }
    }
}
