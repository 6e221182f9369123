package dev.switchboard.controlplane.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.approval.ApprovalWire;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * An MCP gateway replica holding tool calls for approval, as far as NATS sees it ({@link ApprovalWire}): it announces
 * each held call in the approvals bucket (created as the gateway creates it), takes decisions on its decide subject,
 * settles the call in the bucket and answers as the gateway does. Every decision it received is kept for the test.
 */
public final class FakeApprovalHolder implements AutoCloseable {

    private final Connection nc;
    private final KeyValue kv;
    private final String holder;
    private final Map<String, ApprovalWire.Entry> held = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<ApprovalWire.DecideRequest> decisions = new LinkedBlockingQueue<>();

    public FakeApprovalHolder(String natsUrl, String bucket, String subjectPrefix, String replicaId)
            throws IOException, InterruptedException, JetStreamApiException, java.util.concurrent.TimeoutException {
        this.nc = Nats.connect(natsUrl);
        this.holder = ApprovalWire.holderToken(replicaId);
        var kvm = nc.keyValueManagement();
        if (!kvm.getBucketNames().contains(bucket)) {
            kvm.create(KeyValueConfiguration.builder().name(bucket).ttl(Duration.ofMinutes(10))
                    .storageType(StorageType.Memory).build());
        }
        this.kv = nc.keyValue(bucket);
        nc.createDispatcher(this::onDecide).subscribe(ApprovalWire.decideSubject(subjectPrefix, holder));
        nc.flush(Duration.ofSeconds(5));
    }

    /** Holds a call of {@code subject} to {@code server}/{@code tool} that {@code approvers} may decide. */
    public ApprovalWire.Entry hold(String subject, String server, String tool, JsonNode arguments,
                                   List<String> approvers) throws IOException, JetStreamApiException {
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        Instant now = Instant.now();
        ApprovalWire.Entry e = new ApprovalWire.Entry(HexFormat.of().formatHex(id), holder, subject, "api_key:laptop",
                "/mcp/v1/" + server + "/mcp", server, tool, arguments, approvers, "api", now, now.plusSeconds(300),
                null);
        held.put(e.id(), e);
        kv.put(e.id(), ApprovalWire.encode(e));
        return e;
    }

    /** The next decision this replica received, waiting at most {@code timeout}; null when none came. */
    public ApprovalWire.DecideRequest nextDecision(Duration timeout) throws InterruptedException {
        return decisions.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onDecide(Message msg) {
        ApprovalWire.DecideRequest req = ApprovalWire.decodeRequest(msg.getData());
        decisions.add(req);
        ApprovalWire.Entry e = held.get(req.id());
        ApprovalWire.DecideReply reply;
        if (e == null) {
            reply = new ApprovalWire.DecideReply(ApprovalWire.Result.UNKNOWN, null);
        } else if (e.settled() != null) {
            reply = new ApprovalWire.DecideReply(ApprovalWire.Result.SETTLED, e.settled());
        } else {
            ApprovalWire.Settled s = new ApprovalWire.Settled(req.approve() ? "approved" : "denied", req.by(),
                    Instant.now(), req.reason());
            ApprovalWire.Entry settled = new ApprovalWire.Entry(e.id(), e.holder(), e.subject(), e.credential(),
                    e.endpoint(), e.server(), e.tool(), e.arguments(), e.approvers(), e.channel(), e.createdAt(),
                    e.expiresAt(), s);
            held.put(e.id(), settled);
            try {
                kv.put(e.id(), ApprovalWire.encode(settled));
            } catch (IOException | JetStreamApiException ex) {
                throw new IllegalStateException(ex);
            }
            reply = new ApprovalWire.DecideReply(ApprovalWire.Result.APPLIED, s);
        }
        nc.publish(msg.getReplyTo(), ApprovalWire.encode(reply));
    }

    @Override
    public void close() throws InterruptedException {
        nc.close();
    }
}
