package dev.switchboard.workflowbridge;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.switchboard.workflowbridge.databricks.PatCredentials;
import dev.switchboard.workflowbridge.runnow.RunNowSettings;
import dev.switchboard.workflowbridge.support.Bridge;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.Ending;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.FederationPolicy;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.JobScript;
import dev.switchboard.workflowbridge.support.ServiceAccountTokens;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * No token or secret value in the output, on any path. (Every test's {@code Bridge.close()} checks this too, for all
 * the commands it ran; here the paths most likely to leak are gathered in one place.)
 */
class SecretsTest {

    @Test
    void theValueObjectsNeverShowTheirSecret() {
        assertFalse(new PatCredentials(Bridge.PAT).toString().contains(Bridge.PAT));
        assertFalse(new RunNowSettings.Auth(Bridge.PAT, null, Path.of("/t"), "https://h/oidc/v1/token").toString()
                .contains(Bridge.PAT));
    }

    @Test
    void noSecretOnStdoutStderrOrInTheOutputsOnAnyPath() {
        try (Bridge bridge = new Bridge().withPat().flyte("f8a3kq2x9p", "n2", 0)) {
            bridge.workspace.job(1, JobScript.succeedsAfter(Duration.ofMinutes(1)))
                    .job(2, JobScript.endingWith(Ending.FAILED, Duration.ofMinutes(1)))
                    .job(3, JobScript.runsUntilTold());
            bridge.assertNoSecretIn(bridge.runNow("--job-id", "1"));
            bridge.assertNoSecretIn(bridge.runNow("--job-id", "2"));
            bridge.assertNoSecretIn(bridge.runNow("--job-id", "3", "--timeout-seconds", "60"));
            bridge.assertNoSecretIn(bridge.runNow("--job-id", "404"));
            bridge.assertNoSecretIn(bridge.env("DATABRICKS_PERSONAL_ACCESS_TOKEN", Bridge.PAT + "x")
                    .runNow("--job-id", "1"));
        }
    }

    @Test
    void noSecretWhenTokenFederationSucceedsOrIsRefused() {
        try (Bridge bridge = new Bridge().flyte("f8a3kq2x9p", "n2", 0)) {
            bridge.workspace.job(1, JobScript.succeedsAfter(Duration.ofMinutes(1)));
            bridge.env("DATABRICKS_SERVICE_PRINCIPAL_CLIENT_ID", Bridge.CLIENT_ID);
            Path token = bridge.writeServiceAccountToken(bridge.serviceAccountTokens.issue(bridge.clock.instant()));
            bridge.workspace.federate(new FederationPolicy(Bridge.CLIENT_ID, ServiceAccountTokens.ISSUER,
                    ServiceAccountTokens.SUBJECT, ServiceAccountTokens.AUDIENCE,
                    bridge.serviceAccountTokens.publicKey(), Duration.ofMinutes(10)));
            bridge.assertNoSecretIn(bridge.runNow("--job-id", "1", "--oidc-token-file", token.toString()));

            bridge.workspace.federate(new FederationPolicy(Bridge.CLIENT_ID, ServiceAccountTokens.ISSUER,
                    ServiceAccountTokens.SUBJECT, "another-audience", bridge.serviceAccountTokens.publicKey(),
                    Duration.ofMinutes(10)));
            bridge.assertNoSecretIn(bridge.runNow("--job-id", "1", "--idempotency-key", "other",
                    "--oidc-token-file", token.toString()));
        }
    }
}
