package dev.switchboard.gateway.support;

import dev.switchboard.model.config.ApiKey;
import dev.switchboard.testsupport.fakes.FakeIdentityProvider;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts what a gateway under test talks to: a fake OpenAI upstream and a fake identity provider, both real HTTP
 * servers; writes the standalone config naming them; and points the gateway at that file.
 */
public class GatewayTestResource implements QuarkusTestResourceLifecycleManager {

    /** Clear API keys of the test config's subjects. */
    public static final String ALICE_KEY = "sk-sb-test-alice-000000000000";
    public static final String BOB_KEY = "sk-sb-test-bob-00000000000000";
    public static final String DISABLED_KEY = "sk-sb-test-disabled-000000000";
    public static final String EXPIRED_KEY = "sk-sb-test-expired-0000000000";
    public static final String AUDIENCE = "switchboard-test";

    public static FakeOpenAi openAi;
    public static FakeIdentityProvider idp;
    public static Path configFile;
    /** Everything the gateway logs while the tests run, for the secrets scan. */
    public static Path logFile;
    /** The body limit of the test gateway, small so that a 413 needs no 10 MB upload. */
    public static final long MAX_BODY_SIZE = 1024 * 1024;

    @Override
    public Map<String, String> start() {
        openAi = FakeOpenAi.start();
        idp = FakeIdentityProvider.start();
        try {
            configFile = Files.createTempFile("switchboard-gateway-test", ".yaml");
            Files.writeString(configFile, config(openAi.baseUrl(), idp.issuer(), idp.jwksUrl(), closedPort()));
            logFile = Files.createTempFile("switchboard-gateway-test", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "switchboard.config", configFile.toString(),
                "switchboard.config-poll-interval", "100ms",
                "switchboard.jwt.unknown-kid-refresh-interval", "0s",
                "switchboard.max-body-size", Long.toString(MAX_BODY_SIZE),
                "quarkus.log.file.enabled", "true",
                "quarkus.log.file.path", logFile.toString(),
                "quarkus.log.file.level", "ALL");
    }

    @Override
    public void stop() {
        if (openAi != null) {
            openAi.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    /** The test config: alice may use everything, bob only fake/gpt-4o-mini, JWT users per team. */
    public static String config(String openAiBaseUrl, String issuer, String jwksUrl, int closedPort) {
        return """
                provider_accounts:
                  - name: fake
                    type: openai-compatible
                    base_url: %s
                    auth: {type: api-key, api_key: sk-upstream-secret-value}
                    timeouts: {first_byte_ms: 1500, idle_ms: 1500}
                    models:
                      - id: gpt-4o-mini
                        price: {input_per_million_usd: 1.0, output_per_million_usd: 2.0}
                      - id: gpt-4o
                      - id: text-embedding-3-small
                        type: embedding
                  - name: unreachable
                    type: openai-compatible
                    base_url: http://127.0.0.1:%d/v1
                    models: [{id: any}]
                virtual_models:
                  - name: assistant
                    routing_config:
                      type: priority-based-routing
                      load_balance_targets:
                        - {target: fake/gpt-4o, priority: 1}
                        - {target: fake/gpt-4o-mini, priority: 0}
                identity_providers:
                  - name: test-idp
                    issuer: %s
                    audiences: [%s]
                    jwks_url: %s
                users:
                  - {name: alice, email: alice@example.com}
                  - {name: bob, email: bob@example.com}
                teams:
                  - {name: ml, members: [alice]}
                api_keys:
                  - {name: alice-key, subject: user:alice, key_hash: %s}
                  - {name: bob-key, subject: user:bob, key_hash: %s}
                  - {name: disabled-key, subject: user:alice, key_hash: %s, disabled: true}
                  - {name: expired-key, subject: user:alice, key_hash: %s, expires_at: 2020-01-01T00:00:00Z}
                access_rules:
                  - {subjects: [team:ml], models: ["*"]}
                  - {subjects: [user:bob], models: [fake/gpt-4o-mini]}
                """.formatted(openAiBaseUrl, closedPort, issuer, AUDIENCE, jwksUrl, ApiKey.hashOf(ALICE_KEY),
                ApiKey.hashOf(BOB_KEY), ApiKey.hashOf(DISABLED_KEY), ApiKey.hashOf(EXPIRED_KEY));
    }

    /** A loopback port nothing listens on. */
    public static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
