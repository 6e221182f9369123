package dev.switchboard.gateway.pipeline;

import dev.switchboard.gateway.forward.Outcome;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.telemetry.RequestLog;
import dev.switchboard.gateway.telemetry.RequestLogBuffer;
import dev.switchboard.gateway.telemetry.TargetStatistics;
import dev.switchboard.gateway.telemetry.Usage;
import java.time.Instant;

/**
 * Step 7, after the response: latency, time to first token, usage, time per output token and cost go to the in-memory
 * statistics and a request-log event is queued. Never throws into the request and never blocks.
 */
public final class Recorder {

    private final TargetStatistics statistics;
    private final RequestLogBuffer logs;

    public Recorder(TargetStatistics statistics, RequestLogBuffer logs) {
        this.statistics = statistics;
        this.logs = logs;
    }

    public void served(Exchange x, Outcome outcome) {
        double latencyMs = (outcome.endNanos() - x.startNanos()) / 1e6;
        double ttftMs = outcome.firstByteNanos() < 0 ? -1 : (outcome.firstByteNanos() - x.startNanos()) / 1e6;
        Usage usage = outcome.usage();
        double tpotMs = -1;
        if (usage.known() && usage.completionTokens() > 1 && ttftMs >= 0) {
            // the first token arrives with the first byte; the rest share the time after it
            tpotMs = (latencyMs - ttftMs) / (usage.completionTokens() - 1);
        }
        String target = x.target().name();
        statistics.record(target, new TargetStatistics.Sample(x.startEpochMillis(), outcome.status(), latencyMs, ttftMs, tpotMs));
        double cost = usage.known()
                ? x.target().model().price().costUsd(usage.promptTokens(), usage.completionTokens()) : 0;
        logs.offer(new RequestLog(x.requestId(), Instant.ofEpochMilli(x.startEpochMillis()),
                x.principal().subject().toString(), x.principal().credential(), x.request().endpoint().name(),
                x.request().model(), target, x.request().stream(), outcome.status(), outcome.errorCode(), latencyMs,
                ttftMs, usage.promptTokens(), usage.completionTokens(), tpotMs, cost));
    }

    public void failed(Exchange x, GatewayError error, long endNanos) {
        double latencyMs = (endNanos - x.startNanos()) / 1e6;
        String target = x.target().name();
        statistics.record(target, new TargetStatistics.Sample(x.startEpochMillis(), error.status(), latencyMs, -1, -1));
        logs.offer(new RequestLog(x.requestId(), Instant.ofEpochMilli(x.startEpochMillis()),
                x.principal().subject().toString(), x.principal().credential(), x.request().endpoint().name(),
                x.request().model(), target, x.request().stream(), error.status(), error.code(), latencyMs, -1, -1, -1,
                -1, 0));
    }
}
