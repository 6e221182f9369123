package dev.switchboard.model.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.ProviderAuth;
import dev.switchboard.model.config.ProviderType;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.Model;
import dev.switchboard.model.secret.Secret;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.validation.ConfigException;
import dev.switchboard.testsupport.DocExamples;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotWireTest {

    private static final String CLEAR_KEY = "sk-live-never-on-the-wire-0123456789";

    private final SecretSealer sealer = SecretSealer.fromBase64Key(randomKey());

    @Test
    void decodeGivesBackTheRevisionTimeAndConfigThatWereEncoded() {
        ConfigSnapshot snapshot = ConfigCodec.loadYaml(DocExamples.completeExample("configuration.md"), 42,
                Instant.parse("2026-11-25T10:15:30Z"));

        ConfigSnapshot back = SnapshotWire.decode(SnapshotWire.encode(snapshot, sealer));

        assertEquals(42, back.revision());
        assertEquals(Instant.parse("2026-11-25T10:15:30Z"), back.createdAt());
        assertEquals(snapshot.config(), back.config());
    }

    @Test
    void theContentIsGzipOfTheSnapshotDocument() {
        ConfigSnapshot snapshot = new ConfigSnapshot(7, Instant.EPOCH, SwitchboardConfig.EMPTY);

        byte[] content = SnapshotWire.encode(snapshot, sealer);

        assertEquals(0x1f, content[0] & 0xff);
        assertEquals(0x8b, content[1] & 0xff);
        assertArrayEquals(ConfigCodec.writeSnapshot(snapshot, sealer), SnapshotWire.gunzip(content));
    }

    @Test
    void aClearSecretTravelsSealedAndOpensWithTheMasterKey() {
        ProviderAccount account = new ProviderAccount("openai-main", ProviderType.OPENAI, null,
                ProviderAuth.apiKey(Secret.clear(CLEAR_KEY)), null, List.of(Model.chat("gpt-4o-mini")));
        ConfigSnapshot snapshot = ConfigCodec.validated(
                SwitchboardConfig.builder().providerAccounts(List.of(account)).build(), 3, Instant.EPOCH);

        byte[] content = SnapshotWire.encode(snapshot, sealer);

        String json = new String(SnapshotWire.gunzip(content), StandardCharsets.UTF_8);
        assertFalse(json.contains(CLEAR_KEY), json);
        Secret travelled = SnapshotWire.decode(content).config().providerAccounts().get(0).auth().apiKey();
        assertEquals(Secret.Source.SEALED, travelled.source());
        assertEquals(CLEAR_KEY, new SecretResolver(sealer, name -> null).reveal(travelled));
    }

    @Test
    void aSnapshotWithAClearSecretCannotBeEncodedWithoutAMasterKey() {
        ProviderAccount account = new ProviderAccount("openai-main", ProviderType.OPENAI, null,
                ProviderAuth.apiKey(Secret.clear(CLEAR_KEY)), null, List.of());
        ConfigSnapshot snapshot = new ConfigSnapshot(1, Instant.EPOCH,
                SwitchboardConfig.builder().providerAccounts(List.of(account)).build());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SnapshotWire.encode(snapshot, null));
        assertFalse(e.getMessage().contains(CLEAR_KEY));
    }

    @Test
    void anInvalidConfigInsideIsRefusedWithItsPath() {
        byte[] content = SnapshotWire.gzip("""
                {"revision":5,"created_at":"2026-01-01T00:00:00Z",
                 "config":{"virtual_models":[{"name":"vm","routing_config":{"type":"weight-based-routing",
                   "load_balance_targets":[{"target":"nope/model","weight":100}]}}]}}
                """.getBytes(StandardCharsets.UTF_8));

        ConfigException e = assertThrows(ConfigException.class, () -> SnapshotWire.decode(content));
        assertEquals("virtual_models[0].routing_config.load_balance_targets[0].target", e.errors().get(0).path());
    }

    @Test
    void contentThatIsNotGzipIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> SnapshotWire.decode("{\"revision\":1}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.errors().get(0).message().startsWith("snapshot is not valid gzip"), e.getMessage());
    }

    @Test
    void theRevisionHeaderIsADecimalNumber() {
        assertEquals("12345", SnapshotWire.revisionHeader(12345));
        assertEquals(12345, SnapshotWire.parseRevisionHeader(" 12345 "));
        assertEquals(-1, SnapshotWire.parseRevisionHeader(null));
        assertEquals(-1, SnapshotWire.parseRevisionHeader("twelve"));
        assertEquals(-1, SnapshotWire.parseRevisionHeader("-3"));
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
