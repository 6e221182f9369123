package dev.switchboard.mcpgateway.support;

import dev.switchboard.model.config.ApiKey;
import dev.switchboard.testsupport.fakes.FakeIdentityProvider;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Starts what the MCP gateway under test talks to: two fake MCP servers ({@code alpha}, {@code beta}), the real
 * {@code server-everything} from npm (when node is available), and a fake identity provider, all real HTTP servers on
 * loopback; writes the standalone config naming them; and points the gateway at it.
 */
public class McpTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ALICE_KEY = "sk-sb-mcp-alice-000000000000";
    public static final String BOB_KEY = "sk-sb-mcp-bob-00000000000000";
    public static final String CI_KEY = "sk-sb-mcp-ci-000000000000000";
    public static final String CAROL_KEY = "sk-sb-mcp-carol-000000000000";
    public static final String AUDIENCE = "switchboard-mcp-test";
    public static final String ALPHA_TOKEN = "alpha-upstream-secret-token";
    public static final String BETA_TOKEN = "beta-upstream-secret-token";
    /** The session key of the test gateway, so that a second instance can share it. */
    public static final byte[] SESSION_KEY = "0123456789abcdef0123456789abcdef".getBytes();
    public static final long MAX_BODY_SIZE = 64 * 1024;
    public static final long UPSTREAM_TIMEOUT_MS = 1500;

    public static FakeMcpServer alpha;
    public static FakeMcpServer beta;
    public static FakeIdentityProvider idp;
    public static Optional<NodePeers.Everything> everything = Optional.empty();
    public static Path configFile;

    @Override
    public Map<String, String> start() {
        alpha = FakeMcpServer.start("alpha");
        alpha.addTool("wipe");
        beta = FakeMcpServer.start("beta");
        idp = FakeIdentityProvider.start();
        everything = NodePeers.startEverything();
        try {
            configFile = Files.createTempFile("switchboard-mcp-test", ".yaml");
            Files.writeString(configFile, config());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "switchboard.config", configFile.toString(),
                "switchboard.config-poll-interval", "100ms",
                "switchboard.jwt.unknown-kid-refresh-interval", "0s",
                "switchboard.max-body-size", Long.toString(MAX_BODY_SIZE),
                "switchboard.mcp.session-key", Base64.getEncoder().encodeToString(SESSION_KEY),
                "switchboard.mcp.upstream.timeout", UPSTREAM_TIMEOUT_MS + "ms",
                "switchboard.mcp.allowed-origins", "https://console.example.com");
    }

    @Override
    public void stop() {
        everything.ifPresent(NodePeers.Everything::close);
        for (AutoCloseable c : new AutoCloseable[] {alpha, beta, idp}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort at the end of the run
            }
        }
    }

    /**
     * alice (team analysts) may use every tool of alpha (but {@code wipe} needs approval), beta, down and everything
     * (of whose resources the static documents but architecture.md and the dynamic text ones, and of whose prompts
     * simple-prompt and args-prompt);
     * bob only alpha's {@code echo} and {@code whoami}; the service account ci only {@code echo} of alpha and beta,
     * which the virtual server {@code combo} exposes as {@code alpha__echo} and {@code beta__echo}; carol nothing.
     */
    public static String config() {
        return """
                identity_providers:
                  - name: test-idp
                    issuer: %s
                    audiences: [%s]
                    jwks_url: %s
                users:
                  - {name: alice, email: alice@example.com}
                  - {name: bob, email: bob@example.com}
                  - {name: carol, email: carol@example.com}
                teams:
                  - {name: analysts, members: [alice]}
                service_accounts:
                  - {name: ci}
                api_keys:
                  - {name: alice-key, subject: user:alice, key_hash: %s}
                  - {name: bob-key, subject: user:bob, key_hash: %s}
                  - {name: ci-key, subject: service_account:ci, key_hash: %s}
                  - {name: carol-key, subject: user:carol, key_hash: %s}
                mcp_servers:
                  - name: alpha
                    url: %s
                    auth: {type: bearer, token: %s}
                  - name: beta
                    url: %s
                    auth: {type: header, header: X-Api-Key, token: %s}
                  - name: down
                    url: http://127.0.0.1:%d/mcp
                  - name: everything
                    url: %s
                virtual_mcp_servers:
                  - name: combo
                    description: alpha and beta together
                    tools: [alpha/echo, beta/echo, alpha/sample, alpha/progress, beta/whoami, alpha/change_tools, alpha/wipe,
                            alpha/interrupt]
                tool_policies:
                  - {name: analysts-alpha, subjects: [team:analysts], server: alpha, require_approval: [wipe]}
                  - {name: analysts-beta, subjects: [team:analysts], server: beta}
                  - {name: analysts-down, subjects: [team:analysts], server: down}
                  - name: analysts-everything
                    subjects: [team:analysts]
                    server: everything
                    deny: [trigger-long-running-operation]
                    allow_resources: ["demo://resource/static/document/*", "demo://resource/dynamic/text/*"]
                    deny_resources: ["demo://resource/static/document/architecture.md"]
                    allow_prompts: ["simple-*", args-prompt, resource-prompt]
                    deny_prompts: [resource-prompt]
                  - {name: bob-alpha, subjects: [user:bob], server: alpha, allow: [echo, whoami]}
                  - {name: ci-alpha, subjects: [service_account:ci], server: alpha, allow: [echo]}
                  - {name: ci-beta, subjects: [service_account:ci], server: beta, allow: [echo]}
                """.formatted(idp.issuer(), AUDIENCE, idp.jwksUrl(), ApiKey.hashOf(ALICE_KEY), ApiKey.hashOf(BOB_KEY),
                ApiKey.hashOf(CI_KEY), ApiKey.hashOf(CAROL_KEY), alpha.url(), ALPHA_TOKEN, beta.url(), BETA_TOKEN,
                NodePeers.freePort(), everything.map(NodePeers.Everything::url)
                        .orElse("http://127.0.0.1:" + NodePeers.freePort() + "/mcp"));
    }

    public static String aliceJwt() {
        return idp.tokenFor("alice@example.com", java.util.List.of(), AUDIENCE);
    }
}
