package dev.switchboard.mcpgateway.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
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
import java.time.Instant;
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

    public static final String BUCKET_DEFAULT = "switchboard-approvals";
    public static final String SUBJECT_PREFIX_DEFAULT = "switchboard.approvals";
    /** How long a decision waits for the holder's answer. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(ClusterApprovals.class.getName());

    /** The answer of the holder (or of the bucket) to a decision taken elsewhere. */
    public enum Result { APPLIED, SETTLED, UNKNOWN }

    /** What a decision taken on another replica came to: applied, or already settled (how), or nothing known. */
    public record Reply(Result result, Decision decision) {
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
        this.subjectPrefix = subjectPrefix.endsWith(".") ? subjectPrefix.substring(0, subjectPrefix.length() - 1)
                : subjectPrefix;
        this.holder = token(replicaId);
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
            dispatcher.subscribe(subjectPrefix + ".decide." + holder);
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
            bucketNow.put(p.id(), Json.write(entry(p, d)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
            if (!validKey(id)) {
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
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", entry.approval().id()).put("by", by)
                .put("approve", approve).put("reason", reason);
        return c.requestWithTimeout(subjectPrefix + ".decide." + entry.holder(), Json.write(body).getBytes(
                        java.nio.charset.StandardCharsets.UTF_8), REQUEST_TIMEOUT)
                .handle((msg, error) -> {
                    if (error != null || msg == null || msg.getData() == null || msg.getData().length == 0) {
                        throw new Unreachable();
                    }
                    try {
                        JsonNode answer = Json.read(msg.getData());
                        Result result = Result.valueOf(answer.path("result").asText("UNKNOWN").toUpperCase());
                        return new Reply(result, answer.has("decision") ? decision(answer.get("decision")) : null);
                    } catch (IOException | IllegalArgumentException e) {
                        throw new Unreachable();
                    }
                });
    }

    /** The holder's side: a decision from another replica for a call held here. */
    private void onDecide(Message msg) {
        if (msg.getReplyTo() == null) {
            return;
        }
        ObjectNode answer = Json.MAPPER.createObjectNode();
        try {
            JsonNode req = Json.read(msg.getData());
            String id = req.path("id").asText(null);
            String reason = req.path("reason").isTextual() ? req.path("reason").asText() : null;
            Optional<Decision> applied = approvals.decide(id, req.path("by").asText(null),
                    req.path("approve").asBoolean(false), reason);
            if (applied.isPresent()) {
                answer.put("result", "applied").set("decision", json(applied.get()));
            } else {
                Optional<Decision> before = approvals.settled(id);
                answer.put("result", before.isPresent() ? "settled" : "unknown");
                before.ifPresent(d -> answer.set("decision", json(d)));
            }
        } catch (IOException e) {
            answer.put("result", "unknown");
        }
        Connection c = connection;
        if (c != null) {
            c.publish(msg.getReplyTo(), Json.write(answer).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** NATS cannot be reached, or the holder does not answer. */
    public static final class Unreachable extends RuntimeException {
        Unreachable() {
            super(null, null, false, false);
        }
    }

    private ObjectNode entry(PendingApproval p, Decision d) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", p.id());
        o.put("holder", holder);
        o.put("subject", p.call().subject().toString());
        o.put("credential", p.call().credential());
        o.put("endpoint", p.call().endpoint());
        o.put("server", p.call().server());
        o.put("tool", p.call().tool());
        o.set("arguments", p.arguments());
        ArrayNode approvers = o.putArray("approvers");
        p.approvers().forEach(a -> approvers.add(a.toString()));
        o.put("channel", p.channel().wire());
        o.put("created_at", p.createdAt().toString());
        o.put("expires_at", p.expiresAt().toString());
        if (d != null) {
            o.set("settled", json(d));
        }
        return o;
    }

    private static Optional<Entry> read(KeyValueEntry e) {
        if (e == null || e.getOperation() != KeyValueOperation.PUT || e.getValue() == null) {
            return Optional.empty();
        }
        try {
            JsonNode o = Json.read(e.getValue());
            List<SubjectRef> approvers = new ArrayList<>();
            o.path("approvers").forEach(a -> approvers.add(SubjectRef.parse(a.asText())));
            // no session id: it carries the caller's sealed upstream sessions and stays with the holder
            PendingApproval p = new PendingApproval(o.path("id").asText(), new PendingApproval.Call(
                    SubjectRef.parse(o.path("subject").asText()), o.path("credential").asText(null),
                    o.path("endpoint").asText(null), o.path("server").asText(null), o.path("tool").asText(null), null),
                    o.path("arguments"), approvers, "elicitation".equals(o.path("channel").asText())
                    ? Channel.ELICITATION : Channel.API, Instant.parse(o.path("created_at").asText()),
                    Instant.parse(o.path("expires_at").asText()));
            return Optional.of(new Entry(o.path("holder").asText(), p,
                    o.has("settled") ? decision(o.get("settled")) : null));
        } catch (IOException | RuntimeException bad) {
            LOG.fine(() -> "approvals: unreadable entry " + e.getKey() + ": " + bad.getMessage());
            return Optional.empty();
        }
    }

    static ObjectNode json(Decision d) {
        return Json.MAPPER.createObjectNode().put("decision", d.outcome().wire()).put("decided_by", d.decidedBy())
                .put("decided_at", d.at().toString()).put("reason", d.reason());
    }

    private static Decision decision(JsonNode o) {
        Decision.Outcome outcome = Decision.Outcome.valueOf(o.path("decision").asText().toUpperCase());
        return new Decision(outcome, o.path("decided_by").asText(null), Instant.parse(o.path("decided_at").asText()),
                o.path("reason").asText(null));
    }

    /** Ids are hex (see {@link Approvals#open}); anything else is no key of the bucket. */
    private static boolean validKey(String id) {
        return id != null && !id.isEmpty() && id.length() <= 64 && id.chars().allMatch(ch -> Character.digit(ch, 16) >= 0);
    }

    /** A replica id as one subject token: letters, digits, '-' and '_' only. */
    static String token(String replicaId) {
        return replicaId.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
        NatsOptions.close(connection);
    }
}
