package dev.switchboard.workflowbridge.runnow;

import static dev.switchboard.workflowbridge.runnow.RunNowSettings.CANCEL_ON_SIGTERM;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.CANCEL_TIMEOUT;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.CLIENT_ID;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.FRESH_RUN_ON_RETRY;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.HOST;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.IDEMPOTENCY_KEY;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.JOB_ID;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.JOB_PARAMETERS;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.MAX_POLL_INTERVAL;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.OIDC_TOKEN_ENDPOINT;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.OIDC_TOKEN_FILE;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.OUTPUT_DIR;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.PAT;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.POLL_INTERVAL;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.SKIP_WAIT;
import static dev.switchboard.workflowbridge.runnow.RunNowSettings.TIMEOUT_SECONDS;

import com.databricks.sdk.core.http.HttpClient;
import dev.switchboard.workflowbridge.BridgeRuntime;
import dev.switchboard.workflowbridge.databricks.Credentials;
import dev.switchboard.workflowbridge.databricks.PatCredentials;
import dev.switchboard.workflowbridge.databricks.SdkJobsClient;
import dev.switchboard.workflowbridge.databricks.TokenFederationCredentials;
import dev.switchboard.workflowbridge.idempotency.FlyteExecution;
import dev.switchboard.workflowbridge.output.OutputWriter;
import dev.switchboard.workflowbridge.output.RunOutputs;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run-now", sortOptions = false, usageHelpWidth = 120,
        description = {
            "Starts a Databricks job with run-now, exactly once per Flyte task (the idempotency token comes from the"
                    + " Flyte execution), and waits until the run terminates.",
            "Each value comes from its flag, else its environment variable, else its default.",
            "Credentials: " + PAT + " (a personal access token, never printed), else OAuth token federation: "
                    + CLIENT_ID + " plus the pod's service-account token."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the run succeeded, or was started with --skip-wait-for-completion; outputs written",
            "1:the run ended FAILED, CANCELED, TIMEDOUT, INTERNAL_ERROR, SKIPPED, ...",
            "2:a flag or variable is missing or wrong, or no credentials are configured",
            "3:timeout-seconds passed; the run was cancelled",
            "4:a Databricks call was refused or kept failing, or outputs could not be written",
            "143:stopped by SIGTERM; the run is left running unless --cancel-on-sigterm"})
public class RunNowCommand implements Callable<Integer> {

    @Option(names = "--host", paramLabel = "URL", order = 1,
            description = "Workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net. Env: " + HOST)
    String host;

    @Option(names = "--job-id", paramLabel = "ID", order = 2, description = "The job to run. Env: " + JOB_ID)
    Long jobId;

    @Option(names = {"-p", "--job-parameter"}, paramLabel = "NAME=VALUE", order = 3,
            description = "A job parameter; repeat for more. Env: " + JOB_PARAMETERS
                    + " as a JSON object, e.g. {\"date\":\"2026-01-31\"}; any flag replaces the whole variable.")
    Map<String, String> jobParameters;

    @Option(names = "--timeout-seconds", paramLabel = "SECONDS", order = 4,
            description = "Cancel the run and fail when it has not finished after this long; 0 = no limit. Env: "
                    + TIMEOUT_SECONDS + ". Default: " + RunNowSettings.DEFAULT_TIMEOUT_SECONDS)
    Long timeoutSeconds;

    @Option(names = "--skip-wait-for-completion", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            order = 5, description = "Exit 0 right after run-now, outputs written. Env: " + SKIP_WAIT
                    + ". Default: false")
    Boolean skipWaitForCompletion;

    @Option(names = "--output-dir", paramLabel = "DIR", order = 6,
            description = "Where the output files go (the raw-container task's output_data_dir). Env: " + OUTPUT_DIR
                    + ". Default: " + RunNowSettings.DEFAULT_OUTPUT_DIR)
    String outputDir;

    @Option(names = "--fresh-run-on-retry", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            order = 7, description = "On a Flyte retry whose earlier run failed, start a fresh run instead of failing."
                    + " Env: " + FRESH_RUN_ON_RETRY + ". Default: false")
    Boolean freshRunOnRetry;

    @Option(names = "--cancel-on-sigterm", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            order = 8, description = "On SIGTERM, cancel the run instead of leaving it for a retry to re-attach."
                    + " Env: " + CANCEL_ON_SIGTERM + ". Default: false")
    Boolean cancelOnSigterm;

    @Option(names = "--poll-interval-seconds", paramLabel = "SECONDS", order = 9,
            description = "First wait between polls, doubling each poll; decimals allowed. Env: " + POLL_INTERVAL
                    + ". Default: " + RunNowSettings.DEFAULT_POLL_INTERVAL_SECONDS)
    BigDecimal pollIntervalSeconds;

    @Option(names = "--max-poll-interval-seconds", paramLabel = "SECONDS", order = 10,
            description = "Longest wait between polls. Env: " + MAX_POLL_INTERVAL + ". Default: "
                    + RunNowSettings.DEFAULT_MAX_POLL_INTERVAL_SECONDS)
    BigDecimal maxPollIntervalSeconds;

    @Option(names = "--cancel-timeout-seconds", paramLabel = "SECONDS", order = 11,
            description = "After a timeout, how long to wait for Databricks to confirm the cancellation. Env: "
                    + CANCEL_TIMEOUT + ". Default: " + RunNowSettings.DEFAULT_CANCEL_TIMEOUT_SECONDS)
    Long cancelTimeoutSeconds;

    @Option(names = "--idempotency-key", paramLabel = "KEY", order = 12,
            description = "Names the logical run instead of the Flyte execution (outside Flyte). Env: "
                    + IDEMPOTENCY_KEY)
    String idempotencyKey;

    @Option(names = "--flyte-node-id", paramLabel = "ID", order = 13,
            description = "The Flyte node id, when the environment does not carry it. Env: " + FlyteExecution.NODE_ID
                    + ", else parsed from " + FlyteExecution.EXECUTION_URL)
    String flyteNodeId;

    @Option(names = "--client-id", paramLabel = "UUID", order = 14,
            description = "Service principal for token federation. Env: " + CLIENT_ID)
    String clientId;

    @Option(names = "--oidc-token-file", paramLabel = "FILE", order = 15,
            description = "The service-account token to exchange, read at every exchange. Env: " + OIDC_TOKEN_FILE
                    + ". Default: " + RunNowSettings.DEFAULT_OIDC_TOKEN_FILE)
    String oidcTokenFile;

    @Option(names = "--oidc-token-endpoint", paramLabel = "URL", order = 16,
            description = "The token exchange endpoint. Env: " + OIDC_TOKEN_ENDPOINT + ". Default: <host>/oidc/v1/token")
    String oidcTokenEndpoint;

    @Option(names = {"-h", "--help"}, usageHelp = true, order = 17, description = "Show this help and exit.")
    boolean help;

    private final BridgeRuntime runtime;

    @Inject
    public RunNowCommand(BridgeRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Integer call() {
        Progress progress = new Progress(runtime.err(), runtime.clock());
        RunNowSettings settings;
        Credentials credentials;
        HttpClient http = SdkJobsClient.httpClient();
        try {
            settings = RunNowSettings.resolve(this, runtime.env());
            credentials = credentials(settings, http);
        } catch (RunNowSettings.InvalidSettingException e) {
            progress.error(e.getMessage());
            return ExitCodes.USAGE;
        }
        settings.identity().warnings().forEach(progress::warn);
        SdkJobsClient jobs = new SdkJobsClient(settings.host(), credentials, http, runtime.sleeper(), runtime.clock());
        Outcome outcome;
        try {
            outcome = new RunNowFlow(jobs, runtime.clock(), runtime.sleeper(), runtime.termination(), progress)
                    .run(settings);
        } catch (RuntimeException e) {
            // A bug, here or in a library: never let it pass for "the run failed" (exit 1) or a success.
            progress.error("unexpected failure; any run started is left as it is: " + e);
            e.printStackTrace(runtime.err());
            return ExitCodes.BRIDGE_ERROR;
        }
        return report(outcome, settings, progress);
    }

    private Credentials credentials(RunNowSettings settings, HttpClient http) {
        RunNowSettings.Auth auth = settings.auth();
        if (auth.pat() != null) {
            return new PatCredentials(auth.pat());
        }
        if (auth.clientId() == null) {
            throw new RunNowSettings.InvalidSettingException("no Databricks credentials: set " + PAT
                    + " to a personal access token, or " + CLIENT_ID + " to the service principal whose federation"
                    + " policy accepts this pod's service-account token (read from " + auth.oidcTokenFile() + ")");
        }
        if (!Files.isReadable(auth.oidcTokenFile())) {
            throw new RunNowSettings.InvalidSettingException(CLIENT_ID + " is set, but the service-account token "
                    + auth.oidcTokenFile() + " cannot be read (--oidc-token-file / " + OIDC_TOKEN_FILE + ")");
        }
        try {
            return new TokenFederationCredentials(settings.host(), auth.clientId(), auth.oidcTokenFile(),
                    auth.oidcTokenEndpoint(), http, runtime.clock());
        } catch (IllegalArgumentException e) {
            throw new RunNowSettings.InvalidSettingException("--oidc-token-endpoint / " + OIDC_TOKEN_ENDPOINT + ": "
                    + e.getMessage());
        }
    }

    private int report(Outcome outcome, RunNowSettings settings, Progress progress) {
        int exitCode = outcome.exitCode();
        if (exitCode == ExitCodes.SUCCESS) {
            RunOutputs outputs = RunOutputs.of(outcome.lastSeen().orElseThrow());
            try {
                OutputWriter.writeFiles(settings.outputDir(), outputs);
                progress.info("run %d: outputs written to %s", outputs.runId(), settings.outputDir());
            } catch (IOException e) {
                progress.error("could not write the outputs to " + settings.outputDir() + ": " + e);
                exitCode = ExitCodes.BRIDGE_ERROR;
            }
        }
        outcome.message().ifPresent(progress::error);
        outcome.lastSeen().ifPresent(run -> runtime.out().println(OutputWriter.jsonLine(RunOutputs.of(run))));
        runtime.out().flush();
        return exitCode;
    }
}
