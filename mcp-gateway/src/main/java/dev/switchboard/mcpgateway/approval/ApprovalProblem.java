package dev.switchboard.mcpgateway.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import io.vertx.core.http.HttpServerResponse;

/**
 * An error of the approval API as a value, written as {@code application/problem+json} like the control plane's admin
 * API: {@code {"status": 403, "title": "forbidden", "detail": "..."}}. Built only here.
 */
final class ApprovalProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final Decision decision;

    private ApprovalProblem(int status, String title, String detail) {
        this(status, title, detail, null);
    }

    private ApprovalProblem(int status, String title, String detail, Decision decision) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.decision = decision;
    }

    static ApprovalProblem badRequest(String detail) {
        return new ApprovalProblem(400, "bad request", detail);
    }

    static ApprovalProblem unauthorized(String detail) {
        return new ApprovalProblem(401, "unauthorized", detail);
    }

    static ApprovalProblem forbidden(String detail) {
        return new ApprovalProblem(403, "forbidden", detail);
    }

    static ApprovalProblem notFound(String id) {
        return new ApprovalProblem(404, "not found", "no call waits for approval '" + id + "' on any replica: "
                + "there is none by that id, or it was settled long enough ago to be forgotten");
    }

    /** Decided already (or timed out, or its caller left): what happened, also as the problem's {@code decision}. */
    static ApprovalProblem conflict(String id, Decision d) {
        String what = switch (d.outcome()) {
            case APPROVED -> "was approved by " + d.decidedBy();
            case DENIED -> "was denied by " + d.decidedBy();
            case TIMEOUT -> "timed out";
            case CANCELLED -> "was cancelled: its caller went away";
        };
        return new ApprovalProblem(409, "conflict", "approval '" + id + "' " + what + " at " + d.at()
                + "; it cannot be decided any more", d);
    }

    static ApprovalProblem unavailable(String detail) {
        return new ApprovalProblem(503, "unavailable", detail);
    }

    static ApprovalProblem of(int status, String detail) {
        return switch (status) {
            case 401 -> unauthorized(detail);
            case 403 -> forbidden(detail);
            case 503 -> unavailable(detail);
            default -> badRequest(detail);
        };
    }

    int status() {
        return status;
    }

    void send(HttpServerResponse out) {
        if (out.ended() || out.closed()) {
            return;
        }
        ObjectNode body = Json.MAPPER.createObjectNode().put("status", status).put("title", title)
                .put("detail", getMessage());
        if (decision != null) {
            body.setAll(ClusterApprovals.json(decision));
        }
        if (status == 401) {
            out.putHeader("WWW-Authenticate", "Bearer");
        }
        out.setStatusCode(status).putHeader("content-type", "application/problem+json").end(Json.buffer(body));
    }
}
