package dev.switchboard.teststack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The control plane as it ships (its packaged jar, a {@link ServiceProcess}) against the test PostgreSQL — a schema of
 * its own, dropped at the end — and a NATS with a config bucket of its own, with a fresh admin token and master key; and
 * its admin API as a test calls it. Where PostgreSQL, NATS and ClickHouse are reached is the test's choice (a private
 * NATS, a {@link TcpProxy} in front of PostgreSQL), so that a test can take each away.
 */
public final class ControlPlaneProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public final String adminToken;
    public final String masterKey;
    public final String bucket;
    public final String schema;
    private final String natsUrl;
    private final ServiceProcess process;

    private ControlPlaneProcess(Builder b) {
        String run = HexFormat.of().formatHex(random(5));
        adminToken = "sb-admin-" + HexFormat.of().formatHex(random(16));
        masterKey = Base64.getEncoder().encodeToString(random(32));
        bucket = "switchboard-config-" + run;
        schema = b.schemaPrefix + "_" + run;
        natsUrl = b.natsUrl;
        LocalStack stack = LocalStack.get();
        ServiceProcess.Builder p = ServiceProcess.of("control-plane-" + run, jar())
                .property("quarkus.datasource.reactive.url", "postgresql://" + stack.pgHost() + ":"
                        + b.pgPort.orElse(stack.pgPort()) + "/" + stack.pgDatabase())
                .property("quarkus.datasource.username", stack.pgUser())
                .property("switchboard.db.schema", schema)
                .property("switchboard.nats.url", natsUrl)
                .property("switchboard.sync.bucket", bucket)
                .property("switchboard.sync.retry-max", "500ms")
                .env("SWITCHBOARD_ADMIN_TOKEN", adminToken)
                .env("SWITCHBOARD_MASTER_KEY", masterKey);
        b.clickhouseUrl.ifPresent(url -> p.property("switchboard.clickhouse.url", url)
                .property("switchboard.clickhouse.database", b.clickhouseDatabase)
                .property("switchboard.telemetry.writer.retry-delay", "500ms"));
        b.extra.forEach(kv -> p.property(kv.get(0), kv.get(1)));
        process = p.start();
    }

    /** The packaged jar: the {@code control-plane.jar} system property, or the repository's control-plane/target. */
    public static Path jar() {
        String given = System.getProperty("control-plane.jar");
        return given != null ? Path.of(given)
                : LocalStack.findRepoRoot().resolve("control-plane/target/quarkus-app/quarkus-run.jar");
    }

    public static Builder builder(String natsUrl) {
        return new Builder(natsUrl);
    }

    /** Where the control plane finds its servers, and what else it is started with. */
    public static final class Builder {
        private final String natsUrl;
        private String schemaPrefix = "cp_it";
        private Optional<Integer> pgPort = Optional.empty();
        private Optional<String> clickhouseUrl = Optional.empty();
        private String clickhouseDatabase;
        private final List<List<String>> extra = new java.util.ArrayList<>();

        private Builder(String natsUrl) {
            this.natsUrl = natsUrl;
        }

        public Builder schemaPrefix(String prefix) {
            this.schemaPrefix = prefix;
            return this;
        }

        /** PostgreSQL on the test stack's host but this port (a {@link TcpProxy} in front of it). */
        public Builder pgPort(int port) {
            this.pgPort = Optional.of(port);
            return this;
        }

        /** Telemetry written to ClickHouse at {@code url}, into {@code database} (which the control plane creates). */
        public Builder clickhouse(String url, String database) {
            this.clickhouseUrl = Optional.of(url);
            this.clickhouseDatabase = database;
            return this;
        }

        public Builder property(String key, String value) {
            extra.add(List.of(key, value));
            return this;
        }

        public ControlPlaneProcess start() {
            return new ControlPlaneProcess(this);
        }
    }

    public ServiceProcess process() {
        return process;
    }

    public String baseUrl() {
        return process.baseUrl();
    }

    public ControlPlaneProcess awaitReady(Duration timeout) {
        process.awaitReady(timeout);
        return this;
    }

    /** An answer of the admin API: status, the body as JSON (missing when not JSON) and the headers. */
    public record Answer(int status, JsonNode body, HttpResponse<String> raw) {
        /** The revision the write committed ({@code Switchboard-Revision}). */
        public long revision() {
            return Long.parseLong(raw.headers().firstValue("Switchboard-Revision").orElseThrow(() ->
                    new AssertionError("no Switchboard-Revision header: " + status + " " + raw.body())));
        }

        public Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }
    }

    /** {@code method path} on the admin API with the admin token and a JSON body (null: none). */
    public Answer send(String method, String path, String json) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            req.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = r.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(r.body());
            } catch (IOException e) {
                body = MissingNode.getInstance();
            }
            return new Answer(r.statusCode(), body, r);
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + ": no answer from the control plane: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A POST that must answer 201; its answer. */
    public Answer create(String path, String json) {
        Answer a = send("POST", path, json);
        if (a.status() != 201) {
            throw new AssertionError("POST " + path + ": " + a.status() + " " + a.raw().body());
        }
        return a;
    }

    /** PostgreSQL's head revision, through the admin API. */
    public long head() {
        Answer a = send("GET", "/admin/v1/revisions?limit=1", null);
        if (a.status() != 200) {
            throw new AssertionError("GET /admin/v1/revisions: " + a.status() + " " + a.raw().body());
        }
        return a.body().path("head").asLong();
    }

    /** SIGTERM and wait; {@link #start()} brings it back on the same port with the same schema, keys and bucket. */
    public void stop() {
        process.stop();
    }

    public ControlPlaneProcess start() {
        process.start();
        return this;
    }

    @Override
    public void close() {
        process.stop();
        dropSchema();
        try (io.nats.client.Connection nc = io.nats.client.Nats.connect(new io.nats.client.Options.Builder()
                .server(natsUrl).maxReconnects(0).connectionTimeout(Duration.ofSeconds(2)).build())) {
            nc.objectStoreManagement().delete(bucket);
        } catch (Exception e) {
            // a private NATS already gone, or a bucket never created
        }
    }

    private void dropSchema() {
        LocalStack stack = LocalStack.get();
        try {
            Process psql = new ProcessBuilder("psql", "-h", stack.pgHost(), "-p", Integer.toString(stack.pgPort()),
                    "-U", stack.pgUser(), "-d", stack.pgDatabase(), "-q", "-c",
                    "drop schema if exists " + schema + " cascade")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!psql.waitFor(60, TimeUnit.SECONDS)) {
                psql.destroyForcibly();
            }
        } catch (IOException e) {
            System.out.println("[ControlPlaneProcess] could not drop schema " + schema + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
