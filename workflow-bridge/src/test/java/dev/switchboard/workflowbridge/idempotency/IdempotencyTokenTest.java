package dev.switchboard.workflowbridge.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdempotencyTokenTest {

    private static Map<String, String> flyteEnv(String executionId, String nodeId, int attempt) {
        Map<String, String> env = new HashMap<>();
        env.put("FLYTE_INTERNAL_EXECUTION_PROJECT", "forecasting");
        env.put("FLYTE_INTERNAL_EXECUTION_DOMAIN", "production");
        env.put("FLYTE_INTERNAL_EXECUTION_ID", executionId);
        env.put("FLYTE_INTERNAL_TASK_NAME", "pipelines.train.databricks_train");
        env.put("FLYTE_ATTEMPT_NUMBER", Integer.toString(attempt));
        env.put("FLYTE_INTERNAL_NODE_ID", nodeId);
        return env;
    }

    private static String token(Map<String, String> env, long jobId, Map<String, String> parameters, int freshRun) {
        return IdempotencyToken.derive(RunIdentity.resolve(env, null, null), jobId, parameters, freshRun).value();
    }

    @Test
    void theSameLogicalRunAlwaysGetsTheSameTokenOfTheApisLength() {
        String first = token(flyteEnv("f8a3kq2x9p", "n2", 0), 42, Map.of("a", "1", "b", "2"), 0);
        Map<String, String> reordered = new LinkedHashMap<>();
        reordered.put("b", "2");
        reordered.put("a", "1");

        assertEquals(first, token(flyteEnv("f8a3kq2x9p", "n2", 0), 42, reordered, 0));
        assertEquals(IdempotencyToken.MAX_LENGTH, first.length());
        assertTrue(first.matches("[0-9a-f]{64}"));
    }

    @Test
    void theAttemptNumberIsNotPartOfIt() {
        assertEquals(token(flyteEnv("f8a3kq2x9p", "n2", 0), 42, Map.of(), 0),
                token(flyteEnv("f8a3kq2x9p", "n2", 3), 42, Map.of(), 0));
    }

    @Test
    void everythingThatNamesAnotherRunChangesIt() {
        String base = token(flyteEnv("f8a3kq2x9p", "n2", 0), 42, Map.of("a", "1"), 0);

        assertNotEquals(base, token(flyteEnv("f8a3kq2x9q", "n2", 0), 42, Map.of("a", "1"), 0));
        assertNotEquals(base, token(flyteEnv("f8a3kq2x9p", "n3", 0), 42, Map.of("a", "1"), 0));
        assertNotEquals(base, token(flyteEnv("f8a3kq2x9p", "n2", 0), 43, Map.of("a", "1"), 0));
        assertNotEquals(base, token(flyteEnv("f8a3kq2x9p", "n2", 0), 42, Map.of("a", "2"), 0));
        assertNotEquals(base, token(flyteEnv("f8a3kq2x9p", "n2", 0), 42, Map.of("a", "1"), 1));
        Map<String, String> otherProject = flyteEnv("f8a3kq2x9p", "n2", 0);
        otherProject.put("FLYTE_INTERNAL_EXECUTION_PROJECT", "marketing");
        assertNotEquals(base, token(otherProject, 42, Map.of("a", "1"), 0));
    }

    @Test
    void theNodeIdComesFromTheFlagTheVariableOrTheExecutionUrl() {
        Map<String, String> env = flyteEnv("f8a3kq2x9p", "n2", 0);
        env.remove("FLYTE_INTERNAL_NODE_ID");
        env.put("FLYTE_EXECUTION_URL",
                "https://flyte.example.com/console/projects/forecasting/domains/production/executions/f8a3kq2x9p/nodeId/n0-0-n2/nodes");

        assertEquals(Optional.of("n0-0-n2"), FlyteExecution.fromEnvironment(env, null).orElseThrow().nodeId());
        assertEquals(Optional.of("n7"), FlyteExecution.fromEnvironment(env, "n7").orElseThrow().nodeId());
        env.remove("FLYTE_EXECUTION_URL");
        assertEquals(Optional.empty(), FlyteExecution.fromEnvironment(env, null).orElseThrow().nodeId());
    }

    @Test
    void anExplicitKeyReplacesTheFlyteExecution() {
        RunIdentity keyed = RunIdentity.resolve(Map.of(), "backfill-2026-11-24", null);

        assertEquals(0, keyed.attempt());
        assertEquals(IdempotencyToken.derive(keyed, 42, Map.of(), 0),
                IdempotencyToken.derive(RunIdentity.resolve(Map.of(), "backfill-2026-11-24", null), 42, Map.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> RunIdentity.resolve(Map.of(), null, null));
    }
}
