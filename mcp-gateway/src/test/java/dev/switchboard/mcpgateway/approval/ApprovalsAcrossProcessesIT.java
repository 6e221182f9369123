package dev.switchboard.mcpgateway.approval;

import static dev.switchboard.mcpgateway.support.SdkClients.client;
import static dev.switchboard.mcpgateway.support.SdkClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.mcpgateway.session.SessionCodec;
import dev.switchboard.mcpgateway.support.FakeMcpServer;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.teststack.PrivateNats;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Two MCP gateways as they ship — the packaged {@code quarkus-run.jar}, twice — with one config file and a private NATS
 * of this test: an MCP client's call of a tool that needs approval waits on replica A; the approver, on replica B, sees
 * it and approves it there; the call resumes on A and the tool runs.
 */
@EnabledIf(value = "dev.switchboard.teststack.PrivateNats#installed",
        disabledReason = "/usr/sbin/nats-server is not installed: this test runs a NATS of its own")
class ApprovalsAcrossProcessesIT {

    private static final String ERIN_KEY = "sk-sb-proc-erin-00000000000";
    private static final String DAVE_KEY = "sk-sb-proc-dave-00000000000";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<Process> processes = new ArrayList<>();
    private PrivateNats nats;
    private FakeMcpServer gamma;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (gamma != null) {
            gamma.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    void aCallWaitingOnReplicaAIsApprovedOnReplicaBAndResumesOnA() throws Exception {
        nats = new PrivateNats().start();
        gamma = FakeMcpServer.start("gamma");
        gamma.addTool("wipe");
        Path dir = Files.createTempDirectory("switchboard-mcp-approvals-it");
        Path config = dir.resolve("switchboard.yaml");
        Files.writeString(config, """
                users:
                  - {name: erin, email: erin@example.com}
                  - {name: dave, email: dave@example.com}
                teams:
                  - {name: approvers, members: [dave]}
                api_keys:
                  - {name: erin-key, subject: user:erin, key_hash: %s}
                  - {name: dave-key, subject: user:dave, key_hash: %s}
                mcp_servers:
                  - {name: gamma, url: "%s"}
                tool_policies:
                  - {name: erin-gamma, subjects: [user:erin], server: gamma, require_approval: [wipe],
                     approvers: [team:approvers]}
                """.formatted(ApiKey.hashOf(ERIN_KEY), ApiKey.hashOf(DAVE_KEY), gamma.url()));
        String sessionKey = Base64.getEncoder().encodeToString(SessionCodec.randomKey());
        String a = start("a", dir, config, sessionKey);
        String b = start("b", dir, config, sessionKey);
        awaitShared(a);
        awaitShared(b);

        try (McpSyncClient erin = client(a, "gamma", ERIN_KEY)) {
            erin.initialize();
            CompletableFuture<McpSchema.CallToolResult> call = CompletableFuture.supplyAsync(() ->
                    erin.callTool(new McpSchema.CallToolRequest("wipe", Map.of("message", "table t9"))));
            JsonNode pending = awaitPending(b);
            assertEquals("user:erin", pending.path("subject").asText());
            assertFalse(call.isDone());

            HttpResponse<String> decided = HTTP.send(HttpRequest.newBuilder(URI.create(b + "/mcp/v1/approvals/"
                            + pending.path("id").asText() + "/approve"))
                    .header("Authorization", "Bearer " + DAVE_KEY).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, decided.statusCode(), decided.body());
            assertEquals("user:dave", JSON.readTree(decided.body()).path("decided_by").asText());

            assertEquals("gamma/wipe: table t9", text(call.get(10, TimeUnit.SECONDS)));
            assertEquals(List.of("wipe"), gamma.calledTools());
        }
    }

    private String start(String name, Path dir, Path config, String sessionKey) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("mcp-gateway.jar", "target/quarkus-app/quarkus-run.jar"));
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dswitchboard.telemetry.enabled=false",
                "-Dswitchboard.traces.export=none",
                "-jar", jar.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
        env.put("SWITCHBOARD_CONFIG", config.toString());
        env.put("SWITCHBOARD_NATS_URL", nats.url());
        env.put("SWITCHBOARD_MCP_SESSION_KEY", sessionKey);
        env.put("SWITCHBOARD_SNAPSHOT_CACHE", dir.resolve(name + "-snapshot.json.gz").toString());
        processes.add(builder.start());
        return "http://127.0.0.1:" + port;
    }

    /** Waits until the replica answers and its approvals reach NATS (the list says {@code "cluster": "connected"}). */
    private static void awaitShared(String base) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp/v1/approvals"))
                        .header("Authorization", "Bearer " + DAVE_KEY).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && "connected".equals(JSON.readTree(r.body()).path("cluster").asText())) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError(base + " did not share its approvals within 90 s; last answer: " + last);
    }

    private static JsonNode awaitPending(String base) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp/v1/approvals"))
                    .header("Authorization", "Bearer " + DAVE_KEY).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode p : JSON.readTree(r.body()).path("approvals")) {
                return p;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no approval appeared on " + base);
    }
}
