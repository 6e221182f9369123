package dev.switchboard.workflowbridge.databricks;

import com.databricks.sdk.core.ApiClient;
import com.databricks.sdk.core.DatabricksError;
import com.databricks.sdk.core.DatabricksException;
import com.databricks.sdk.core.commons.CommonsHttpClient;
import com.databricks.sdk.core.http.HttpClient;
import com.databricks.sdk.core.retry.IdempotentRequestRetryStrategy;
import com.databricks.sdk.core.retry.RetryStrategy;
import com.databricks.sdk.core.utils.Timer;
import com.databricks.sdk.service.jobs.CancelRun;
import com.databricks.sdk.service.jobs.JobsAPI;
import com.databricks.sdk.service.jobs.Run;
import com.databricks.sdk.service.jobs.RunNow;
import com.databricks.sdk.service.jobs.RunState;
import dev.switchboard.workflowbridge.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Jobs API through the Databricks Java SDK's {@link JobsAPI} and {@link ApiClient}, built from explicit parts rather
 * than from the SDK's config resolution (which would read {@code DATABRICKS_*} variables and {@code ~/.databrickscfg}
 * on its own). The SDK retries 429 and 5xx up to 4 attempts, honouring {@code Retry-After}, sleeping on our
 * {@link Sleeper}.
 */
public final class SdkJobsClient implements JobsClient {

    /** Per request; a poll that times out is simply asked again. */
    public static final int HTTP_TIMEOUT_SECONDS = 60;

    /**
     * Every call the bridge makes may be repeated safely: run-now carries an idempotency token, runs/get reads, and
     * runs/cancel on a cancelled run changes nothing. So 429, 5xx and I/O errors are retried for all of them.
     */
    private static final RetryStrategy EVERY_CALL_IS_IDEMPOTENT = new IdempotentRequestRetryStrategy();

    private final JobsAPI jobs;

    public SdkJobsClient(WorkspaceHost host, Credentials credentials, HttpClient http, Sleeper sleeper, Clock clock) {
        ApiClient api = new ApiClient.Builder()
                .withHttpClient(http)
                .withGetHostFunc(v -> host.url())
                .withAuthenticateFunc(v -> credentials.headers())
                .withGetAuthTypeFunc(v -> credentials.authType())
                .withRetryStrategyPicker(request -> EVERY_CALL_IS_IDEMPOTENT)
                .withTimer(new Timer() {
                    @Override
                    public void sleep(long milliseconds) throws InterruptedException {
                        sleeper.sleep(Duration.ofMillis(milliseconds));
                    }

                    @Override
                    public long getCurrentTime() {
                        return clock.millis();
                    }
                })
                .build();
        this.jobs = new JobsAPI(api);
    }

    public static HttpClient httpClient() {
        return new CommonsHttpClient.Builder().withTimeoutSeconds(HTTP_TIMEOUT_SECONDS).build();
    }

    @Override
    public long runNow(long jobId, Map<String, String> jobParameters, String idempotencyToken) {
        RunNow request = new RunNow().setJobId(jobId).setIdempotencyToken(idempotencyToken);
        if (!jobParameters.isEmpty()) {
            request.setJobParameters(jobParameters);
        }
        return call("run-now for job " + jobId, () -> jobs.runNow(request).getResponse().getRunId());
    }

    @Override
    public RunView getRun(long runId) {
        Run run = call("runs/get for run " + runId, () -> jobs.getRun(runId));
        RunState state = run.getState();
        String lifeCycle = state == null || state.getLifeCycleState() == null
                ? "UNKNOWN" : state.getLifeCycleState().name();
        String result = state == null || state.getResultState() == null ? null : state.getResultState().name();
        String message = state == null ? null : state.getStateMessage();
        long jobId = run.getJobId() == null ? 0 : run.getJobId();
        return new RunView(jobId, runId, run.getRunPageUrl(), lifeCycle, result, message);
    }

    @Override
    public void cancelRun(long runId) {
        call("runs/cancel for run " + runId, () -> jobs.cancelRun(new CancelRun().setRunId(runId)));
    }

    private static <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (CredentialsException e) {
            throw new JobsApiException(operation + " failed: " + e.getMessage(), e.isTransient());
        } catch (DatabricksError e) {
            throw new JobsApiException(operation + " failed: " + describe(e), isTransient(e));
        } catch (DatabricksException e) {
            // The SDK gave up retrying; the cause is the last answer it got.
            if (e.getCause() instanceof DatabricksError last) {
                throw new JobsApiException(operation + " failed after retrying: " + describe(last), true);
            }
            throw new JobsApiException(operation + " failed: " + e.getMessage(), true);
        }
    }

    private static String describe(DatabricksError e) {
        String code = e.getErrorCode() == null ? "" : " " + e.getErrorCode();
        return "HTTP " + e.getStatusCode() + code + ": " + e.getMessage();
    }

    private static boolean isTransient(DatabricksError e) {
        int status = e.getStatusCode();
        return status == 429 || status >= 500;
    }
}
