package dev.switchboard.mcpgateway.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.McpHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

/** The approval API as an approver's script would use it: plain HTTP, a bearer token, JSON. */
final class ApprovalClient {

    private final McpHttp http;
    private final String base;

    ApprovalClient(String base) {
        this.base = base;
        this.http = new McpHttp(base);
    }

    McpHttp.Reply list(String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/mcp/v1/approvals")).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build());
    }

    McpHttp.Reply approve(String token, String id, String body) {
        return decide(token, id, "approve", body);
    }

    McpHttp.Reply deny(String token, String id, String body) {
        return decide(token, id, "deny", body);
    }

    private McpHttp.Reply decide(String token, String id, String verb, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/mcp/v1/approvals/" + id + "/" + verb))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build());
    }

    /** Waits until {@code token} sees a pending approval of {@code tool}; returns it. */
    JsonNode awaitPending(String token, String tool) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            McpHttp.Reply reply = list(token);
            if (reply.status() != 200) {
                throw new AssertionError("GET /mcp/v1/approvals: " + reply.status() + " " + reply.body());
            }
            for (JsonNode a : reply.json().path("approvals")) {
                if (tool.equals(a.path("tool").asText())) {
                    return a;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no approval of '" + tool + "' appeared");
    }
}
