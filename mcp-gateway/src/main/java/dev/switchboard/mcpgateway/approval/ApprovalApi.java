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
import java.util.function.Supplier;

/**
 * The approval API, for approvers (the {@code approvers} of a tool policy), with the same API keys and JWTs as agents:
 *
 * <ul>
 *   <li>{@code GET /mcp/v1/approvals}: the calls waiting on this replica that the caller may decide;</li>
 *   <li>{@code POST /mcp/v1/approvals/{id}/approve} and {@code .../deny}, with an optional
 *       {@code {"reason": "..."}}: decides one.</li>
 * </ul>
 *
 * A caller who is no approver of any policy gets 403 on all of it; an approver may not decide a call outside their
 * policies, nor their own call (403). Errors are {@link ApprovalProblem}s.
 */
public final class ApprovalApi {

    public static final String PATH = "/mcp/v1/approvals";
    private static final int MAX_BODY = 16 * 1024;
    private static final int MAX_REASON = 500;

    private final Supplier<McpState> states;
    private final BearerAuthenticator authenticator;
    private final HostGuard hostGuard;
    private final Approvals approvals;

    public ApprovalApi(Supplier<McpState> states, BearerAuthenticator authenticator, HostGuard hostGuard,
                       Approvals approvals) {
        this.states = states;
        this.authenticator = authenticator;
        this.hostGuard = hostGuard;
        this.approvals = approvals;
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
            ObjectNode doc = Json.MAPPER.createObjectNode();
            ArrayNode list = doc.putArray("approvals");
            for (PendingApproval p : approvals.pending()) {
                if (ApprovalRule.mayDecide(state.snapshot().config(), who, p)) {
                    list.add(json(p));
                }
            }
            rc.response().putHeader("content-type", "application/json").end(Json.buffer(doc));
        });
    }

    private void decide(RoutingContext rc, boolean approve) {
        String id = rc.pathParam("id");
        approver(rc).onComplete(ar -> {
            try {
                if (ar.failed()) {
                    throw ar.cause();
                }
                String reason = reason(rc);
                Principal who = ar.result().principal();
                PendingApproval p = approvals.find(id).orElseThrow(() -> ApprovalProblem.notFound(id));
                if (who.subject().equals(p.call().subject())) {
                    throw ApprovalProblem.forbidden("you made this call: another approver must decide it");
                }
                if (!ApprovalRule.mayDecide(ar.result().state().snapshot().config(), who, p)) {
                    throw ApprovalProblem.forbidden("you are not an approver of '" + p.call().tool() + "' on '"
                            + p.call().server() + "' for " + p.call().subject());
                }
                Decision d = approvals.decide(id, who.subject().toString(), approve, reason)
                        .orElseThrow(() -> ApprovalProblem.notFound(id));
                ObjectNode doc = Json.MAPPER.createObjectNode().put("id", id).put("decision", d.outcome().wire())
                        .put("decided_by", d.decidedBy()).put("decided_at", d.at().toString()).put("reason", d.reason());
                rc.response().putHeader("content-type", "application/json").end(Json.buffer(doc));
            } catch (Throwable e) {
                fail(rc, e);
            }
        });
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
