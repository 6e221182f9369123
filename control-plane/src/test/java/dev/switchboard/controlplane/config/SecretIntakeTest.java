package dev.switchboard.controlplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.secret.Secret;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.validation.ConfigError;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretIntakeTest {

    private final SecretSealer sealer = SecretSealer.fromBase64Key(Base64.getEncoder().encodeToString(new byte[32]));

    @Test
    void aClearValueIsSealed() {
        Secret stored = new SecretIntake(sealer).apply("auth.api_key", Secret.clear("sk-1"), null);
        assertEquals(Secret.Source.SEALED, stored.source());
        assertEquals("sk-1", sealer.open(stored.sealedValue()));
    }

    @Test
    void theSameClearValueAgainKeepsTheStoredSealing() {
        Secret stored = Secret.sealed(sealer.seal("sk-1"));
        assertSame(stored, new SecretIntake(sealer).apply("p", Secret.clear("sk-1"), stored));
    }

    @Test
    void theMaskKeepsTheStoredSecretAndIsAnErrorWhenThereIsNone() {
        Secret stored = Secret.fromEnv("OPENAI_API_KEY");
        SecretIntake intake = new SecretIntake(sealer);
        assertSame(stored, intake.apply("p", Secret.sealed("***"), stored));
        intake.apply("auth.token", Secret.sealed("***"), null);
        assertEquals(List.of(new ConfigError("auth.token",
                "\"***\" keeps the stored secret, but none is stored here; give the secret")), intake.errors());
    }

    @Test
    void withoutAMasterKeyAClearValueIsRefusedWithoutEchoingIt() {
        SecretIntake intake = new SecretIntake(null);
        intake.apply("auth.api_key", Secret.clear("sk-never-echoed"), null);
        assertEquals("auth.api_key", intake.errors().get(0).path());
        assertTrue(!intake.errors().get(0).message().contains("sk-never-echoed"));
    }

    @Test
    void anIdentityProvidersSignInSecretIsSealedAtItsPath() {
        SwitchboardConfig given = ConfigCodec.loadYaml("""
                identity_providers:
                  - name: okta
                    issuer: https://example.okta.com/oauth2/default
                    audiences: [api://switchboard]
                    jwks_url: https://example.okta.com/oauth2/default/v1/keys
                    sign_in: {client_id: switchboard-mcp, client_secret: okta-secret}
                """, 1, Instant.EPOCH).config();
        List<String> paths = new java.util.ArrayList<>();

        SwitchboardConfig stored = SecretFields.apply(given, SwitchboardConfig.EMPTY, (path, secret, old) -> {
            paths.add(path);
            return new SecretIntake(sealer).apply(path, secret, old);
        });

        assertEquals(List.of("identity_providers[0].sign_in.client_secret"), paths);
        Secret sealed = stored.identityProviders().get(0).signIn().clientSecret();
        assertEquals("okta-secret", sealer.open(sealed.sealedValue()));
        assertEquals("switchboard-mcp", stored.identityProviders().get(0).signIn().clientId());
    }

    @Test
    void entraAndServiceAccountSecretsAreSealedAndTheAccountKeepsItsOtherFields() {
        SwitchboardConfig given = ConfigCodec.loadYaml("""
                provider_accounts:
                  - name: azure
                    type: azure-openai
                    base_url: https://res.openai.azure.com
                    api_version: 2024-10-21
                    auth: {type: azure-entra-id, tenant_id: contoso.onmicrosoft.com, client_id: app, client_secret: entra-s}
                    models: [{id: gpt-4o, deployment: gpt-4o-prod}]
                  - name: vertex
                    type: vertex-ai
                    base_url: https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4
                    auth: {type: google-service-account, service_account_key: '{"type":"service_account"}'}
                """, 1, Instant.EPOCH).config();
        List<String> paths = new java.util.ArrayList<>();

        SwitchboardConfig stored = SecretFields.apply(given, SwitchboardConfig.EMPTY, (path, secret, old) -> {
            paths.add(path);
            return new SecretIntake(sealer).apply(path, secret, old);
        });

        assertEquals(List.of("provider_accounts[0].auth.client_secret", "provider_accounts[1].auth.service_account_key"),
                paths);
        var azure = stored.providerAccounts().get(0);
        assertEquals("entra-s", sealer.open(azure.auth().clientSecret().sealedValue()));
        assertEquals("contoso.onmicrosoft.com", azure.auth().tenantId());
        assertEquals("2024-10-21", azure.apiVersion());
        assertEquals("gpt-4o-prod", azure.models().get(0).deployment());
        assertEquals("{\"type\":\"service_account\"}",
                sealer.open(stored.providerAccounts().get(1).auth().serviceAccountKey().sealedValue()));
    }

    @Test
    void bedrocksAwsKeysAreSealedAtTheirPathsAndTheRegionKept() {
        SwitchboardConfig given = ConfigCodec.loadYaml("""
                provider_accounts:
                  - name: bedrock
                    type: bedrock
                    region: eu-west-1
                    auth: {type: aws-access-key, access_key_id: AKIAEXAMPLE, secret_access_key: aws-secret, session_token: aws-token}
                """, 1, Instant.EPOCH).config();
        List<String> paths = new java.util.ArrayList<>();

        SwitchboardConfig stored = SecretFields.apply(given, SwitchboardConfig.EMPTY, (path, secret, old) -> {
            paths.add(path);
            return new SecretIntake(sealer).apply(path, secret, old);
        });

        assertEquals(List.of("provider_accounts[0].auth.access_key_id", "provider_accounts[0].auth.secret_access_key",
                "provider_accounts[0].auth.session_token"), paths);
        var account = stored.providerAccounts().get(0);
        assertEquals("aws-secret", sealer.open(account.auth().secretAccessKey().sealedValue()));
        assertEquals("aws-token", sealer.open(account.auth().sessionToken().sealedValue()));
        assertEquals("AKIAEXAMPLE", sealer.open(account.auth().accessKeyId().sealedValue()));
        assertEquals("eu-west-1", account.region());
    }

    @Test
    void aSealedValueFromAnotherKeyIsRefused() {
        byte[] other = new byte[32];
        other[0] = 1;
        String foreign = SecretSealer.fromBase64Key(Base64.getEncoder().encodeToString(other)).seal("x");
        SecretIntake intake = new SecretIntake(sealer);
        intake.apply("p", Secret.sealed(foreign), null);
        assertEquals(1, intake.errors().size());
    }
}
