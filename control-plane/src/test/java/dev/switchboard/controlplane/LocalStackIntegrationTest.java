package dev.switchboard.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.teststack.LocalStack;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reaches the real PostgreSQL, NATS JetStream and ClickHouse servers that {@link LocalStack#get()}
 * provides (starting the repo's {@code deploy/stack.sh} when needed). Plain JUnit: no Quarkus app,
 * no mocks. Every object it creates has a per-run unique name and is removed afterwards.
 */
class LocalStackIntegrationTest {

    private static final long TIMEOUT_SECONDS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;
    private static String runId;

    @BeforeAll
    static void resolveStack() {
        long t0 = System.nanoTime();
        stack = LocalStack.get(); // prints "[LocalStack] using <source>; <endpoints>"
        runId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        System.out.printf("[LocalStackIntegrationTest] stack ready in %d ms (source: %s), run id %s%n",
                ms(t0), stack.source(), runId);
    }

    // ------------------------------------------------------------------ PostgreSQL

    @Test
    void postgresReactiveClientRoundTrip() throws Exception {
        long t0 = System.nanoTime();
        Vertx vertx = Vertx.vertx();
        Pool pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(1))
                .connectingTo(new PgConnectOptions()
                        .setHost(stack.pgHost())
                        .setPort(stack.pgPort())
                        .setUser(stack.pgUser())
                        .setDatabase(stack.pgDatabase())
                        .setConnectTimeout(5_000))
                .using(vertx)
                .build();
        try {
            String version = await(pool.query("select version()").execute())
                    .iterator().next().getString(0);
            assertTrue(version.startsWith("PostgreSQL "), version);

            // A temp table lives in one session, so everything below runs on one connection.
            String table = "sb_it_" + runId;
            String name = "route-" + runId;
            record Result(int inserted, RowSet<Row> selected) {
            }
            Result result = await(pool.withConnection(conn -> conn
                    .query("create temp table " + table + " (id int primary key, name text not null)").execute()
                    .compose(v -> conn.preparedQuery("insert into " + table + " (id, name) values ($1, $2)")
                            .execute(Tuple.of(42, name)))
                    .compose(inserted -> conn.preparedQuery("select id, name from " + table + " where id = $1")
                            .execute(Tuple.of(42))
                            .map(selected -> new Result(inserted.rowCount(), selected)))));
            assertEquals(1, result.inserted());
            assertEquals(1, result.selected().size());
            Row row = result.selected().iterator().next();
            assertEquals(42, row.getInteger("id"));
            assertEquals(name, row.getString("name"));
            System.out.printf("[LocalStackIntegrationTest] PostgreSQL ok in %d ms: %s%n", ms(t0), version);
        } finally {
            await(pool.close());
            await(vertx.close());
        }
    }

    // ------------------------------------------------------------------ NATS JetStream

    @Test
    void natsJetStreamDurablePullConsumer() throws Exception {
        long t0 = System.nanoTime();
        String stream = "SB_IT_" + runId;
        String subject = "switchboard.it." + runId;
        String durable = "sb-it-durable-" + runId;
        Options options = new Options.Builder()
                .server(stack.natsUrl())
                .connectionTimeout(Duration.ofSeconds(5))
                .maxReconnects(0)
                .build();
        try (Connection nc = Nats.connect(options)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamConfiguration streamConfig = StreamConfiguration.builder()
                    .name(stream)
                    .subjects(subject)
                    .storageType(StorageType.File)
                    .build();
            try {
                jsm.addStream(streamConfig);
            } catch (JetStreamApiException exists) {
                jsm.updateStream(streamConfig); // create-or-update
            }
            try {
                JetStream js = nc.jetStream();
                for (int i = 1; i <= 3; i++) {
                    PublishAck ack = js.publish(subject, ("m" + i).getBytes(StandardCharsets.UTF_8));
                    assertEquals(stream, ack.getStream());
                    assertEquals(i, ack.getSeqno());
                    assertFalse(ack.isDuplicate());
                }

                // Short ack wait: a message that was not acked would come back within the empty fetch below.
                ConsumerConfiguration consumerConfig = ConsumerConfiguration.builder()
                        .durable(durable)
                        .ackPolicy(AckPolicy.Explicit)
                        .deliverPolicy(DeliverPolicy.All)
                        .ackWait(Duration.ofSeconds(1))
                        .build();
                JetStreamSubscription first = js.subscribe(subject,
                        PullSubscribeOptions.builder().stream(stream).configuration(consumerConfig).build());
                List<Message> batch = fetchAtLeast(first, 3, Duration.ofSeconds(5));
                List<String> bodies = new ArrayList<>();
                for (Message m : batch) {
                    bodies.add(new String(m.getData(), StandardCharsets.UTF_8));
                    assertEquals(1, m.metaData().deliveredCount());
                    m.ackSync(Duration.ofSeconds(2)); // the server confirms the ack
                }
                assertEquals(List.of("m1", "m2", "m3"), bodies);
                assertEquals(List.of(1L, 2L, 3L), batch.stream().map(m -> m.metaData().streamSequence()).toList());
                first.unsubscribe(); // the durable consumer stays on the server

                ConsumerInfo info = jsm.getConsumerInfo(stream, durable);
                assertEquals(3, info.getAckFloor().getStreamSequence());
                assertEquals(0, info.getNumAckPending());
                assertEquals(0, info.getNumPending());

                // Same durable name again: it resumes after the acked messages.
                JetStreamSubscription second = js.subscribe(subject,
                        PullSubscribeOptions.builder().stream(stream).durable(durable).build());
                List<Message> redelivered = second.fetch(10, Duration.ofMillis(2_000)); // > ack wait
                assertTrue(redelivered.isEmpty(), "acked messages were redelivered: " + redelivered.size());

                PublishAck fourth = js.publish(subject, "m4".getBytes(StandardCharsets.UTF_8));
                assertEquals(4, fourth.getSeqno());
                List<Message> next = second.fetch(1, Duration.ofSeconds(5));
                assertEquals(1, next.size());
                Message m4 = next.get(0);
                assertEquals("m4", new String(m4.getData(), StandardCharsets.UTF_8));
                assertEquals(4, m4.metaData().streamSequence());
                assertEquals(4, m4.metaData().consumerSequence()); // no delivery happened in between
                assertEquals(1, m4.metaData().deliveredCount());
                m4.ackSync(Duration.ofSeconds(2));
                second.unsubscribe();
                assertEquals(4, jsm.getConsumerInfo(stream, durable).getAckFloor().getStreamSequence());
            } finally {
                jsm.deleteStream(stream); // deletes its consumers too
            }
            System.out.printf("[LocalStackIntegrationTest] NATS JetStream ok in %d ms (stream %s, durable %s)%n",
                    ms(t0), stream, durable);
        }
    }

    private static List<Message> fetchAtLeast(JetStreamSubscription sub, int count, Duration timeout)
            throws InterruptedException {
        List<Message> all = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (all.size() < count && System.nanoTime() < deadline) {
            long left = Math.max(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            all.addAll(sub.fetch(count - all.size(), Duration.ofMillis(left)));
        }
        assertEquals(count, all.size(), "messages fetched");
        return all;
    }

    // ------------------------------------------------------------------ ClickHouse

    @Test
    void clickhouseClientV2RoundTrip() throws Exception {
        long t0 = System.nanoTime();
        URI url = URI.create(stack.clickhouseUrl());
        String db = "sb_it_" + runId;
        String table = db + ".events";
        // ClickHouse 18.16: compressed responses come back empty, HTTP compression loses bytes.
        try (Client client = new Client.Builder()
                .addEndpoint(url.toString())
                .setUsername("default")
                .setPassword("")
                .compressServerResponse(false)
                .compressClientRequest(false)
                .useHttpCompression(false)
                .build()) {
            String version = firstLine(client, "SELECT version() FORMAT TabSeparated");
            assertFalse(version.isBlank());

            close(client.query("CREATE DATABASE IF NOT EXISTS " + db).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            try {
                close(client.query("CREATE TABLE " + table + " (id UInt64, route String, tokens UInt32,"
                        + " latency_ms Float64, ts DateTime) ENGINE = MergeTree() ORDER BY id")
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));

                String rows = """
                        {"id":1,"route":"openai/gpt","tokens":120,"latency_ms":12.5,"ts":"2025-01-02 03:04:05"}
                        {"id":2,"route":"anthropic/claude","tokens":340,"latency_ms":48.25,"ts":"2025-01-02 03:04:06"}
                        {"id":3,"route":"mcp/everything","tokens":0,"latency_ms":3,"ts":"2025-01-02 03:04:07"}
                        """;
                try (InsertResponse inserted = client.insert(table,
                        new ByteArrayInputStream(rows.getBytes(StandardCharsets.UTF_8)), ClickHouseFormat.JSONEachRow)
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    // 18.16 sends no X-ClickHouse-Query-Id / -Summary headers: no query id, written rows -1.
                    System.out.printf("[LocalStackIntegrationTest] ClickHouse insert: query id %s, written rows %d,"
                            + " headers %s%n", inserted.getQueryId(), inserted.getWrittenRows(),
                            inserted.getResponseHeaders());
                }
                // Second path: the format in the SQL text.
                close(client.query("INSERT INTO " + table + " FORMAT JSONEachRow "
                                + "{\"id\":4,\"route\":\"databricks/dbrx\",\"tokens\":7,\"latency_ms\":1.5,"
                                + "\"ts\":\"2025-01-02 03:04:08\"}")
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));

                List<JsonNode> back = new ArrayList<>();
                try (QueryResponse r = client.query("SELECT id, route, tokens, latency_ms, toString(ts) AS ts FROM "
                        + table + " ORDER BY id FORMAT JSONEachRow").get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    for (String line : lines(r.getInputStream())) {
                        back.add(JSON.readTree(line));
                    }
                }
                assertEquals(4, back.size(), "rows read back: " + back);
                assertEquals(List.of(1L, 2L, 3L, 4L), back.stream().map(n -> n.get("id").asLong()).toList());
                assertEquals("anthropic/claude", back.get(1).get("route").asText());
                assertEquals(340, back.get(1).get("tokens").asInt());
                assertEquals(48.25, back.get(1).get("latency_ms").asDouble());
                assertEquals("2025-01-02 03:04:07", back.get(2).get("ts").asText());
                assertEquals("databricks/dbrx", back.get(3).get("route").asText());

                List<String> tsv;
                try (QueryResponse r = client.query("SELECT count() AS n, sum(tokens) AS tokens FROM " + table
                        + " FORMAT TabSeparatedWithNamesAndTypes").get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    tsv = lines(r.getInputStream());
                }
                assertEquals(List.of("n\ttokens", "UInt64\tUInt64", "4\t467"), tsv);
            } finally {
                close(client.query("DROP DATABASE IF EXISTS " + db).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            System.out.printf("[LocalStackIntegrationTest] ClickHouse ok in %d ms: version %s (%s)%n",
                    ms(t0), version, table);
        }
    }

    private static String firstLine(Client client, String sql) throws Exception {
        try (QueryResponse r = client.query(sql).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            List<String> lines = lines(r.getInputStream());
            assertFalse(lines.isEmpty(), "no result for " + sql);
            return lines.get(0);
        }
    }

    private static List<String> lines(InputStream in) throws Exception {
        List<String> out = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = reader.readLine()) != null; ) {
            if (!line.isEmpty()) {
                out.add(line);
            }
        }
        return out;
    }

    private static void close(AutoCloseable c) throws Exception {
        c.close();
    }

    // ------------------------------------------------------------------ helpers

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static long ms(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
