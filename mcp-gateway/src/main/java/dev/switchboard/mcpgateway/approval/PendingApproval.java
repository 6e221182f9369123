package dev.switchboard.mcpgateway.approval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.config.SubjectRef;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One call waiting for a person: who made it and what it asks ({@link Call}), the arguments as the pre-tool
 * guardrails let them go (redacted), who may decide it, how it was put to them, and until when it waits.
 */
public final class PendingApproval {

    /**
     * The call as an approver sees it: the caller ({@code subject}, the {@code credential} they used), the endpoint
     * they addressed, the upstream server and tool, and the session it belongs to (an elicitation answer must come
     * in that session).
     */
    public record Call(SubjectRef subject, String credential, String endpoint, String server, String tool,
                       String sessionId) {
    }

    private final String id;
    private final Call call;
    private final JsonNode arguments;
    private final List<SubjectRef> approvers;
    private final Channel channel;
    private final Instant createdAt;
    private final Instant expiresAt;
    private final CompletableFuture<Decision> decision = new CompletableFuture<>();

    PendingApproval(String id, Call call, JsonNode arguments, List<SubjectRef> approvers, Channel channel,
                    Instant createdAt, Instant expiresAt) {
        this.id = id;
        this.call = call;
        this.arguments = arguments;
        this.approvers = List.copyOf(approvers);
        this.channel = channel;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    public String id() {
        return id;
    }

    public Call call() {
        return call;
    }

    public JsonNode arguments() {
        return arguments;
    }

    public List<SubjectRef> approvers() {
        return approvers;
    }

    public Channel channel() {
        return channel;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    /** Completes once, on the thread that decided. */
    public CompletionStage<Decision> decision() {
        return decision;
    }

    void complete(Decision d) {
        decision.complete(d);
    }
}
