package dev.switchboard.controlplane.support;

import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.teststack.TcpProxy;
import dev.switchboard.testsupport.DocExamples;
import dev.switchboard.testsupport.fakes.FakeIdentityProvider;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Points the control plane under test at the real PostgreSQL and NATS of {@link LocalStack}, each run in a schema and
 * an Object Store bucket of its own (dropped at the end), with a fresh master key and admin token, a fake identity
 * provider for admin JWTs, the repo's example config as the bootstrap file, and its log in a file for the secrets scan.
 * Telemetry goes through a stream, subjects and a ClickHouse database of the run's own (dropped at the end); the
 * control plane reaches the real ClickHouse and NATS through {@link TcpProxy}s that the tests can cut.
 */
public class ControlPlaneTestStack implements QuarkusTestResourceLifecycleManager {

    public static final String ADMIN_ROLE = "switchboard-admin";
    public static final String AUDIENCE = "switchboard-admin-api";
    /** The console's client at the fake identity provider (a confidential client with PKCE). */
    public static final String CONSOLE_CLIENT_ID = "switchboard-console";
    public static final String CONSOLE_CLIENT_SECRET = "console-client-secret-never-shown-41d7";

    public static String runId;
    public static String schema;
    public static String bucket;
    public static String masterKey;
    public static String adminToken;
    /** Signs in to the console read-only. */
    public static String viewerToken;
    public static String natsUrl;
    public static FakeIdentityProvider idp;
    /** Everything the control plane logs while the tests run. */
    public static Path logFile;
    public static Path bootstrapFile;
    public static String clickhouseUrl;
    public static String clickhouseDatabase;
    public static TcpProxy clickhouseProxy;
    /** The control plane's way to NATS, which a test can cut (the tests' own clients use {@link #natsUrl}). */
    public static TcpProxy natsProxy;
    /**
     * The control plane's way to PostgreSQL. Down when the control plane starts, and up once it has been refused twice:
     * so every run starts the way a control plane does before its database is there.
     */
    public static TcpProxy pgProxy;
    /** Given as the database password (the test server trusts loopback): it must show nowhere. */
    public static final String PG_PASSWORD = "pg-secret-never-shown-7c1d";
    public static String telemetryStream;
    public static String telemetryPrefix;
    /** The planes' counts subjects and the spent-totals bucket of the run. */
    public static String limitsPrefix;
    public static String limitsBucket;
    /** The MCP gateways' approvals bucket and decision subjects of the run. */
    public static String approvalsBucket;
    public static String approvalsPrefix;
    /** Deliveries after which a message ClickHouse refuses is terminated, in the tests. */
    public static final int MAX_DELIVERIES = 3;

    @Override
    public Map<String, String> start() {
        LocalStack stack = LocalStack.get();
        runId = HexFormat.of().formatHex(random(6));
        schema = "cp_test_" + runId;
        bucket = "switchboard-config-test-" + runId;
        masterKey = Base64.getEncoder().encodeToString(random(32));
        adminToken = "sb-admin-test-" + HexFormat.of().formatHex(random(16));
        viewerToken = "sb-viewer-test-" + HexFormat.of().formatHex(random(16));
        natsUrl = stack.natsUrl();
        idp = FakeIdentityProvider.start();
        idp.registerClient(CONSOLE_CLIENT_ID, CONSOLE_CLIENT_SECRET, AUDIENCE);
        clickhouseUrl = stack.clickhouseUrl();
        clickhouseDatabase = "sb_test_" + runId;
        telemetryStream = "SB_TELEMETRY_TEST_" + runId;
        telemetryPrefix = "sbtest." + runId + ".telemetry.";
        limitsPrefix = "sbtest." + runId + ".limits.counts.";
        limitsBucket = "sb-limits-test-" + runId;
        approvalsBucket = "sb-approvals-test-" + runId;
        approvalsPrefix = "sbtest." + runId + ".approvals";
        try {
            java.net.URI ch = java.net.URI.create(clickhouseUrl);
            clickhouseProxy = new TcpProxy(ch.getHost(), ch.getPort());
            java.net.URI nats = java.net.URI.create(natsUrl);
            natsProxy = new TcpProxy(nats.getHost(), nats.getPort());
            pgProxy = new TcpProxy(stack.pgHost(), stack.pgPort());
            pgProxy.down();
            Thread opener = new Thread(() -> {
                pgProxy.awaitRefused(2);
                pgProxy.up();
            }, "pg-proxy-opener");
            opener.setDaemon(true);
            opener.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bootstrapFile = DocExamples.repoRoot().resolve("deploy/examples/switchboard.yaml");
        try {
            logFile = Files.createTempFile("switchboard-control-plane-test", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.ofEntries(
                Map.entry("quarkus.datasource.reactive.url",
                        "postgresql://127.0.0.1:" + pgProxy.port() + "/" + stack.pgDatabase()),
                Map.entry("quarkus.datasource.username", stack.pgUser()),
                Map.entry("quarkus.datasource.password", PG_PASSWORD),
                Map.entry("switchboard.db.schema", schema),
                Map.entry("switchboard.nats.url", "nats://127.0.0.1:" + natsProxy.port()),
                Map.entry(FeedSettings.BUCKET, bucket), // the one name the planes read too
                Map.entry("switchboard.sync.retry-max", "500ms"),
                Map.entry("switchboard.master-key", masterKey),
                Map.entry("switchboard.admin.token", adminToken),
                Map.entry("switchboard.console.viewer-token", viewerToken),
                Map.entry("switchboard.console.oidc.client-id", CONSOLE_CLIENT_ID),
                Map.entry("switchboard.console.oidc.client-secret", CONSOLE_CLIENT_SECRET),
                Map.entry("switchboard.console.oidc.label", "Fake IdP"),
                Map.entry("switchboard.admin.jwt.issuer", idp.issuer()),
                Map.entry("switchboard.admin.jwt.jwks-url", idp.jwksUrl()),
                Map.entry("switchboard.admin.jwt.audiences", AUDIENCE),
                Map.entry("switchboard.bootstrap.config", bootstrapFile.toString()),
                Map.entry("switchboard.clickhouse.url", "http://127.0.0.1:" + clickhouseProxy.port()),
                Map.entry("switchboard.clickhouse.database", clickhouseDatabase),
                Map.entry("switchboard.telemetry.stream", telemetryStream),
                Map.entry("switchboard.telemetry.subject-prefix", telemetryPrefix),
                Map.entry("switchboard.telemetry.writer.consumer", "writer-" + runId),
                Map.entry("switchboard.telemetry.writer.retry-delay", "200ms"),
                Map.entry("switchboard.telemetry.writer.max-deliveries", String.valueOf(MAX_DELIVERIES)),
                Map.entry("switchboard.limits.subject-prefix", limitsPrefix),
                Map.entry("switchboard.limits.bucket", limitsBucket),
                Map.entry("switchboard.limits.spend-interval", "1s"),
                Map.entry("switchboard.limits.webhook.backoff", "100ms"),
                Map.entry("switchboard.mcp.approval.bucket", approvalsBucket),
                Map.entry("switchboard.mcp.approval.subject-prefix", approvalsPrefix),
                Map.entry("quarkus.log.file.enabled", "true"),
                Map.entry("quarkus.log.file.path", logFile.toString()),
                Map.entry("quarkus.log.file.level", "ALL"),
                Map.entry("quarkus.log.category.\"dev.switchboard\".level", "DEBUG"));
    }

    @Override
    public void stop() {
        if (idp != null) {
            idp.close();
        }
        dropSchema(schema);
        deleteBucket();
        dropTelemetry();
    }

    private static void dropTelemetry() {
        if (clickhouseProxy != null) {
            clickhouseProxy.close();
        }
        if (natsProxy != null) {
            natsProxy.close();
        }
        if (pgProxy != null) {
            pgProxy.close();
        }
        try (Connection nc = Nats.connect(natsUrl)) {
            nc.jetStreamManagement().deleteStream(telemetryStream);
        } catch (Exception e) {
            System.out.println("[ControlPlaneTestStack] could not delete stream " + telemetryStream + ": " + e);
        }
        try (Connection nc = Nats.connect(natsUrl)) {
            nc.keyValueManagement().delete(limitsBucket);
        } catch (Exception e) {
            System.out.println("[ControlPlaneTestStack] could not delete bucket " + limitsBucket + ": " + e);
        }
        try (Connection nc = Nats.connect(natsUrl)) {
            if (nc.keyValueManagement().getBucketNames().contains(approvalsBucket)) {
                nc.keyValueManagement().delete(approvalsBucket);
            }
        } catch (Exception e) {
            System.out.println("[ControlPlaneTestStack] could not delete bucket " + approvalsBucket + ": " + e);
        }
        try {
            ClickHouseHttp.run("DROP DATABASE IF EXISTS " + clickhouseDatabase);
        } catch (Exception e) {
            System.out.println("[ControlPlaneTestStack] could not drop ClickHouse database " + clickhouseDatabase + ": "
                    + e);
        }
    }

    /** Drops a PostgreSQL schema of a test run, if it is there; a failure is printed, not thrown. */
    public static void dropSchema(String schema) {
        LocalStack stack = LocalStack.get();
        Vertx vertx = Vertx.vertx();
        try {
            PgConnection conn = PgConnection.connect(vertx, new PgConnectOptions().setHost(stack.pgHost())
                            .setPort(stack.pgPort()).setUser(stack.pgUser()).setDatabase(stack.pgDatabase()))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            conn.query("drop schema if exists " + schema + " cascade").execute()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            conn.close();
        } catch (Exception e) {
            System.out.println("[test] could not drop schema " + schema + ": " + e);
        } finally {
            vertx.close();
        }
    }

    private static void deleteBucket() {
        try (Connection nc = Nats.connect(natsUrl)) {
            nc.objectStoreManagement().delete(bucket);
        } catch (Exception e) {
            System.out.println("[ControlPlaneTestStack] could not delete bucket " + bucket + ": " + e);
        }
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
