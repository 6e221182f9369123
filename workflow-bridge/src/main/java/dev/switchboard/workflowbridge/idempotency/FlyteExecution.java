package dev.switchboard.workflowbridge.idempotency;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Flyte task execution this pod belongs to, from the variables Flyte's Kubernetes plugin sets in every task pod:
 * {@code FLYTE_INTERNAL_EXECUTION_PROJECT}, {@code _DOMAIN}, {@code _ID}, {@code FLYTE_INTERNAL_TASK_NAME} and
 * {@code FLYTE_ATTEMPT_NUMBER} (0 for the first attempt, 1 for the first retry, ...). Flyte sets no node-id variable;
 * the node id comes from {@code FLYTE_INTERNAL_NODE_ID} (set it from the pod's {@code node-id} label, see the docs) or
 * from {@code FLYTE_EXECUTION_URL} (set when Flyte knows its console URL; it ends in {@code /nodeId/<id>/nodes}).
 *
 * @param nodeId empty when neither source is there
 */
public record FlyteExecution(String project, String domain, String executionId, Optional<String> nodeId,
        String taskName, int attempt) {

    public static final String PROJECT = "FLYTE_INTERNAL_EXECUTION_PROJECT";
    public static final String DOMAIN = "FLYTE_INTERNAL_EXECUTION_DOMAIN";
    public static final String EXECUTION_ID = "FLYTE_INTERNAL_EXECUTION_ID";
    public static final String TASK_NAME = "FLYTE_INTERNAL_TASK_NAME";
    public static final String ATTEMPT = "FLYTE_ATTEMPT_NUMBER";
    public static final String NODE_ID = "FLYTE_INTERNAL_NODE_ID";
    public static final String EXECUTION_URL = "FLYTE_EXECUTION_URL";

    private static final Pattern NODE_IN_URL = Pattern.compile("/nodeId/([^/]+)/nodes/?$");

    /** Empty outside Flyte (no execution id in the environment). */
    public static Optional<FlyteExecution> fromEnvironment(Map<String, String> env, String nodeIdFlag) {
        String executionId = value(env, EXECUTION_ID);
        if (executionId.isEmpty()) {
            return Optional.empty();
        }
        String attemptText = value(env, ATTEMPT);
        int attempt;
        try {
            attempt = attemptText.isEmpty() ? 0 : Integer.parseInt(attemptText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ATTEMPT + " is not a number: " + attemptText);
        }
        return Optional.of(new FlyteExecution(value(env, PROJECT), value(env, DOMAIN), executionId,
                nodeId(env, nodeIdFlag), value(env, TASK_NAME), attempt));
    }

    private static Optional<String> nodeId(Map<String, String> env, String nodeIdFlag) {
        if (nodeIdFlag != null && !nodeIdFlag.isBlank()) {
            return Optional.of(nodeIdFlag.strip());
        }
        if (!value(env, NODE_ID).isEmpty()) {
            return Optional.of(value(env, NODE_ID));
        }
        Matcher inUrl = NODE_IN_URL.matcher(value(env, EXECUTION_URL));
        return inUrl.find() ? Optional.of(inUrl.group(1)) : Optional.empty();
    }

    private static String value(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null ? "" : value.strip();
    }

    public String describe() {
        return project + "/" + domain + "/" + executionId + " node " + nodeId.orElse("?") + " attempt " + attempt;
    }
}
