package dev.switchboard.mcpgateway.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.model.approval.ApprovalWire;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.runtime.NatsOptions;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The approvals of every replica, over NATS, so that any replica lists them and decides them:
 *
 * <ul>
 *   <li>each call held here is announced in the key-value bucket ({@value #BUCKET_DEFAULT} by default) under its id,
 *       with this replica as its holder; settled, the entry says how (kept for the bucket's age, two timeouts, so a
 *       late decision on any replica answers 409 with what happened);</li>
 *   <li>a decision taken on another replica comes as a request on {@code <prefix>.decide.<holder>}; the holder settles
 *       the call (it resumes here, where its caller waits) and answers {@code applied}, {@code settled} (with how) or
 *       {@code unknown}.</li>
 * </ul>
 *
 * Who may decide is checked by the replica the approver called, against its own snapshot, exactly as for a local call;
 * the holder trusts the replicas on its NATS as it trusts the config they send it. With NATS down the calls held here
 * are still listed and decided here; those of other replicas cannot be reached (503), and the announcements are made
 * again when NATS is back. One background thread; NATS is never on a tool call's path.
 */
public final class ClusterApprovals implements Approvals.Listener, AutoCloseable {

    public static final String BUCKET_DEFAULT = ApprovalWire.BUCKET_DEFAULT;
    public static final String SUBJECT_PREFIX_DEFAULT = ApprovalWire.SUBJECT_PREFIX_DEFAULT;
    /** How long a decision waits for the holder's answer. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(ClusterApprovals.class.getName());

    /** What a decision taken on another replica came to: applied, or already settled (how), or nothing known. */
    public record Reply(ApprovalWire.Result result, Decision decision) {
    }

    /** An approval of the cluster as the bucket has it: its holder, the call, and how it was settled (or null). */
    public record Entry(String holder, PendingApproval approval, Decision settled) {
    }

    private final Approvals approvals;
    private final String natsUrl;
    private final String bucket;
    private final String subjectPrefix;
    private final String holder;
    private final ExecutorService worker;
    private volatile Connection connection;
    private volatile KeyValue kv;
    private volatile boolean closed;

    ClusterApprovals(Approvals approvals, String natsUrl, String bucket, String subjectPrefix, String replicaId) {
        this.approvals = approvals;
        this.natsUrl = natsUrl;
        this.bucket = bucket;
        this.subjectPrefix = subjectPrefix;
        this.holder = ApprovalWire.holderToken(replicaId);
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "switchboard-approvals");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Shares {@code approvals} with the other replicas on the NATS at {@code natsUrl}; connects in the background and
     * returns at once.
     */
    public static ClusterApprovals start(Approvals approvals, String natsUrl, String bucket, String subjectPrefix,
                                         String replicaId) {
        ClusterApprovals cluster = new ClusterApprovals(approvals, natsUrl, bucket, subjectPrefix, replicaId);
        approvals.listen(cluster);
        cluster.worker.execute(cluster::connect);
        return cluster;
    }

    /** This replica's name in the bucket and in the subjects. */
    public String holder() {
        return holder;
    }

    public boolean connected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED && kv != null;
    }

    private void connect() {
        if (closed) {
            return;
        }
        try {
            ConnectionListener listener = (conn, event) -> {
                if (event == ConnectionListener.Events.RECONNECTED) {
                    worker.execute(this::announceAll); // a restarted NATS lost what was announced
                }
            };
            Connection c = Nats.connect(NatsOptions.builder(natsUrl, "switchboard-mcp-approvals", Duration.ofSeconds(2),
                    listener).build());
            Dispatcher dispatcher = c.createDispatcher(this::onDecide);
            dispatcher.subscribe(ApprovalWire.decideSubject(subjectPrefix, holder));
            connection = c;
            kv = bucket(c);
            announceAll();
            LOG.info(() -> "approvals: shared over NATS as " + holder);
        } catch (IOException | JetStreamApiException e) {
            LOG.warning(() -> "approvals: NATS at " + natsUrl + " cannot be reached (" + e.getMessage()
                    + "); deciding the calls held here only, until it can");
            retryLater();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void retryLater() {
        CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS).execute(() -> {
            if (!closed) {
                worker.execute(this::connect);
            }
        });
    }

    private KeyValue bucket(Connection c) throws IOException, JetStreamApiException {
        var kvm = c.keyValueManagement();
        try {
            kvm.getStatus(bucket);
        } catch (JetStreamApiException missing) {
            // two timeouts: a pending entry outlives its call, and a settled one answers late decisions for as long
            Duration age = approvals.timeout().multipliedBy(2).compareTo(Duration.ofMinutes(1)) < 0
                    ? Duration.ofMinutes(1) : approvals.timeout().multipliedBy(2);
            try {
                kvm.create(KeyValueConfiguration.builder().name(bucket).ttl(age).storageType(StorageType.Memory)
                        .description("Switchboard approvals waiting on the MCP gateway replicas").build());
            } catch (JetStreamApiException raced) {
                kvm.getStatus(bucket); // another replica created it meanwhile
            }
        }
        return c.keyValue(bucket);
    }

    @Override
    public void opened(PendingApproval p) {
        worker.execute(() -> put(p, null));
    }

    @Override
    public void settled(PendingApproval p, Decision d) {
        worker.execute(() -> put(p, d));
    }

    private void announceAll() {
        for (PendingApproval p : approvals.pending()) {
            put(p, null);
        }
    }

    private void put(PendingApproval p, Decision d) {
        KeyValue bucketNow = kv;
        if (bucketNow == null || !connected()) {
            return; // announced again on reconnect (pending ones; a settled one is answered by its holder's memory)
        }
        try {
            bucketNow.put(p.id(), ApprovalWire.encode(entry(p, d)));
        } catch (IOException | JetStreamApiException e) {
            LOG.fine(() -> "approvals: cannot announce " + p.id() + ": " + e.getMessage());
        }
    }

    /** The approvals of other replicas still pending, as the bucket has them; empty while NATS is down. */
    public CompletionStage<List<PendingApproval>> othersPending() {
        return CompletableFuture.supplyAsync(() -> {
            KeyValue bucketNow = kv;
            List<PendingApproval> found = new ArrayList<>();
            if (bucketNow == null || !connected()) {
                return found;
            }
            try {
                for (String key : bucketNow.keys()) {
                    Optional<Entry> e = read(bucketNow.get(key));
                    if (e.isPresent() && e.get().settled() == null && !holder.equals(e.get().holder())) {
                        found.add(e.get().approval());
                    }
                }
            } catch (IOException | JetStreamApiException e) {
                LOG.fine(() -> "approvals: cannot list the bucket: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return found;
        }, worker);
    }

    /** The bucket's entry for {@code id}; fails with {@link Unreachable} while NATS is down. */
    public CompletionStage<Optional<Entry>> find(String id) {
        return CompletableFuture.supplyAsync(() -> {
            KeyValue bucketNow = kv;
            if (bucketNow == null || !connected()) {
                throw new Unreachable();
            }
            if (!ApprovalWire.validKey(id)) {
                return Optional.empty();
            }
            try {
                return read(bucketNow.get(id));
            } catch (IOException | JetStreamApiException e) {
                throw new Unreachable();
            }
        }, worker);
    }

    /** Sends a decision of {@code entry} to its holder; fails with {@link Unreachable} if the holder does not answer. */
    public CompletionStage<Reply> decide(Entry entry, String by, boolean approve, String reason) {
        Connection c = connection;
        if (c == null || !connected()) {
            return CompletableFuture.failedFuture(new Unreachable());
        }
        byte[] body = ApprovalWire.encode(new ApprovalWire.DecideRequest(entry.approval().id(), by, approve, reason));
        return c.requestWithTimeout(ApprovalWire.decideSubject(subjectPrefix, entry.holder()), body, REQUEST_TIMEOUT)
                .handle((msg, error) -> {
                    if (error != null || msg == null || msg.getData() == null || msg.getData().length == 0) {
                        throw new Unreachable();
                    }
                    try {
                        ApprovalWire.DecideReply answer = ApprovalWire.decodeReply(msg.getData());
                        return new Reply(answer.result(),
                                answer.decision() == null ? null : decision(answer.decision()));
                    } catch (IllegalArgumentException e) {
                        throw new Unreachable();
                    }
                });
    }

    /** The holder's side: a decision from another replica for a call held here. */
    private void onDecide(Message msg) {
        if (msg.getReplyTo() == null) {
            return;
        }
        ApprovalWire.DecideReply answer;
        try {
            ApprovalWire.DecideRequest req = ApprovalWire.decodeRequest(msg.getData());
            Optional<Decision> applied = approvals.decide(req.id(), req.by(), req.approve(), req.reason());
            if (applied.isPresent()) {
                answer = new ApprovalWire.DecideReply(ApprovalWire.Result.APPLIED, wire(applied.get()));
            } else {
                Optional<Decision> before = approvals.settled(req.id());
                answer = new ApprovalWire.DecideReply(before.isPresent() ? ApprovalWire.Result.SETTLED
                        : ApprovalWire.Result.UNKNOWN, before.map(ClusterApprovals::wire).orElse(null));
            }
        } catch (IllegalArgumentException e) {
            answer = new ApprovalWire.DecideReply(ApprovalWire.Result.UNKNOWN, null);
        }
        Connection c = connection;
        if (c != null) {
            c.publish(msg.getReplyTo(), ApprovalWire.encode(answer));
        }
    }

    /** NATS cannot be reached, or the holder does not answer. */
    public static final class Unreachable extends RuntimeException {
        Unreachable() {
            super(null, null, false, false);
        }
    }

    private ApprovalWire.Entry entry(PendingApproval p, Decision d) {
        PendingApproval.Call call = p.call();
        return new ApprovalWire.Entry(p.id(), holder, call.subject().toString(), call.credential(), call.endpoint(),
                call.server(), call.tool(), p.arguments(), p.approvers().stream().map(SubjectRef::toString).toList(),
                p.channel().wire(), p.createdAt(), p.expiresAt(), d == null ? null : wire(d));
    }

    private static Optional<Entry> read(KeyValueEntry e) {
        if (e == null || e.getOperation() != KeyValueOperation.PUT || e.getValue() == null) {
            return Optional.empty();
        }
        try {
            ApprovalWire.Entry o = ApprovalWire.decodeEntry(e.getValue());
            List<SubjectRef> approvers = o.approvers().stream().map(SubjectRef::parse).toList();
            PendingApproval p = new PendingApproval(o.id(), new PendingApproval.Call(SubjectRef.parse(o.subject()),
                    o.credential(), o.endpoint(), o.server(), o.tool(), null), o.arguments(), approvers,
                    "elicitation".equals(o.channel()) ? Channel.ELICITATION : Channel.API, o.createdAt(),
                    o.expiresAt());
            return Optional.of(new Entry(o.holder(), p, o.settled() == null ? null : decision(o.settled())));
        } catch (RuntimeException bad) {
            LOG.fine(() -> "approvals: unreadable entry " + e.getKey() + ": " + bad.getMessage());
            return Optional.empty();
        }
    }

    static ApprovalWire.Settled wire(Decision d) {
        return new ApprovalWire.Settled(d.outcome().wire(), d.decidedBy(), d.at(), d.reason());
    }

    static ObjectNode json(Decision d) {
        return Json.MAPPER.createObjectNode().put("decision", d.outcome().wire()).put("decided_by", d.decidedBy())
                .put("decided_at", d.at().toString()).put("reason", d.reason());
    }

    private static Decision decision(ApprovalWire.Settled s) {
        return new Decision(Decision.Outcome.valueOf(s.decision().toUpperCase(java.util.Locale.ROOT)), s.decidedBy(),
                s.decidedAt(), s.reason());
    }

    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
        NatsOptions.close(connection);
    }
}
