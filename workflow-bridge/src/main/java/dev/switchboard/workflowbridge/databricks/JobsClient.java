package dev.switchboard.workflowbridge.databricks;

import java.util.Map;

/** The three Jobs API calls the bridge makes. Each throws {@link JobsApiException} when Databricks says no. */
public interface JobsClient {

    /** {@code POST /api/2.2/jobs/run-now}; the same idempotency token always yields the same run id. */
    long runNow(long jobId, Map<String, String> jobParameters, String idempotencyToken);

    /** {@code GET /api/2.2/jobs/runs/get}. */
    RunView getRun(long runId);

    /** {@code POST /api/2.2/jobs/runs/cancel}: asks for the cancellation; the run says when it is done. */
    void cancelRun(long runId);
}
