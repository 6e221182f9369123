package dev.switchboard.controlplane.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.controlplane.store.Head;
import dev.switchboard.model.config.AccessRule;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.Model;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.ProviderAuth;
import dev.switchboard.model.config.ProviderType;
import dev.switchboard.model.config.RoutingConfig;
import dev.switchboard.model.config.RoutingType;
import dev.switchboard.model.config.ServiceAccount;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.VirtualModel;
import dev.switchboard.model.secret.Secret;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.sync.SnapshotWire;
import dev.switchboard.teststack.LocalStack;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Measures, and prints, what a large snapshot costs on the real NATS: 100,000 API keys and 10,000 models. Build is
 * validate + index + encode + gzip; put is the Object Store upload until acknowledged; read is a late joiner's fetch
 * and decode. Nothing here asserts a time.
 */
class SnapshotScaleTest {

    private static final int KEYS = 100_000;
    private static final int ACCOUNTS = 100;
    private static final int MODELS_PER_ACCOUNT = 100;
    private static final int SERVICE_ACCOUNTS = 1_000;

    @Test
    void buildPutAndReadOf100kKeysAnd10kModels() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SecretSealer sealer = SecretSealer.fromBase64Key(Base64.getEncoder().encodeToString(key));
        SwitchboardConfig config = large(sealer);
        String bucket = "switchboard-config-scale-" + UUID.randomUUID().toString().substring(0, 8);

        try (Connection nc = Nats.connect(LocalStack.get().natsUrl())) {
            nc.objectStoreManagement().create(ObjectStoreConfiguration.builder(bucket)
                    .storageType(StorageType.File).build());
            try {
                ObjectStore os = nc.objectStore(bucket);
                for (int run = 1; run <= 3; run++) {
                    Head head = new Head(run, Instant.now(), config);
                    SnapshotUpload.Published p = SnapshotUpload.upload(os, head, sealer);

                    long t0 = System.nanoTime();
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    os.get(SnapshotWire.OBJECT, out);
                    long t1 = System.nanoTime();
                    ConfigSnapshot read = SnapshotWire.decode(out.toByteArray());
                    long t2 = System.nanoTime();

                    assertEquals(run, read.revision());
                    assertEquals(KEYS, read.config().apiKeys().size());
                    assertEquals(ACCOUNTS * MODELS_PER_ACCOUNT, read.models().size());
                    assertTrue(p.chunks() > 1, "a snapshot this size spans several chunks");
                    System.out.printf("[SnapshotScaleTest] run %d: %,d keys, %,d models: JSON %,d bytes, gzip %,d"
                                    + " bytes in %d chunks; build %.0f ms, put %.0f ms; late joiner: fetch %.0f ms,"
                                    + " decode+validate+index %.0f ms%n", run, KEYS, ACCOUNTS * MODELS_PER_ACCOUNT,
                            p.jsonBytes(), p.gzipBytes(), p.chunks(), p.buildMs(), p.putMs(), (t1 - t0) / 1e6,
                            (t2 - t1) / 1e6);
                }
            } finally {
                nc.objectStoreManagement().delete(bucket);
            }
        }
    }

    private static SwitchboardConfig large(SecretSealer sealer) {
        List<ProviderAccount> accounts = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            List<Model> models = new ArrayList<>();
            for (int m = 0; m < MODELS_PER_ACCOUNT; m++) {
                models.add(Model.chat("model-" + m));
            }
            accounts.add(new ProviderAccount("acct-" + a, ProviderType.OPENAI_COMPATIBLE, "http://127.0.0.1:9/v1",
                    ProviderAuth.apiKey(Secret.sealed(sealer.seal("sk-upstream-" + a))), null, models));
        }
        List<VirtualModel> virtualModels = new ArrayList<>();
        for (int v = 0; v < ACCOUNTS; v++) {
            virtualModels.add(new VirtualModel("vm-" + v, null, new RoutingConfig(RoutingType.WEIGHT, List.of(
                    new LoadBalanceTarget("acct-" + v + "/model-0", 50, null, null, null),
                    new LoadBalanceTarget("acct-" + v + "/model-1", 50, null, null, null)), null, null, null, null),
                    null, null, null));
        }
        List<ServiceAccount> serviceAccounts = new ArrayList<>();
        List<SubjectRef> subjects = new ArrayList<>();
        for (int s = 0; s < SERVICE_ACCOUNTS; s++) {
            serviceAccounts.add(new ServiceAccount("sa-" + s, null));
            subjects.add(SubjectRef.serviceAccount("sa-" + s));
        }
        List<ApiKey> keys = new ArrayList<>(KEYS);
        for (int k = 0; k < KEYS; k++) {
            keys.add(new ApiKey("key-" + k, subjects.get(k % SERVICE_ACCOUNTS), ApiKey.hashOf("sk-sb-scale-" + k),
                    null, null));
        }
        return SwitchboardConfig.builder()
                .providerAccounts(accounts)
                .virtualModels(virtualModels)
                .serviceAccounts(serviceAccounts)
                .apiKeys(keys)
                .accessRules(List.of(new AccessRule("everyone-on-acct-0", subjects, List.of("acct-0/*", "vm-0"))))
                .build();
    }
}
