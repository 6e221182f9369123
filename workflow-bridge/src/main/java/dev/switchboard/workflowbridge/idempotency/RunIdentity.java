package dev.switchboard.workflowbridge.idempotency;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names one logical run: what stays the same when Flyte retries the task pod, and differs between tasks. Derived from
 * the Flyte execution, or from an explicit key when the bridge runs outside Flyte.
 *
 * @param parts the identifying values, in a fixed order
 * @param attempt which attempt of the task this is (0 = first); never part of {@code parts}
 * @param warnings what the caller should tell the user about this identity
 */
public record RunIdentity(List<String> parts, int attempt, String description, List<String> warnings) {

    public static RunIdentity resolve(Map<String, String> env, String explicitKey, String nodeIdFlag) {
        if (explicitKey != null && !explicitKey.isBlank()) {
            int attempt = FlyteExecution.fromEnvironment(env, nodeIdFlag).map(FlyteExecution::attempt).orElse(0);
            return new RunIdentity(List.of("key", explicitKey.strip()), attempt, "idempotency key", List.of());
        }
        Optional<FlyteExecution> flyte = FlyteExecution.fromEnvironment(env, nodeIdFlag);
        if (flyte.isEmpty()) {
            throw new IllegalArgumentException("no Flyte execution in the environment (" + FlyteExecution.EXECUTION_ID
                    + " is not set) and no --idempotency-key: without one of them a retried run-now could start a"
                    + " second run");
        }
        FlyteExecution execution = flyte.get();
        List<String> warnings = execution.nodeId().isPresent() ? List.of()
                : List.of("no Flyte node id (set " + FlyteExecution.NODE_ID + " from the pod's node-id label, or"
                        + " --flyte-node-id): two nodes of one execution running this task with the same job and"
                        + " parameters would share one Databricks run");
        return new RunIdentity(List.of("flyte", execution.project(), execution.domain(), execution.executionId(),
                execution.nodeId().orElse(""), execution.taskName()), execution.attempt(),
                "Flyte execution " + execution.describe(), warnings);
    }
}
