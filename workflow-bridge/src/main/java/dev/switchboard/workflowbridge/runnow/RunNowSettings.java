package dev.switchboard.workflowbridge.runnow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflowbridge.databricks.WorkspaceHost;
import dev.switchboard.workflowbridge.idempotency.RunIdentity;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a run-now command needs, resolved once: each value from its flag, else its environment variable, else its
 * default. Flags win; for job parameters, any {@code --job-parameter} replaces the whole variable.
 *
 * @param timeout zero means no limit
 */
public record RunNowSettings(WorkspaceHost host, long jobId, Map<String, String> jobParameters, Duration timeout,
        boolean skipWaitForCompletion, Path outputDir, boolean freshRunOnRetry, boolean cancelOnSigterm,
        PollBackoff backoff, Duration cancelTimeout, RunIdentity identity, Auth auth) {

    public static final String HOST = "DATABRICKS_HOST";
    public static final String JOB_ID = "DATABRICKS_JOB_ID";
    public static final String JOB_PARAMETERS = "DATABRICKS_JOB_PARAMETERS";
    public static final String TIMEOUT_SECONDS = "WORKFLOW_BRIDGE_TIMEOUT_SECONDS";
    public static final String SKIP_WAIT = "WORKFLOW_BRIDGE_SKIP_WAIT_FOR_COMPLETION";
    public static final String OUTPUT_DIR = "WORKFLOW_BRIDGE_OUTPUT_DIR";
    public static final String FRESH_RUN_ON_RETRY = "WORKFLOW_BRIDGE_FRESH_RUN_ON_RETRY";
    public static final String CANCEL_ON_SIGTERM = "WORKFLOW_BRIDGE_CANCEL_ON_SIGTERM";
    public static final String POLL_INTERVAL = "WORKFLOW_BRIDGE_POLL_INTERVAL_SECONDS";
    public static final String MAX_POLL_INTERVAL = "WORKFLOW_BRIDGE_MAX_POLL_INTERVAL_SECONDS";
    public static final String CANCEL_TIMEOUT = "WORKFLOW_BRIDGE_CANCEL_TIMEOUT_SECONDS";
    public static final String IDEMPOTENCY_KEY = "WORKFLOW_BRIDGE_IDEMPOTENCY_KEY";
    public static final String PAT = "DATABRICKS_PERSONAL_ACCESS_TOKEN";
    public static final String CLIENT_ID = "DATABRICKS_SERVICE_PRINCIPAL_CLIENT_ID";
    public static final String OIDC_TOKEN_FILE = "DATABRICKS_OIDC_TOKEN_FILEPATH";
    public static final String OIDC_TOKEN_ENDPOINT = "DATABRICKS_OIDC_TOKEN_ENDPOINT";

    public static final long DEFAULT_TIMEOUT_SECONDS = 86_400;
    public static final String DEFAULT_OUTPUT_DIR = "/var/outputs";
    public static final String DEFAULT_POLL_INTERVAL_SECONDS = "5";
    public static final String DEFAULT_MAX_POLL_INTERVAL_SECONDS = "30";
    public static final long DEFAULT_CANCEL_TIMEOUT_SECONDS = 300;
    public static final String DEFAULT_OIDC_TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How to authenticate: the personal access token when there is one, else token federation with the client id.
     * {@link #toString()} never shows the token.
     *
     * @param pat null when {@value #PAT} is not set
     * @param clientId null when {@value #CLIENT_ID} is not set
     */
    public record Auth(String pat, String clientId, Path oidcTokenFile, String oidcTokenEndpoint) {
        @Override
        public String toString() {
            return "Auth[pat=" + (pat == null ? "unset" : "****") + ", clientId=" + clientId + ", oidcTokenFile="
                    + oidcTokenFile + ", oidcTokenEndpoint=" + oidcTokenEndpoint + "]";
        }
    }

    /** Thrown with a message for the user when a setting is missing or wrong. */
    public static final class InvalidSettingException extends RuntimeException {
        InvalidSettingException(String message) {
            super(message);
        }
    }

    static RunNowSettings resolve(RunNowCommand flags, Map<String, String> env) {
        WorkspaceHost host;
        try {
            host = WorkspaceHost.parse(required(flags.host, env, HOST, "--host"));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("--host / " + HOST + ": " + e.getMessage());
        }
        long jobId = positiveLong("--job-id / " + JOB_ID, first(str(flags.jobId), env.get(JOB_ID)), null);
        Map<String, String> parameters = flags.jobParameters != null && !flags.jobParameters.isEmpty()
                ? Map.copyOf(flags.jobParameters)
                : jsonObject(JOB_PARAMETERS, env.get(JOB_PARAMETERS));
        long timeoutSeconds = nonNegativeLong("--timeout-seconds / " + TIMEOUT_SECONDS,
                first(str(flags.timeoutSeconds), env.get(TIMEOUT_SECONDS)), DEFAULT_TIMEOUT_SECONDS);
        boolean skipWait = bool("--skip-wait-for-completion / " + SKIP_WAIT, flags.skipWaitForCompletion,
                env.get(SKIP_WAIT));
        Path outputDir = Path.of(orDefault(first(flags.outputDir, env.get(OUTPUT_DIR)), DEFAULT_OUTPUT_DIR));
        boolean freshRunOnRetry = bool("--fresh-run-on-retry / " + FRESH_RUN_ON_RETRY, flags.freshRunOnRetry,
                env.get(FRESH_RUN_ON_RETRY));
        boolean cancelOnSigterm = bool("--cancel-on-sigterm / " + CANCEL_ON_SIGTERM, flags.cancelOnSigterm,
                env.get(CANCEL_ON_SIGTERM));
        Duration firstPoll = seconds("--poll-interval-seconds / " + POLL_INTERVAL,
                orDefault(first(str(flags.pollIntervalSeconds), env.get(POLL_INTERVAL)), DEFAULT_POLL_INTERVAL_SECONDS));
        Duration maxPoll = seconds("--max-poll-interval-seconds / " + MAX_POLL_INTERVAL,
                orDefault(first(str(flags.maxPollIntervalSeconds), env.get(MAX_POLL_INTERVAL)),
                        DEFAULT_MAX_POLL_INTERVAL_SECONDS));
        PollBackoff backoff;
        try {
            backoff = new PollBackoff(firstPoll, maxPoll);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(e.getMessage());
        }
        long cancelTimeoutSeconds = positiveLong("--cancel-timeout-seconds / " + CANCEL_TIMEOUT,
                first(str(flags.cancelTimeoutSeconds), env.get(CANCEL_TIMEOUT)), DEFAULT_CANCEL_TIMEOUT_SECONDS);
        RunIdentity identity;
        try {
            identity = RunIdentity.resolve(env, first(flags.idempotencyKey, env.get(IDEMPOTENCY_KEY)), flags.flyteNodeId);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(e.getMessage());
        }
        Auth auth = new Auth(blankToNull(env.get(PAT)), blankToNull(first(flags.clientId, env.get(CLIENT_ID))),
                Path.of(orDefault(first(flags.oidcTokenFile, env.get(OIDC_TOKEN_FILE)), DEFAULT_OIDC_TOKEN_FILE)),
                orDefault(first(flags.oidcTokenEndpoint, env.get(OIDC_TOKEN_ENDPOINT)), host.defaultTokenEndpoint()));
        return new RunNowSettings(host, jobId, parameters, Duration.ofSeconds(timeoutSeconds), skipWait, outputDir,
                freshRunOnRetry, cancelOnSigterm, backoff, Duration.ofSeconds(cancelTimeoutSeconds), identity, auth);
    }

    private static String required(String flag, Map<String, String> env, String variable, String flagName) {
        String value = first(flag, env.get(variable));
        if (value == null) {
            throw new InvalidSettingException("missing " + flagName + " (or " + variable + ")");
        }
        return value;
    }

    private static long positiveLong(String name, String text, Long fallback) {
        long value = longValue(name, text, fallback);
        if (value <= 0) {
            throw new InvalidSettingException(name + " must be positive: " + text);
        }
        return value;
    }

    private static long nonNegativeLong(String name, String text, long fallback) {
        long value = longValue(name, text, fallback);
        if (value < 0) {
            throw new InvalidSettingException(name + " must not be negative: " + text);
        }
        return value;
    }

    private static long longValue(String name, String text, Long fallback) {
        if (text == null) {
            if (fallback == null) {
                throw new InvalidSettingException("missing " + name);
            }
            return fallback;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(name + " is not a whole number: " + text);
        }
    }

    private static Duration seconds(String name, String text) {
        try {
            BigDecimal seconds = new BigDecimal(text.strip());
            if (seconds.signum() <= 0) {
                throw new InvalidSettingException(name + " must be positive: " + text);
            }
            return Duration.ofMillis(seconds.movePointRight(3).longValue());
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(name + " is not a number of seconds: " + text);
        }
    }

    private static boolean bool(String name, Boolean flag, String variable) {
        if (flag != null) {
            return flag;
        }
        if (variable == null || variable.isBlank()) {
            return false;
        }
        switch (variable.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes":
                return true;
            case "false", "0", "no":
                return false;
            default:
                throw new InvalidSettingException(name + " must be true or false: " + variable);
        }
    }

    private static Map<String, String> jsonObject(String name, String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidSettingException(name + " is not JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) {
            throw new InvalidSettingException(name + " must be a JSON object of names to values, like {\"date\":\"2026-01-31\"}");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            JsonNode value = field.getValue();
            if (value.isContainerNode() || value.isNull()) {
                throw new InvalidSettingException(name + ": the value of " + field.getKey() + " must be a string or number");
            }
            parameters.put(field.getKey(), value.asText());
        }
        return Map.copyOf(parameters);
    }

    private static String first(String flag, String variable) {
        if (flag != null && !flag.isBlank()) {
            return flag.strip();
        }
        return variable == null || variable.isBlank() ? null : variable.strip();
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String str(Object value) {
        return value == null ? null : value.toString();
    }
}
