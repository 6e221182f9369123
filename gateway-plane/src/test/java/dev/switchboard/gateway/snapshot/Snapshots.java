package dev.switchboard.gateway.snapshot;

import static io.restassured.RestAssured.given;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.sync.SnapshotWire;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectMeta;
import io.nats.client.impl.Headers;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What the snapshot tests share: a config to publish, publishing it as the control plane does, and waiting. */
final class Snapshots {

    static final String KEY = "sk-sb-nats-test-000000000000";
    static final String UPSTREAM_KEY = "sk-upstream-sealed-value";
    static final String MASTER_KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    static final SecretSealer SEALER = SecretSealer.fromBase64Key(MASTER_KEY);

    private Snapshots() {
    }

    /** Account {@code fake} at {@code baseUrl} with {@code models}; {@link #KEY} may use them all. */
    static String config(String baseUrl, List<String> models) {
        StringBuilder yaml = new StringBuilder("""
                provider_accounts:
                  - name: fake
                    type: openai-compatible
                    base_url: %s
                    auth: {type: api-key, api_key: %s}
                    models:
                """.formatted(baseUrl, UPSTREAM_KEY));
        for (String m : models) {
            yaml.append("      - id: ").append(m).append('\n');
        }
        yaml.append("""
                service_accounts: [{name: app}]
                api_keys: [{name: k, subject: service_account:app, key_hash: %s}]
                access_rules: [{subjects: [service_account:app], models: ["*"]}]
                """.formatted(ApiKey.hashOf(KEY)));
        return yaml.toString();
    }

    /** Puts {@code yaml} as {@code revision} into the bucket, exactly as the control plane publishes. */
    static void publish(ObjectStore store, long revision, String yaml) throws Exception {
        ConfigSnapshot snapshot = ConfigCodec.validated(ConfigCodec.readYaml(yaml), revision, Instant.now());
        byte[] content = SnapshotWire.encode(snapshot, SEALER);
        Headers headers = new Headers().put(SnapshotWire.REVISION_HEADER, SnapshotWire.revisionHeader(revision))
                .put(SnapshotWire.CONTENT_ENCODING_HEADER, SnapshotWire.GZIP);
        store.put(ObjectMeta.builder(SnapshotWire.OBJECT).headers(headers).build(), new ByteArrayInputStream(content));
    }

    /** The status of a chat completion with {@link #KEY} through the gateway under test. */
    static int chat(String model) {
        return given().header("Authorization", "Bearer " + KEY).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").statusCode();
    }

    static void awaitStatus(String model, int status) throws InterruptedException {
        await(Duration.ofSeconds(10), () -> chat(model) == status, model + " did not answer " + status);
    }

    static void await(Duration timeout, BooleanSupplier condition, String failure) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError(failure + " within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    /** Waits until {@code holder} serves {@code revision} or a newer one. */
    static void awaitRevision(SnapshotHolder holder, long revision) throws InterruptedException {
        await(Duration.ofSeconds(10), () -> holder.current() != null
                        && holder.current().snapshot().revision() >= revision,
                "revision " + revision + " was not applied");
    }
}
