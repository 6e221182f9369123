package dev.switchboard.mcpgateway.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.auth.McpRejections;
import dev.switchboard.mcpgateway.http.HostGuard;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.snapshot.McpState;
import dev.switchboard.model.access.Principal;
import dev.switchboard.runtime.auth.BearerAuthenticator;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The approval API, for approvers (the {@code approvers} of a tool policy), with the same API keys and JWTs as agents:
 *
 * <ul>
 *   <li>{@code GET /mcp/v1/approvals}: the calls waiting on any replica that the caller may decide (this replica's
 *       only while NATS is down: then {@code "cluster": "unavailable"});</li>
 *   <li>{@code POST /mcp/v1/approvals/{id}/approve} and {@code .../deny}, with an optional
 *       {@code {"reason": "..."}}: decides one, here or through its holder ({@link ClusterApprovals}); 409 with what
 *       happened when it was decided or timed out already.</li>
 * </ul>
 *
 * A caller who is no approver of any policy gets 403 on all of it; an approver may not decide a call outside their
 * policies, nor their own call (403), wherever it is held. Errors are {@link ApprovalProblem}s.
 */
public final class ApprovalApi {

    public static final String PATH = "/mcp/v1/approvals";
    private static final int MAX_BODY = 16 * 1024;
    private static final int MAX_REASON = 500;

    private final Supplier<McpState> states;
    private final BearerAuthenticator authenticator;
    private final HostGuard hostGuard;
    private final Approvals approvals;
    private final Supplier<ClusterApprovals> cluster;

    /** @param cluster the other replicas' approvals, or null in the standalone mode (or before NATS is configured) */
    public ApprovalApi(Supplier<McpState> states, BearerAuthenticator authenticator, HostGuard hostGuard,
                       Approvals approvals, Supplier<ClusterApprovals> cluster) {
        this.states = states;
        this.authenticator = authenticator;
        this.hostGuard = hostGuard;
        this.approvals = approvals;
        this.cluster = cluster;
    }

    public void register(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY);
        router.get(PATH).handler(this::list);
        router.post(PATH + "/:id/approve").handler(body).handler(rc -> decide(rc, true));
        router.post(PATH + "/:id/deny").handler(body).handler(rc -> decide(rc, false));
    }

    private void list(RoutingContext rc) {
        approver(rc).onComplete(ar -> {
            if (ar.failed()) {
                fail(rc, ar.cause());
                return;
            }
            McpState state = ar.result().state();
            Principal who = ar.result().principal();
            ClusterApprovals others = cluster.get();
            Future<List<PendingApproval>> remote = others == null
                    ? Future.succeededFuture(List.of())
                    : Future.fromCompletionStage(others.othersPending(), rc.vertx().getOrCreateContext());
            remote.onComplete(found -> {
                List<PendingApproval> all = new ArrayList<>(approvals.pending());
                if (found.succeeded()) {
                    all.addAll(found.result());
                }
                all.sort(Comparator.comparing(PendingApproval::createdAt).thenComparing(PendingApproval::id));
                ObjectNode doc = Json.MAPPER.createObjectNode();
                ArrayNode list = doc.putArray("approvals");
                for (PendingApproval p : all) {
                    if (ApprovalRule.mayDecide(state.snapshot().config(), who, p)) {
                        list.add(json(p));
                    }
                }
                doc.put("cluster", others == null ? "off" : others.connected() ? "connected" : "unavailable");
                rc.response().putHeader("content-type", "application/json").end(Json.buffer(doc));
            });
        });
    }

    private void decide(RoutingContext rc, boolean approve) {
        String id = rc.pathParam("id");
        approver(rc).compose(caller -> {
            String reason = reason(rc);
            String by = caller.principal().subject().toString();
            Optional<PendingApproval> here = approvals.find(id);
            if (here.isPresent()) {
                authorize(caller, here.get());
                return Future.succeededFuture(approvals.decide(id, by, approve, reason)
                        .orElseThrow(() -> settledOrNotFound(id)));
            }
            ClusterApprovals others = cluster.get();
            Optional<Decision> settledHere = approvals.settled(id);
            if (settledHere.isPresent() || others == null) {
                throw settledOrNotFound(id);
            }
            return Future.fromCompletionStage(others.find(id), rc.vertx().getOrCreateContext())
                    .recover(e -> Future.failedFuture(unreachable(id)))
                    .compose(entry -> {
                        ClusterApprovals.Entry e = entry.orElseThrow(() -> ApprovalProblem.notFound(id));
                        authorize(caller, e.approval());
                        if (e.settled() != null) {
                            throw ApprovalProblem.conflict(id, e.settled());
                        }
                        return Future.fromCompletionStage(others.decide(e, by, approve, reason),
                                        rc.vertx().getOrCreateContext())
                                .recover(x -> Future.failedFuture(ApprovalProblem.unavailable("approval '" + id
                                        + "' is held by replica " + e.holder() + ", which does not answer: if it "
                                        + "stopped, its caller's connection went with it")))
                                .map(reply -> switch (reply.result()) {
                                    case APPLIED -> reply.decision();
                                    case SETTLED -> throw ApprovalProblem.conflict(id, reply.decision());
                                    case UNKNOWN -> throw ApprovalProblem.notFound(id);
                                });
                    });
        }).onComplete(ar -> {
            if (ar.failed()) {
                fail(rc, ar.cause());
                return;
            }
            Decision d = ar.result();
            ObjectNode doc = Json.MAPPER.createObjectNode().put("id", id);
            doc.setAll(ClusterApprovals.json(d));
            rc.response().putHeader("content-type", "application/json").end(Json.buffer(doc));
        });
    }

    /** The same rules wherever the call is held: not one's own call, and an approver of its policies. */
    private static void authorize(Caller caller, PendingApproval p) {
        Principal who = caller.principal();
        if (who.subject().equals(p.call().subject())) {
            throw ApprovalProblem.forbidden("you made this call: another approver must decide it");
        }
        if (!ApprovalRule.mayDecide(caller.state().snapshot().config(), who, p)) {
            throw ApprovalProblem.forbidden("you are not an approver of '" + p.call().tool() + "' on '"
                    + p.call().server() + "' for " + p.call().subject());
        }
    }

    private ApprovalProblem settledOrNotFound(String id) {
        return approvals.settled(id).map(d -> ApprovalProblem.conflict(id, d))
                .orElseGet(() -> ApprovalProblem.notFound(id));
    }

    private static ApprovalProblem unreachable(String id) {
        return ApprovalProblem.unavailable("no call waits for approval '" + id + "' on this replica, and the other "
                + "replicas cannot be asked: NATS cannot be reached. Decide it on the replica that holds it.");
    }

    private record Caller(McpState state, Principal principal) {
    }

    /** Host check, config, authentication, and the approver role: the caller approves for some policy. */
    private Future<Caller> approver(RoutingContext rc) {
        try {
            var authority = rc.request().authority();
            hostGuard.check(authority == null ? null : authority.host(), rc.request().getHeader("origin"));
        } catch (McpError e) {
            return Future.failedFuture(ApprovalProblem.of(e.httpStatus(), e.getMessage()));
        }
        McpState state = states.get();
        if (state == null) {
            return Future.failedFuture(ApprovalProblem.unavailable("the gateway has no configuration yet"));
        }
        return authenticator.authenticate(state.snapshot(), rc.request().getHeader("authorization"))
                .recover(e -> Future.failedFuture(e instanceof McpError m
                        ? ApprovalProblem.of(m.httpStatus(), m.getMessage()) : e))
                .compose(who -> ApprovalRule.isApprover(state.snapshot().config(), who)
                        ? Future.succeededFuture(new Caller(state, who))
                        : Future.failedFuture(ApprovalProblem.forbidden(who.subject()
                        + " is not an approver of any tool policy")));
    }

    private static String reason(RoutingContext rc) {
        var buffer = rc.body() == null ? null : rc.body().buffer();
        if (buffer == null || buffer.length() == 0) {
            return null;
        }
        JsonNode body;
        try {
            body = Json.read(buffer.getBytes());
        } catch (IOException e) {
            throw ApprovalProblem.badRequest("the body must be JSON: {\"reason\": \"...\"}");
        }
        JsonNode reason = body.get("reason");
        if (!body.isObject() || (reason != null && !reason.isTextual() && !reason.isNull())) {
            throw ApprovalProblem.badRequest("the body must be {\"reason\": \"...\"}, with a string");
        }
        String text = reason == null || reason.isNull() ? null : reason.asText();
        return text != null && text.length() > MAX_REASON ? text.substring(0, MAX_REASON) : text;
    }

    private static ObjectNode json(PendingApproval p) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", p.id());
        o.put("subject", p.call().subject().toString());
        o.put("credential", p.call().credential());
        o.put("endpoint", p.call().endpoint());
        o.put("server", p.call().server());
        o.put("tool", p.call().tool());
        o.set("arguments", p.arguments());
        o.put("channel", p.channel().wire());
        o.put("created_at", p.createdAt().toString());
        o.put("expires_at", p.expiresAt().toString());
        return o;
    }

    private static void fail(RoutingContext rc, Throwable e) {
        if (e instanceof ApprovalProblem p) {
            p.send(rc.response());
        } else {
            rc.fail(e);
        }
    }
}
