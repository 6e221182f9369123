package dev.switchboard.mcpgateway.pipeline;

import dev.switchboard.mcpgateway.approval.ApprovalStep;
import dev.switchboard.mcpgateway.approval.Approvals;
import dev.switchboard.mcpgateway.approval.Elicitation;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.metrics.ToolCallMetrics;
import dev.switchboard.mcpgateway.auth.McpRejections;
import dev.switchboard.mcpgateway.guardrail.PostToolGuardrails;
import dev.switchboard.mcpgateway.guardrail.PreToolGuardrails;
import dev.switchboard.mcpgateway.jsonrpc.JsonRpcMessage;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.jsonrpc.McpProtocol;
import dev.switchboard.mcpgateway.session.McpSession;
import dev.switchboard.mcpgateway.snapshot.McpState;
import dev.switchboard.mcpgateway.telemetry.ToolCallSpans;
import dev.switchboard.mcpgateway.upstream.UpstreamClient;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.limits.LimitCounters;
import dev.switchboard.runtime.auth.BearerAuthenticator;
import dev.switchboard.runtime.telemetry.RowQueue;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.util.List;

/**
 * The life of a request on an MCP endpoint, step by step:
 * {@code authenticate → resolve endpoint → authorize → check headers → parse → open session → dispatch}, where
 * dispatch hands the message to the endpoint ({@link SingleServerEndpoint} or {@link VirtualServerEndpoint}), and a
 * {@code tools/call} then runs through the tool-call steps ({@link #defaultToolCallSteps}). Each step fails with an {@link McpError} that
 * {@link ClientReply} turns into the exact status and JSON-RPC error the spec names.
 */
public final class McpPipeline {

    private final BearerAuthenticator authenticator;
    private final UpstreamClient upstreams;
    private final SessionFactory sessions;
    private final List<ToolCallInterceptor> toolCallSteps;
    private final VirtualServerEndpoint.Sessions virtualSessions;
    private final Approvals approvals;

    /**
     * @param toolCallSteps the interceptors of a tool call, outermost first ({@link #defaultToolCallSteps})
     * @param approvals     the calls waiting for approval, which the client's answers to the gateway's own
     *                      elicitations decide
     */
    public McpPipeline(BearerAuthenticator authenticator, UpstreamClient upstreams, SessionFactory sessions,
                       List<ToolCallInterceptor> toolCallSteps, Approvals approvals) {
        this.authenticator = authenticator;
        this.upstreams = upstreams;
        this.sessions = sessions;
        this.toolCallSteps = List.copyOf(toolCallSteps);
        this.virtualSessions = new VirtualServerEndpoint.Sessions();
        this.approvals = approvals;
    }

    /**
     * The tool-call steps, outermost first: the audit record and span (so that refusals are recorded too), the access
     * check, the rate limits, the pre-tool guardrails, the approval, and the post-tool guardrails, which see the
     * upstream's reply first.
     */
    public static List<ToolCallInterceptor> defaultToolCallSteps(RowQueue<ToolCallRecord> audit, Clock clock,
                                                                 ToolCallSpans spans, Approvals approvals,
                                                                 LimitCounters limits, ToolCallMetrics metrics) {
        return List.of(new ToolCallAudit(audit, clock, spans, metrics), new ToolAccessCheck(), new ToolCallLimit(limits),
                new PreToolGuardrails(), new ApprovalStep(approvals), new PostToolGuardrails());
    }

    /** {@code POST}: one JSON-RPC message. */
    public void post(McpState state, String endpointName, HttpServerRequest http, byte[] body, String requestId,
                     ClientReply reply) {
        long start = System.nanoTime();
        prepare(state, endpointName, http, reply, (endpoint, principal) -> {
            requireAccept(http, true);
            requireJsonBody(http);
            requireSupportedVersion(http);
            JsonRpcMessage message = JsonRpcMessage.parse(body);
            McpExchange ex = new McpExchange(state, endpointName, principal, null, reply, requestId, start);
            if (message.kind() == JsonRpcMessage.Kind.REQUEST && "initialize".equals(message.method())) {
                endpoint.initialize(ex, message);
                return;
            }
            ex = ex.withSession(openSession(http, endpointName, principal));
            switch (message.kind()) {
                case REQUEST -> {
                    if (!McpProtocol.CLIENT_REQUESTS.contains(message.method())) {
                        throw McpError.methodNotFound(message.id(), message.method());
                    }
                    endpoint.request(ex, message);
                }
                case NOTIFICATION -> endpoint.notification(ex, message);
                case RESPONSE -> {
                    if (Elicitation.answer(approvals, ex, message.node())) {
                        ex.reply().accepted();
                    } else {
                        endpoint.response(ex, message);
                    }
                }
            }
        });
    }

    /** {@code GET}: the stream of server-initiated messages. */
    public void get(McpState state, String endpointName, HttpServerRequest http, String requestId, ClientReply reply) {
        long start = System.nanoTime();
        prepare(state, endpointName, http, reply, (endpoint, principal) -> {
            requireAccept(http, false);
            requireSupportedVersion(http);
            McpSession session = openSession(http, endpointName, principal);
            endpoint.stream(new McpExchange(state, endpointName, principal, session, reply, requestId, start),
                    http.getHeader(McpProtocol.LAST_EVENT_ID));
        });
    }

    /** {@code DELETE}: the client ends its session. */
    public void delete(McpState state, String endpointName, HttpServerRequest http, String requestId,
                       ClientReply reply) {
        long start = System.nanoTime();
        prepare(state, endpointName, http, reply, (endpoint, principal) -> {
            requireSupportedVersion(http);
            McpSession session = openSession(http, endpointName, principal);
            endpoint.delete(new McpExchange(state, endpointName, principal, session, reply, requestId, start));
        });
    }

    private interface Step {
        void run(Endpoint endpoint, Principal principal);
    }

    /** authenticate → resolve the endpoint → authorize, then {@code next}; any failure answers the client. */
    private void prepare(McpState state, String endpointName, HttpServerRequest http, ClientReply reply, Step next) {
        Future<Principal> caller = authenticator.authenticate(state.snapshot(), http.getHeader("authorization"));
        caller.onComplete(ar -> {
            try {
                if (ar.failed()) {
                    throw ar.cause() instanceof McpError e ? e : McpError.unauthenticated("The token is not valid.");
                }
                Principal principal = ar.result();
                Endpoint endpoint = resolve(state, endpointName);
                if (!endpoint.usableBy(state, principal)) {
                    throw McpError.serverForbidden(endpointName);
                }
                next.run(endpoint, principal);
            } catch (McpError e) {
                reply.fail(e);
            } catch (RuntimeException e) {
                reply.fail(SingleServerEndpoint.asError(e, null));
            }
        });
    }

    private Endpoint resolve(McpState state, String name) {
        var upstream = state.upstream(name);
        if (upstream.isPresent()) {
            return new SingleServerEndpoint(upstream.get(), upstreams, sessions, toolCallSteps);
        }
        var virtual = state.virtual(name);
        if (virtual.isPresent()) {
            return new VirtualServerEndpoint(virtual.get(), upstreams, sessions, toolCallSteps, virtualSessions);
        }
        throw McpError.serverNotFound(name);
    }

    private McpSession openSession(HttpServerRequest http, String endpointName, Principal principal) {
        String id = http.getHeader(McpProtocol.SESSION_HEADER);
        if (id == null || id.isEmpty()) {
            throw McpError.sessionRequired();
        }
        McpSession session = sessions.codec().open(id).orElseThrow(McpError::sessionNotFound);
        // A session belongs to the endpoint and the caller it was opened for; to anyone else it does not exist.
        if (!session.endpoint().equals(endpointName) || !session.subject().equals(principal.subject().toString())) {
            throw McpError.sessionNotFound();
        }
        return session;
    }

    /** POST must accept both JSON and an event stream; GET must accept an event stream. */
    private static void requireAccept(HttpServerRequest http, boolean post) {
        String accept = http.getHeader("accept");
        boolean json = accepts(accept, "application", "json");
        boolean sse = accepts(accept, "text", "event-stream");
        if (post && !(json && sse)) {
            throw McpError.notAcceptable("the Accept header must list application/json and text/event-stream");
        }
        if (!post && !sse) {
            throw McpError.notAcceptable("the Accept header must list text/event-stream");
        }
    }

    static boolean accepts(String accept, String type, String subtype) {
        if (accept == null) {
            return false;
        }
        for (String range : accept.split(",")) {
            String r = range.trim();
            int semi = r.indexOf(';');
            if (semi >= 0) {
                if (r.substring(semi).replace(" ", "").contains(";q=0") && !r.substring(semi).matches(".*q=0\\.\\d*[1-9].*")) {
                    continue;
                }
                r = r.substring(0, semi).trim();
            }
            r = r.toLowerCase();
            if (r.equals(type + "/" + subtype) || r.equals(type + "/*") || r.equals("*/*")) {
                return true;
            }
        }
        return false;
    }

    private static void requireJsonBody(HttpServerRequest http) {
        String type = http.getHeader("content-type");
        if (type == null || !type.toLowerCase().trim().startsWith("application/json")) {
            throw McpError.unsupportedMediaType();
        }
    }

    private static void requireSupportedVersion(HttpServerRequest http) {
        String version = http.getHeader(McpProtocol.VERSION_HEADER);
        if (version != null && !McpProtocol.supports(version.trim())) {
            throw McpError.unsupportedProtocolVersion(version, McpProtocol.SUPPORTED);
        }
    }
}
