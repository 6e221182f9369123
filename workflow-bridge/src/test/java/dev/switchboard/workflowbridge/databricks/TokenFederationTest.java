package dev.switchboard.workflowbridge.databricks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.workflowbridge.runnow.ExitCodes;
import dev.switchboard.workflowbridge.support.Bridge;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.FederationPolicy;
import dev.switchboard.workflowbridge.support.FakeDatabricksWorkspace.JobScript;
import dev.switchboard.workflowbridge.support.ServiceAccountTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OAuth token federation: the pod's service-account token exchanged (RFC 8693) at the workspace's token endpoint,
 * which checks it against the service principal's federation policy, for expiring Databricks tokens.
 */
class TokenFederationTest {

    private final Bridge bridge = new Bridge().flyte("f8a3kq2x9p", "n2", 0);

    @AfterEach
    void close() {
        bridge.close();
    }

    private void federate(Duration databricksTokenLifetime) {
        bridge.workspace.federate(new FederationPolicy(Bridge.CLIENT_ID, ServiceAccountTokens.ISSUER,
                ServiceAccountTokens.SUBJECT, ServiceAccountTokens.AUDIENCE, bridge.serviceAccountTokens.publicKey(),
                databricksTokenLifetime));
        bridge.env("DATABRICKS_SERVICE_PRINCIPAL_CLIENT_ID", Bridge.CLIENT_ID);
    }

    private Path projectToken(Duration lifetime) {
        return bridge.writeServiceAccountToken(bridge.serviceAccountTokens.issue(ServiceAccountTokens.SUBJECT,
                ServiceAccountTokens.AUDIENCE, bridge.clock.instant(), lifetime));
    }

    @Test
    void theServiceAccountTokenIsExchangedForADatabricksToken() {
        federate(Duration.ofHours(1));
        Path tokenFile = projectToken(Duration.ofHours(1));
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(5)));

        Bridge.Result result = bridge.runNow("--job-id", "42", "--oidc-token-file", tokenFile.toString());

        assertEquals(ExitCodes.SUCCESS, result.exitCode(), result.stderr());
        assertEquals(1, bridge.workspace.tokenExchanges());
        assertEquals("POST /oidc/v1/token 200", bridge.workspace.requests().get(0));
    }

    @Test
    void theTokenIsExchangedAgainBeforeItExpiresDuringALongWait() {
        federate(Duration.ofMinutes(10));
        // A projected token lives an hour and the kubelet rewrites the file before then: re-read at every exchange.
        Path tokenFile = projectToken(Duration.ofHours(1));
        bridge.sleeper.onSleep((index, pause) -> {
            if (index % 6 == 5) {
                projectToken(Duration.ofHours(1));
            }
        });
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofHours(3)));

        Bridge.Result result = bridge.env("DATABRICKS_OIDC_TOKEN_FILEPATH", tokenFile.toString())
                .runNow("--job-id", "42", "--max-poll-interval-seconds", "300");

        assertEquals(ExitCodes.SUCCESS, result.exitCode(), result.stderr());
        assertEquals(0, bridge.workspace.expiredTokenRejections(), "no request ever went out with an expired token");
        long waitedMinutes = bridge.elapsed().toMinutes();
        assertTrue(bridge.workspace.tokenExchanges() >= waitedMinutes / 10,
                bridge.workspace.tokenExchanges() + " exchanges in " + waitedMinutes + " min");
        assertTrue(bridge.workspace.tokenExchanges() <= waitedMinutes / 9 + 1,
                "not more often than needed: " + bridge.workspace.tokenExchanges());
    }

    @Test
    void aTokenWithTheWrongAudienceIsRefusedAndNothingStarts() {
        federate(Duration.ofHours(1));
        Path tokenFile = bridge.writeServiceAccountToken(bridge.serviceAccountTokens.issue(
                ServiceAccountTokens.SUBJECT, "https://kubernetes.default.svc", bridge.clock.instant(),
                Duration.ofHours(1)));
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(5)));

        Bridge.Result result = bridge.runNow("--job-id", "42", "--oidc-token-file", tokenFile.toString());

        assertEquals(ExitCodes.BRIDGE_ERROR, result.exitCode());
        assertTrue(result.stderr().contains("token exchange at " + bridge.workspace.url() + "/oidc/v1/token failed:"
                + " Token request failed with error: invalid_grant - audience does not match the federation policy"),
                result.stderr());
        assertEquals(0, bridge.workspace.runsStarted());
    }

    @Test
    void anotherServiceAccountIsRefused() {
        federate(Duration.ofHours(1));
        Path tokenFile = bridge.writeServiceAccountToken(bridge.serviceAccountTokens.issue(
                "system:serviceaccount:flyte-workflows:default", ServiceAccountTokens.AUDIENCE,
                bridge.clock.instant(), Duration.ofHours(1)));
        bridge.workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(5)));

        Bridge.Result result = bridge.runNow("--job-id", "42", "--oidc-token-file", tokenFile.toString());

        assertEquals(ExitCodes.BRIDGE_ERROR, result.exitCode());
        assertTrue(result.stderr().contains("subject does not match the federation policy"), result.stderr());
    }

    @Test
    void aMissingTokenFileIsAUsageErrorNamingThePath() {
        federate(Duration.ofHours(1));
        Path missing = bridge.scratch().resolve("no-such-token");

        Bridge.Result result = bridge.runNow("--job-id", "42", "--oidc-token-file", missing.toString());

        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertTrue(result.stderr().contains("DATABRICKS_SERVICE_PRINCIPAL_CLIENT_ID is set, but the service-account"
                + " token " + missing + " cannot be read"), result.stderr());
        assertEquals(List.of(), bridge.workspace.requests());
    }

    @Test
    void aPersonalAccessTokenWinsWhenBothAreSet() {
        federate(Duration.ofHours(1));
        Path tokenFile = projectToken(Duration.ofHours(1));
        bridge.withPat().workspace.job(42, JobScript.succeedsAfter(Duration.ofMinutes(5)));

        Bridge.Result result = bridge.runNow("--job-id", "42", "--oidc-token-file", tokenFile.toString());

        assertEquals(ExitCodes.SUCCESS, result.exitCode(), result.stderr());
        assertEquals(0, bridge.workspace.tokenExchanges());
    }
}
