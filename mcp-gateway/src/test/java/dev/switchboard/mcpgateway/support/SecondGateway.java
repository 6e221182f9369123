package dev.switchboard.mcpgateway.support;

import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.auth.McpRejections;
import dev.switchboard.mcpgateway.http.McpGateway;
import dev.switchboard.mcpgateway.oauth.AccessTokens;
import dev.switchboard.mcpgateway.telemetry.ToolCallSpans;
import dev.switchboard.model.limits.LimitCounters;
import dev.switchboard.mcpgateway.runtime.McpSettings;
import dev.switchboard.mcpgateway.session.SessionCodec;
import dev.switchboard.mcpgateway.snapshot.McpState;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.runtime.auth.BearerAuthenticator;
import dev.switchboard.runtime.telemetry.RowQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Another replica of the MCP gateway beside the Quarkus one: the same plain {@link McpGateway} on its own Vert.x and
 * port, reading the same config file (or a config of its own), sealing sessions (and signing its sign-in's tokens) under
 * {@code sessionKey}. It shares no memory with the first.
 */
public final class SecondGateway implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final McpGateway gateway;
    private final BearerAuthenticator authenticator;
    private final HttpServer server;

    public SecondGateway(byte[] sessionKey) {
        this(sessionKey, readConfigFile());
    }

    /** A gateway of its own, serving {@code yaml}: for tests that need a config, and caches, of their own. */
    public SecondGateway(byte[] sessionKey, String yaml) {
        Clock clock = Clock.systemUTC();
        McpState state = McpState.prepare(ConfigCodec.loadYaml(yaml, 1, Instant.now()), SecretResolver.fromProcess(null));
        McpSettings settings = new McpSettings(Optional.empty(), List.of(), List.of(), McpTestResource.MAX_BODY_SIZE,
                Duration.ofHours(1), 2000, McpTestResource.UPSTREAM_TIMEOUT_MS, 100);
        AccessTokens signIn = new AccessTokens(sessionKey, clock);
        authenticator = new BearerAuthenticator(vertx, clock, Duration.ZERO, McpRejections.INSTANCE, signIn);
        gateway = new McpGateway(vertx, settings, () -> state, authenticator, new SessionCodec(sessionKey, clock),
                new RowQueue<ToolCallRecord>(100), clock, ToolCallSpans.NONE, McpGateway.DEFAULT_APPROVAL_TIMEOUT,
                new LimitCounters(clock, "mcp-gateway"), new SimpleMeterRegistry(), signIn);
        Router router = Router.router(vertx);
        gateway.register(router);
        try {
            server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the second gateway", e);
        }
    }

    private static String readConfigFile() {
        try {
            return Files.readString(McpTestResource.configFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Override
    public void close() {
        gateway.close();
        authenticator.close();
        vertx.close();
    }
}
