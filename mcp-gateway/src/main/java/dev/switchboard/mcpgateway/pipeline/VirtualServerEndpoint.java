package dev.switchboard.mcpgateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
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
import dev.switchboard.model.access.VirtualToolNames;
import dev.switchboard.runtime.sse.SseEvent;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * {@code /mcp/v1/{virtual-server}/mcp}: one MCP server made of tools of several upstreams. The gateway answers
 * {@code initialize}, {@code ping} and {@code tools/list} itself (the list gathered from the upstreams, filtered by the
 * virtual server's tool list and the caller's policies, under the names {@link VirtualToolNames} gives them), and routes
 * each {@code tools/call} to its upstream with the upstream's own tool name.
 *
 * <p>Upstream sessions are opened at {@code initialize} and sealed into the gateway's session id; one that could not be
 * opened then is opened when first needed and kept in this replica's memory ({@link Sessions}). Server-to-client
 * requests are relayed with their id prefixed by the server ({@code <server>:<id as JSON>}), so that the client's answer
 * finds its way back; the GET stream merges the upstreams' streams, which is how {@code notifications/tools/list_changed}
 * reaches the client. Events go out with ids of the gateway's ({@link VirtualEventIds}) that carry the upstreams' own,
 * so that a client that lost a stream resumes it with {@code Last-Event-ID}: the stream of a tool call at its upstream,
 * the merged GET stream at every upstream from where each stood.
 */
final class VirtualServerEndpoint implements Endpoint {

    private static final Logger LOG = Logger.getLogger(VirtualServerEndpoint.class);
    private static final int MAX_LIST_PAGES = 20;
    private static final String GATEWAY_VERSION = "0.1.0";

    private final McpState.Virtual virtual;
    private final UpstreamClient client;
    private final SessionFactory sessions;
    private final List<ToolCallInterceptor> interceptors;
    private final Sessions lazySessions;

    VirtualServerEndpoint(McpState.Virtual virtual, UpstreamClient client, SessionFactory sessions,
                          List<ToolCallInterceptor> interceptors, Sessions lazySessions) {
        this.virtual = virtual;
        this.client = client;
        this.sessions = sessions;
        this.interceptors = interceptors;
        this.lazySessions = lazySessions;
    }

    @Override
    public boolean usableBy(McpState state, Principal principal) {
        return !memberServers(state, principal).isEmpty();
    }

    /** The upstream servers of which the caller may call at least one listed tool, in config order. */
    private Set<String> memberServers(McpState state, Principal principal) {
        Set<String> servers = new LinkedHashSet<>();
        Map<String, ToolGrant> grants = new LinkedHashMap<>();
        for (VirtualToolNames.Target t : virtual.names().all().values()) {
            ToolGrant grant = grants.computeIfAbsent(t.server(), s -> grant(state, principal, s));
            if (grant.allows(t.tool())) {
                servers.add(t.server());
            }
        }
        return servers;
    }

    private static ToolGrant grant(McpState state, Principal principal, String server) {
        return state.access().grant(principal.subject(), principal.claimedTeams(), server);
    }

    // ------------------------------------------------------------------ initialize

    @Override
    public void initialize(McpExchange ex, JsonRpcMessage request) {
        String requested = request.params().path("protocolVersion").asText(null);
        if (requested == null) {
            ex.reply().fail(McpError.invalidParams(request.id(), "initialize needs params.protocolVersion"));
            return;
        }
        String version = McpProtocol.negotiate(requested);
        ObjectNode clientParams = Json.MAPPER.createObjectNode();
        clientParams.set("capabilities", request.params().path("capabilities").isObject()
                ? request.params().get("capabilities") : Json.MAPPER.createObjectNode());
        clientParams.set("clientInfo", request.params().path("clientInfo").isObject()
                ? request.params().get("clientInfo") : Json.MAPPER.createObjectNode().put("name", "unknown"));
        List<String> servers = new ArrayList<>(memberServers(ex.state(), ex.principal()));
        List<Future<UpstreamSession>> opening = new ArrayList<>();
        for (String server : servers) {
            opening.add(openUpstream(ex.state(), server, version, clientParams));
        }
        Future.join(opening).onComplete(done -> {
            Map<String, UpstreamSession> upstreams = new LinkedHashMap<>();
            for (int i = 0; i < servers.size(); i++) {
                if (opening.get(i).succeeded()) {
                    upstreams.put(servers.get(i), opening.get(i).result());
                } else {
                    LOG.warnf("virtual MCP server '%s': could not open a session at '%s' (%s); it is tried again when needed",
                            virtual.config().name(), servers.get(i), opening.get(i).cause().getMessage());
                }
            }
            McpSession session = sessions.start(ex.endpoint(), ex.principal(), version, upstreams, clientParams);
            ex.reply().sessionId(sessions.seal(session));
            ObjectNode result = Json.MAPPER.createObjectNode();
            result.put("protocolVersion", version);
            result.putObject("capabilities").putObject("tools").put("listChanged", true);
            result.putObject("serverInfo").put("name", "switchboard/" + virtual.config().name())
                    .put("version", GATEWAY_VERSION);
            if (virtual.config().description() != null) {
                result.put("instructions", virtual.config().description());
            }
            ex.reply().finish(JsonRpcMessage.result(request.id(), result));
        });
    }

    /** initialize, then notifications/initialized, at one upstream. */
    private Future<UpstreamSession> openUpstream(McpState state, String server, String version, JsonNode clientParams) {
        McpUpstream up = state.upstream(server).orElse(null);
        if (up == null) {
            return Future.failedFuture(McpError.upstreamFailed(null, server, "it is not configured"));
        }
        ObjectNode params = ((ObjectNode) clientParams.deepCopy()).put("protocolVersion", version);
        ObjectNode init = JsonRpcMessage.request(TextNode.valueOf("switchboard-init"), "initialize", params);
        return client.request(up, null, init, SingleServerEndpoint.Discard.INSTANCE).compose(reply -> {
            if (reply.message() == null || reply.isError()) {
                return Future.failedFuture(McpError.upstreamFailed(null, server, "it refused initialize"));
            }
            String negotiated = reply.message().path("result").path("protocolVersion").asText(version);
            UpstreamSession session = new UpstreamSession(reply.upstreamSessionId(), negotiated);
            return client.post(up, session, JsonRpcMessage.request(null, "notifications/initialized", null))
                    .map(status -> session);
        });
    }

    /** The session at {@code server}: from the gateway's session id, from this replica's memory, or opened now. */
    private Future<UpstreamSession> upstreamSession(McpExchange ex, String server) {
        UpstreamSession sealed = ex.session().upstreams().get(server);
        if (sealed != null) {
            return Future.succeededFuture(sealed);
        }
        return lazySessions.get(ex.session(), server,
                () -> openUpstream(ex.state(), server, ex.session().version(), ex.session().client()));
    }

    // ------------------------------------------------------------------ requests

    @Override
    public void request(McpExchange ex, JsonRpcMessage request) {
        switch (request.method()) {
            case "ping" -> ex.reply().finish(JsonRpcMessage.result(request.id(), Json.MAPPER.createObjectNode()));
            case "tools/list" -> listTools(ex, request);
            case "tools/call" -> callTool(ex, request);
            default -> ex.reply().fail(McpError.methodNotFound(request.id(), request.method()));
        }
    }

    private void listTools(McpExchange ex, JsonRpcMessage request) {
        List<String> servers = new ArrayList<>(memberServers(ex.state(), ex.principal()));
        List<Future<List<JsonNode>>> lists = new ArrayList<>();
        for (String server : servers) {
            lists.add(upstreamSession(ex, server).compose(s -> listAll(ex.state(), server, s, null, new ArrayList<>(), 0)));
        }
        Future.join(lists).onComplete(done -> {
            ObjectNode result = Json.MAPPER.createObjectNode();
            ArrayNode tools = result.putArray("tools");
            for (int i = 0; i < servers.size(); i++) {
                String server = servers.get(i);
                if (lists.get(i).failed()) {
                    LOG.warnf("virtual MCP server '%s': tools/list at '%s' failed (%s); its tools are left out",
                            virtual.config().name(), server, lists.get(i).cause().getMessage());
                    continue;
                }
                ToolGrant grant = grant(ex.state(), ex.principal(), server);
                for (JsonNode tool : lists.get(i).result()) {
                    String name = tool.path("name").asText();
                    virtual.names().exposedName(server, name).filter(n -> grant.allows(name)).ifPresent(exposed -> {
                        ObjectNode copy = tool.deepCopy();
                        copy.put("name", exposed);
                        tools.add(copy);
                    });
                }
            }
            ex.reply().finish(JsonRpcMessage.result(request.id(), result));
        });
    }

    private Future<List<JsonNode>> listAll(McpState state, String server, UpstreamSession session, String cursor,
                                           List<JsonNode> into, int page) {
        McpUpstream up = state.upstream(server).orElseThrow();
        ObjectNode params = Json.MAPPER.createObjectNode();
        if (cursor != null) {
            params.put("cursor", cursor);
        }
        ObjectNode list = JsonRpcMessage.request(TextNode.valueOf("switchboard-list-" + page), "tools/list", params);
        return client.request(up, session, list, SingleServerEndpoint.Discard.INSTANCE).compose(reply -> {
            if (reply.message() == null || reply.isError()) {
                return Future.failedFuture(McpError.upstreamFailed(null, server, "tools/list failed"));
            }
            reply.message().path("result").path("tools").forEach(into::add);
            String next = reply.message().path("result").path("nextCursor").asText(null);
            return next != null && page + 1 < MAX_LIST_PAGES
                    ? listAll(state, server, session, next, into, page + 1) : Future.succeededFuture(into);
        });
    }

    private void callTool(McpExchange ex, JsonRpcMessage request) {
        JsonNode name = request.params().get("name");
        if (name == null || !name.isTextual()) {
            ex.reply().fail(McpError.invalidParams(request.id(), "tools/call needs params.name, a string"));
            return;
        }
        VirtualToolNames.Target target = virtual.names().target(name.asText()).orElse(null);
        if (target == null) {
            ex.reply().fail(McpError.toolNotPermitted(request.id(), ex.endpoint(), name.asText()));
            return;
        }
        McpUpstream up = ex.state().upstream(target.server()).orElseThrow();
        ObjectNode upstreamRequest = request.node().deepCopy();
        ((ObjectNode) upstreamRequest.get("params")).put("name", target.tool());
        ToolCall call = new ToolCall(ex, target.server(), target.tool(),
                grant(ex.state(), ex.principal(), target.server()), upstreamRequest);
        VirtualEventIds.Tracker position = new VirtualEventIds.Tracker(VirtualEventIds.Kind.REQUEST, Map.of());
        ToolCallInterceptor.run(interceptors, call, c -> upstreamSession(ex, c.server())
                        .compose(s -> client.request(up, s, c.request(),
                                new Prefixing(c.server(), ex.reply(), position)))
                        .map(reply -> reply.closedForResumption() ? reply
                                : new McpReply(withId(reply.message(), request.id()),
                                position.advance(c.server(), reply.eventId()), reply.upstreamSessionId())))
                .onComplete(ar -> SingleServerEndpoint.complete(ex, request.id(), ar));
    }

    private static ObjectNode withId(ObjectNode message, JsonNode id) {
        message.set("id", id);
        return message;
    }

    // ------------------------------------------------------------------ notifications, responses, stream, delete

    @Override
    public void notification(McpExchange ex, JsonRpcMessage notification) {
        if ("notifications/initialized".equals(notification.method())) {
            ex.reply().accepted();
            return;
        }
        List<Future<Integer>> sent = new ArrayList<>();
        ex.session().upstreams().forEach((server, session) -> ex.state().upstream(server)
                .ifPresent(up -> sent.add(client.post(up, session, notification.node()))));
        Future.join(sent).onComplete(done -> ex.reply().accepted());
    }

    @Override
    public void response(McpExchange ex, JsonRpcMessage response) {
        String prefixed = response.id().isTextual() ? response.id().asText() : "";
        int colon = prefixed.indexOf(':');
        String server = colon > 0 ? prefixed.substring(0, colon) : null;
        McpUpstream up = server == null ? null : ex.state().upstream(server).orElse(null);
        JsonNode originalId;
        try {
            originalId = up == null ? null : Json.read(prefixed.substring(colon + 1));
        } catch (IOException e) {
            originalId = null;
        }
        if (originalId == null) {
            ex.reply().fail(McpError.invalidRequest("the response answers no request this session made"));
            return;
        }
        ObjectNode forwarded = response.node().deepCopy();
        forwarded.set("id", originalId);
        upstreamSession(ex, server).compose(s -> client.post(up, s, forwarded)).onComplete(ar -> {
            if (ar.failed()) {
                ex.reply().fail(SingleServerEndpoint.asError(ar.cause(), null));
            } else {
                ex.reply().accepted();
            }
        });
    }

    /**
     * The GET stream. Without {@code Last-Event-ID}: the upstreams' streams merged. With the id of a tool call's stream:
     * that stream resumed at its upstream. With the id of a merged stream: every upstream's stream resumed from the last
     * event the client got from it (an upstream it got none from starts afresh).
     */
    @Override
    public void stream(McpExchange ex, String lastEventId) {
        VirtualEventIds.Position resumed = null;
        if (lastEventId != null) {
            resumed = VirtualEventIds.decode(lastEventId).orElse(null);
            if (resumed == null || !virtual.names().all().values().stream()
                    .map(VirtualToolNames.Target::server).toList().containsAll(resumed.lastIds().keySet())) {
                ex.reply().fail(McpError.invalidRequest("Last-Event-ID names no event of this virtual server"));
                return;
            }
        }
        if (resumed != null && resumed.kind() == VirtualEventIds.Kind.REQUEST) {
            Map.Entry<String, String> at = resumed.lastIds().entrySet().iterator().next();
            String server = at.getKey();
            McpUpstream up = ex.state().upstream(server).orElse(null);
            if (up == null) {
                ex.reply().fail(McpError.upstreamFailed(null, server, "it is not configured"));
                return;
            }
            VirtualEventIds.Tracker position = new VirtualEventIds.Tracker(VirtualEventIds.Kind.REQUEST, Map.of());
            upstreamSession(ex, server)
                    .compose(s -> client.openStream(up, s, at.getValue(), new Prefixing(server, ex.reply(), position)))
                    .onComplete(ar -> {
                        if (ar.failed()) {
                            ex.reply().fail(SingleServerEndpoint.asError(ar.cause(), null));
                        } else {
                            ex.reply().end();
                        }
                    });
            return;
        }
        Map<String, UpstreamSession> upstreams = ex.session().upstreams();
        if (upstreams.isEmpty()) {
            ex.reply().fail(McpError.methodNotAllowed("no upstream of this session offers a stream"));
            return;
        }
        Map<String, String> from = resumed == null ? Map.of() : resumed.lastIds();
        VirtualEventIds.Tracker position = new VirtualEventIds.Tracker(VirtualEventIds.Kind.MERGED, from);
        AtomicInteger open = new AtomicInteger(upstreams.size());
        List<Throwable> failures = new ArrayList<>();
        upstreams.forEach((server, session) -> {
            McpUpstream up = ex.state().upstream(server).orElse(null);
            Future<Void> stream = up == null ? Future.failedFuture(McpError.upstreamFailed(null, server, "not configured"))
                    : client.openStream(up, session, from.get(server), new Prefixing(server, ex.reply(), position));
            stream.onComplete(ar -> {
                if (ar.failed()) {
                    failures.add(ar.cause());
                }
                if (open.decrementAndGet() == 0) {
                    if (failures.size() == upstreams.size()) {
                        ex.reply().fail(SingleServerEndpoint.asError(failures.get(0), null));
                    } else {
                        ex.reply().end();
                    }
                }
            });
        });
    }

    @Override
    public void delete(McpExchange ex) {
        List<Future<Integer>> deleted = new ArrayList<>();
        ex.session().upstreams().forEach((server, session) -> ex.state().upstream(server)
                .ifPresent(up -> deleted.add(client.delete(up, session))));
        lazySessions.forget(ex.session());
        Future.join(deleted).onComplete(done -> ex.reply().status(200));
    }

    /**
     * Relays an upstream's events to the client with server-to-client request ids prefixed by the server, and with
     * event ids of the virtual stream's {@code position} in place of the upstream's.
     */
    private static final class Prefixing implements EventSink {

        private final String server;
        private final EventSink target;
        private final VirtualEventIds.Tracker position;

        Prefixing(String server, EventSink target, VirtualEventIds.Tracker position) {
            this.server = server;
            this.target = target;
            this.position = position;
        }

        @Override
        public void streamStarted() {
            target.streamStarted();
        }

        @Override
        public void event(SseEvent event) {
            String id = position.advance(server, event.id());
            if (event.data() == null || event.data().isEmpty()) {
                if (id != null) {
                    // a priming event: it gives the client a point to resume from before any message
                    target.event(new SseEvent(id, null, "", event.retry(), null));
                } else if (event.comment() != null) {
                    target.event(new SseEvent(null, null, null, null, event.comment()));
                }
                return;
            }
            String data = event.data();
            try {
                JsonNode node = Json.read(data);
                if (node instanceof ObjectNode o && o.has("method") && o.has("id")) {
                    o.put("id", server + ":" + Json.write(o.get("id")));
                    data = Json.write(o);
                }
            } catch (IOException e) {
                // not JSON: relayed as it came
            }
            target.event(new SseEvent(id, event.event(), data, event.retry(), null));
        }

        @Override
        public boolean writeQueueFull() {
            return target.writeQueueFull();
        }

        @Override
        public void onDrain(Runnable resume) {
            target.onDrain(resume);
        }

        @Override
        public void onGone(Runnable cancel) {
            target.onGone(cancel);
        }
    }

    /**
     * Upstream sessions of virtual sessions that were opened after {@code initialize}, in this replica's memory only
     * (another replica opens its own when it needs one). Bounded; the oldest entries go first.
     */
    static final class Sessions {

        private static final int MAX_ENTRIES = 10_000;

        private final Map<String, Future<UpstreamSession>> opened = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Future<UpstreamSession>> eldest) {
                return size() > MAX_ENTRIES;
            }
        };

        synchronized Future<UpstreamSession> get(McpSession session, String server,
                                                 java.util.function.Supplier<Future<UpstreamSession>> open) {
            String key = session.id() + "/" + server;
            Future<UpstreamSession> f = opened.get(key);
            if (f == null || f.failed()) {
                f = open.get();
                opened.put(key, f);
            }
            return f;
        }

        synchronized void forget(McpSession session) {
            opened.keySet().removeIf(k -> k.startsWith(session.id() + "/"));
        }
    }
}
