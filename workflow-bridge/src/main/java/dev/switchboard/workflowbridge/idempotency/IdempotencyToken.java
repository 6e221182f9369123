package dev.switchboard.workflowbridge.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code idempotency_token} of a run-now request: SHA-256 over the run's identity, the job id and its parameters,
 * in hex — exactly the 64 characters the Jobs API allows. The same logical run always gets the same token, so a retried
 * pod gets back the run its first attempt started instead of a second one.
 *
 * <p>{@code freshRun} 0 is that first run. When a retry may start a fresh run because the earlier one failed
 * ({@code --fresh-run-on-retry}), the n-th fresh run's token also covers n.
 */
public record IdempotencyToken(String value) {

    /** The Jobs API's limit on {@code idempotency_token}. */
    public static final int MAX_LENGTH = 64;

    private static final ObjectMapper JSON = new ObjectMapper();

    public static IdempotencyToken derive(RunIdentity identity, long jobId, Map<String, String> jobParameters,
            int freshRun) {
        // A JSON array is an unambiguous encoding: no choice of values makes two different lists print the same.
        List<Object> canonical = new ArrayList<>();
        canonical.add("switchboard-workflow-bridge/1");
        canonical.add(identity.parts());
        canonical.add(jobId);
        canonical.add(new TreeMap<>(jobParameters));
        if (freshRun > 0) {
            canonical.add(freshRun);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(JSON.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8));
            return new IdempotencyToken(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
