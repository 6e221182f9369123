package dev.switchboard.workflowbridge.runnow;

import dev.switchboard.workflowbridge.Sleeper;
import dev.switchboard.workflowbridge.Termination;
import dev.switchboard.workflowbridge.databricks.JobsApiException;
import dev.switchboard.workflowbridge.databricks.JobsClient;
import dev.switchboard.workflowbridge.databricks.RunView;
import dev.switchboard.workflowbridge.idempotency.IdempotencyToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One run-now, start to end: find or start the run for this logical task, then wait for it to terminate, or for the
 * timeout, and cancel it then. Pure orchestration over {@link JobsClient}, a clock and a sleeper.
 */
final class RunNowFlow {

    /** Polls that may fail in a row (each after the client's own retries) before the bridge gives up waiting. */
    static final int MAX_FAILED_POLLS_IN_A_ROW = 10;

    private final JobsClient jobs;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Termination termination;
    private final Progress progress;

    RunNowFlow(JobsClient jobs, Clock clock, Sleeper sleeper, Termination termination, Progress progress) {
        this.jobs = jobs;
        this.clock = clock;
        this.sleeper = sleeper;
        this.termination = termination;
        this.progress = progress;
    }

    Outcome run(RunNowSettings settings) {
        Instant started = clock.instant();
        Attached attached;
        try {
            attached = attach(settings);
        } catch (JobsApiException e) {
            return new Outcome.BridgeFailed(Optional.empty(), e.getMessage());
        }
        RunView run = attached.run();
        progress.info("run %d: run page %s", run.runId(), run.runPageUrl());
        progress.state(run);
        if (run.terminal()) {
            return ended(run, attached.hint());
        }
        if (settings.skipWaitForCompletion()) {
            progress.info("run %d: not waiting for it (skip-wait-for-completion)", run.runId());
            return new Outcome.Started(run);
        }
        try (Termination.Guard guard = termination.onTerminate(() -> onTerminate(run, settings))) {
            return waitFor(run, settings, started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Interrupted(run);
        }
    }

    private record Attached(RunView run, String hint) {
    }

    /**
     * run-now with this task's idempotency token: Databricks answers with the run that token already started, if any.
     * Without --fresh-run-on-retry that run is the answer, even a failed one. With it, a retry whose earlier run
     * failed moves on to the next fresh-run token, up to its own attempt number, so it starts at most one new run and
     * re-attaches to a fresh run an earlier retry started.
     */
    private Attached attach(RunNowSettings settings) {
        int attempt = settings.identity().attempt();
        int lastFreshRun = settings.freshRunOnRetry() ? attempt : 0;
        for (int freshRun = 0; ; freshRun++) {
            String token = IdempotencyToken.derive(settings.identity(), settings.jobId(), settings.jobParameters(),
                    freshRun).value();
            progress.info("run-now job %d for %s%s, idempotency token %s", settings.jobId(),
                    settings.identity().description(), freshRun == 0 ? "" : " (fresh run " + freshRun + ")", token);
            long runId = jobs.runNow(settings.jobId(), settings.jobParameters(), token);
            RunView run = jobs.getRun(runId);
            if (!run.failed() || freshRun >= lastFreshRun) {
                return new Attached(run, run.failed() && attempt > 0 ? reattachedHint(attempt, settings) : "");
            }
            progress.info("run %d, started by an earlier attempt, ended %s; fresh-run-on-retry: moving on to a fresh"
                    + " run", run.runId(), run.stateLabel());
        }
    }

    private static String reattachedHint(int attempt, RunNowSettings settings) {
        if (settings.freshRunOnRetry()) {
            return "This is attempt " + attempt + " of the Flyte task; it found the run of its own attempt already"
                    + " ended";
        }
        return "This is attempt " + attempt + " of the Flyte task: it re-attached to the run an earlier attempt"
                + " started, which had failed (a retry never starts a second run). To start a fresh run when the"
                + " earlier one failed, set --fresh-run-on-retry (" + RunNowSettings.FRESH_RUN_ON_RETRY + "=true)";
    }

    private Outcome waitFor(RunView first, RunNowSettings settings, Instant started) throws InterruptedException {
        Optional<Instant> deadline = settings.timeout().isZero()
                ? Optional.empty() : Optional.of(started.plus(settings.timeout()));
        RunView run = first;
        int polls = 0;
        int failedInARow = 0;
        while (!run.terminal()) {
            Instant now = clock.instant();
            if (deadline.isPresent() && !now.isBefore(deadline.get())) {
                return timeOut(run, settings);
            }
            sleeper.sleep(capped(settings.backoff().interval(polls++), now, deadline));
            try {
                run = observe(run, jobs.getRun(run.runId()));
                failedInARow = 0;
            } catch (JobsApiException e) {
                failedInARow++;
                if (!e.isTransient() || failedInARow >= MAX_FAILED_POLLS_IN_A_ROW) {
                    return new Outcome.BridgeFailed(Optional.of(run), e.getMessage());
                }
                progress.warn(e.getMessage() + " (" + failedInARow + " failed polls in a row; polling on)");
            }
        }
        return ended(run, "");
    }

    private Outcome timeOut(RunView run, RunNowSettings settings) throws InterruptedException {
        progress.info("run %d: still %s after timeout-seconds=%d; cancelling it", run.runId(), run.stateLabel(),
                settings.timeout().toSeconds());
        try {
            jobs.cancelRun(run.runId());
        } catch (JobsApiException e) {
            return new Outcome.TimedOut(run, settings.timeout(), "the cancel request failed: " + e.getMessage());
        }
        Instant giveUp = clock.instant().plus(settings.cancelTimeout());
        int polls = 0;
        while (!run.terminal()) {
            Instant now = clock.instant();
            if (!now.isBefore(giveUp)) {
                return new Outcome.TimedOut(run, settings.timeout(), "Databricks did not confirm it within"
                        + " cancel-timeout-seconds=" + settings.cancelTimeout().toSeconds());
            }
            sleeper.sleep(capped(settings.backoff().interval(polls++), now, Optional.of(giveUp)));
            try {
                run = observe(run, jobs.getRun(run.runId()));
            } catch (JobsApiException e) {
                if (!e.isTransient()) {
                    return new Outcome.TimedOut(run, settings.timeout(), "checking the run failed: " + e.getMessage());
                }
                progress.warn(e.getMessage());
            }
        }
        if (run.succeeded()) {
            progress.info("run %d: finished successfully before the cancellation took effect", run.runId());
            return new Outcome.Succeeded(run);
        }
        return new Outcome.TimedOut(run, settings.timeout(), "");
    }

    private RunView observe(RunView previous, RunView current) {
        if (!current.stateLabel().equals(previous.stateLabel())) {
            progress.state(current);
        }
        return current;
    }

    private static Outcome ended(RunView run, String hint) {
        return run.succeeded() ? new Outcome.Succeeded(run) : new Outcome.RunFailed(run, hint);
    }

    private static Duration capped(Duration pause, Instant now, Optional<Instant> limit) {
        if (limit.isEmpty()) {
            return pause;
        }
        Duration left = Duration.between(now, limit.get());
        return left.compareTo(pause) < 0 ? left : pause;
    }

    /** SIGTERM while waiting: by default leave the run alone, so a retried pod re-attaches to it. */
    private void onTerminate(RunView run, RunNowSettings settings) {
        if (!settings.cancelOnSigterm()) {
            progress.info("SIGTERM: leaving run %d running (%s); a retry of this task re-attaches to it through its"
                    + " idempotency token", run.runId(), run.runPageUrl());
            return;
        }
        progress.info("SIGTERM: cancelling run %d (cancel-on-sigterm)", run.runId());
        try {
            jobs.cancelRun(run.runId());
            progress.info("SIGTERM: cancel of run %d requested", run.runId());
        } catch (JobsApiException e) {
            progress.error("SIGTERM: could not cancel run " + run.runId() + ": " + e.getMessage());
        }
    }
}
