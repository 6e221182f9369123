package dev.switchboard.model.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.ProviderAuth;
import dev.switchboard.model.config.ProviderType;
import dev.switchboard.model.config.SwitchboardConfig;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretTest {

    private static final String CLEAR = "sk-very-secret-value-42";
    private static final SecretSealer SEALER = SecretSealer.fromBase64Key(Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes()));

    @Test
    void toStringNeverShowsTheValue() {
        assertEquals("Secret[***]", Secret.clear(CLEAR).toString());
        assertEquals("Secret[env:OPENAI_API_KEY]", Secret.fromEnv("OPENAI_API_KEY").toString());
        assertEquals("Secret[sealed]", Secret.sealed(SEALER.seal(CLEAR)).toString());
    }

    @Test
    void recordsHoldingSecretsDoNotPrintThem() {
        ProviderAccount account = new ProviderAccount("oai", ProviderType.OPENAI, null,
                ProviderAuth.apiKey(Secret.clear(CLEAR)), null, List.of());
        SwitchboardConfig config = SwitchboardConfig.builder().providerAccounts(List.of(account)).build();
        assertFalse(account.toString().contains(CLEAR), account.toString());
        assertFalse(config.toString().contains(CLEAR), config.toString());
    }

    @Test
    void jsonCarriesOnlyTheSealedForm() {
        SwitchboardConfig config = SwitchboardConfig.builder().providerAccounts(List.of(new ProviderAccount("oai",
                ProviderType.OPENAI, null, ProviderAuth.apiKey(Secret.clear(CLEAR)), null, List.of()))).build();
        String json = ConfigCodec.writeJson(config, SEALER);
        assertFalse(json.contains(CLEAR), json);
        assertTrue(json.contains("\"api_key\":{\"sealed\":\"v1:"), json);
        String yaml = ConfigCodec.writeYaml(config, SEALER);
        assertFalse(yaml.contains(CLEAR), yaml);
    }

    @Test
    void sealingRoundTripsAndUsesAFreshNonceEachTime() {
        String a = SEALER.seal(CLEAR);
        String b = SEALER.seal(CLEAR);
        assertNotEquals(a, b);
        assertEquals(CLEAR, SEALER.open(a));
        assertEquals(CLEAR, SEALER.open(b));
    }

    @Test
    void anotherKeyCannotOpenAndTheErrorHoldsNoValue() {
        SecretSealer other = SecretSealer.fromBase64Key(Base64.getEncoder().encodeToString(new byte[32]));
        String sealed = SEALER.seal(CLEAR);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.open(sealed));
        assertEquals("sealed secret cannot be opened with this master key", e.getMessage());
    }

    @Test
    void tamperedCiphertextIsRejected() {
        String sealed = SEALER.seal(CLEAR);
        char last = sealed.charAt(sealed.length() - 3);
        String tampered = sealed.substring(0, sealed.length() - 3) + (last == 'A' ? 'B' : 'A') + sealed.substring(sealed.length() - 2);
        assertThrows(IllegalArgumentException.class, () -> SEALER.open(tampered));
    }

    @Test
    void masterKeyMustBe32Bytes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SecretSealer.fromBase64Key(Base64.getEncoder().encodeToString(new byte[16])));
        assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
    }

    @Test
    void resolverReadsEnvironmentAndSaysWhichVariableIsMissing() {
        SecretResolver resolver = new SecretResolver(SEALER, Map.of("OPENAI_API_KEY", CLEAR)::get);
        assertEquals(CLEAR, resolver.reveal(Secret.fromEnv("OPENAI_API_KEY")));
        assertEquals(CLEAR, resolver.reveal(Secret.sealed(SEALER.seal(CLEAR))));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> resolver.reveal(Secret.fromEnv("MISSING_KEY")));
        assertEquals("environment variable MISSING_KEY is not set", e.getMessage());
        IllegalStateException noKey = assertThrows(IllegalStateException.class,
                () -> new SecretResolver(null, Map.<String, String>of()::get).reveal(Secret.sealed(SEALER.seal(CLEAR))));
        assertFalse(noKey.getMessage().contains(CLEAR));
    }
}
