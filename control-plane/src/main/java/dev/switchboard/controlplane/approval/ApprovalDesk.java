package dev.switchboard.controlplane.approval;

import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.model.approval.ApprovalWire;
import dev.switchboard.runtime.NatsOptions;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The MCP gateways' approvals, seen and decided from the control plane through their NATS contract
 * ({@link ApprovalWire}): the calls held by every replica are read from the key-value bucket, and a decision is sent to
 * the replica holding the call, which resumes it there. The bucket and subject settings are the MCP gateway's own keys
 * ({@code switchboard.mcp.approval.bucket}, {@code .subject-prefix}), so one setting configures both.
 */
@Singleton
public class ApprovalDesk {

    private static final Logger LOG = Logger.getLogger(ApprovalDesk.class);
    /** How long a decision waits for the holder's answer (as between gateway replicas). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    @Inject
    ControlPlaneConfig config;

    private volatile Connection connection;

    /** The approvals as the bucket has them, pending and recently settled. */
    public record Listing(List<ApprovalWire.Entry> pending, List<ApprovalWire.Entry> settled) {
    }

    /** What a decision came to, as the holder answered. */
    public record Outcome(ApprovalWire.Result result, ApprovalWire.Settled decision) {
    }

    /** NATS, the bucket or the holder cannot be reached: said as a sentence for the page. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    void start(@Observes StartupEvent event) {
        try {
            // in the background and retrying: the control plane serves while NATS is away
            Nats.connectAsynchronously(NatsOptions.builder(config.nats().url(), "switchboard-control-plane-approvals",
                    Duration.ofSeconds(2), this::connectionEvent).build(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        NatsOptions.close(connection);
    }

    private void connectionEvent(Connection c, ConnectionListener.Events e) {
        if (e == ConnectionListener.Events.CONNECTED && connection == null) {
            connection = c;
        }
        LOG.debugf("NATS connection (approvals): %s", e);
    }

    /** Every entry of the bucket: pending ones oldest first, settled ones newest first. */
    public Listing list() {
        Optional<KeyValue> kv = bucket();
        List<ApprovalWire.Entry> pending = new ArrayList<>();
        List<ApprovalWire.Entry> settled = new ArrayList<>();
        if (kv.isEmpty()) {
            return new Listing(pending, settled);
        }
        try {
            for (String key : kv.get().keys()) {
                read(kv.get().get(key)).ifPresent(entry -> (entry.pending() ? pending : settled).add(entry));
            }
        } catch (IOException | JetStreamApiException e) {
            throw new Unavailable("cannot read the approvals bucket " + bucketName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
        pending.sort(Comparator.comparing(ApprovalWire.Entry::createdAt).thenComparing(ApprovalWire.Entry::id));
        settled.sort(Comparator.comparing((ApprovalWire.Entry e) -> e.settled().decidedAt()).reversed());
        return new Listing(pending, settled);
    }

    /** The bucket's entry for {@code id}, if there is one. */
    public Optional<ApprovalWire.Entry> find(String id) {
        if (!ApprovalWire.validKey(id)) {
            return Optional.empty();
        }
        Optional<KeyValue> kv = bucket();
        if (kv.isEmpty()) {
            return Optional.empty();
        }
        try {
            return read(kv.get().get(id));
        } catch (IOException | JetStreamApiException e) {
            throw new Unavailable("cannot read the approvals bucket " + bucketName() + ": " + e.getMessage());
        }
    }

    /**
     * Sends the decision of {@code by} on the pending call {@code entry} to its holder and waits for its answer. The
     * holder records {@code by} as the decider in the call's audit record.
     */
    public Outcome decide(ApprovalWire.Entry entry, String by, boolean approve, String reason) {
        Connection c = connected();
        byte[] body = ApprovalWire.encode(new ApprovalWire.DecideRequest(entry.id(), by, approve, reason));
        Message answer;
        try {
            String subject = ApprovalWire.decideSubject(config.mcp().approval().subjectPrefix(), entry.holder());
            answer = c.requestWithTimeout(subject, body, REQUEST_TIMEOUT)
                    .get(REQUEST_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new Unavailable("the MCP gateway replica " + entry.holder() + " that holds this call does not"
                    + " answer: if it stopped, its caller's connection went with it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
        try {
            ApprovalWire.DecideReply reply = ApprovalWire.decodeReply(answer.getData());
            LOG.infof("approval %s (%s on %s) %s by %s: %s", entry.id(), entry.tool(), entry.server(),
                    approve ? "approved" : "denied", by, reply.result().wire());
            return new Outcome(reply.result(), reply.decision());
        } catch (IllegalArgumentException e) {
            throw new Unavailable("the MCP gateway replica " + entry.holder() + " answered something unreadable");
        }
    }

    private Connection connected() {
        Connection c = connection;
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            throw new Unavailable("NATS at " + config.nats().url() + " cannot be reached; try again later");
        }
        return c;
    }

    private String bucketName() {
        return config.mcp().approval().bucket();
    }

    /** The bucket, or empty when no MCP gateway created it yet. */
    private Optional<KeyValue> bucket() {
        Connection c = connected();
        String bucket = bucketName();
        try {
            c.keyValueManagement().getStatus(bucket);
        } catch (JetStreamApiException missing) {
            return Optional.empty();
        } catch (IOException e) {
            throw new Unavailable("NATS at " + config.nats().url() + " does not answer: " + e.getMessage());
        }
        try {
            return Optional.of(c.keyValue(bucket));
        } catch (IOException e) {
            throw new Unavailable("cannot open the approvals bucket " + bucket + ": " + e.getMessage());
        }
    }

    private static Optional<ApprovalWire.Entry> read(KeyValueEntry e) {
        if (e == null || e.getOperation() != KeyValueOperation.PUT || e.getValue() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ApprovalWire.decodeEntry(e.getValue()));
        } catch (IllegalArgumentException bad) {
            LOG.debugf("approvals: unreadable entry %s: %s", e.getKey(), bad.getMessage());
            return Optional.empty();
        }
    }
}
