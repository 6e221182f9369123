package dev.switchboard.gateway.pipeline;

import dev.switchboard.gateway.forward.ClientGoneException;
import dev.switchboard.gateway.forward.Outcome;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.limits.LimitStep;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.provider.anthropic.inbound.AnthropicInboundError;
import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.routing.TargetHealth;
import dev.switchboard.gateway.guardrail.AnswerText;
import dev.switchboard.gateway.telemetry.PayloadText;
import dev.switchboard.gateway.telemetry.TargetStatistics;
import dev.switchboard.gateway.telemetry.Usage;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.model.config.Price;
import dev.switchboard.model.limits.Admission;
import dev.switchboard.model.limits.AppliedLimit;
import dev.switchboard.model.limits.Family;
import dev.switchboard.model.snapshot.ModelRef;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.runtime.tracing.RequestSpans;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Step 7, and the bookkeeping of every attempt: each attempt's outcome goes to the target's health (which routing
 * reads), and once the request is done its latency, time to first token, usage, time per output token and cost go to
 * the statistics, a request-log event is queued and the Prometheus meters are updated from it. Never throws into the
 * request and never blocks.
 */
public final class Recorder {

    private final RoutingStats health;
    private final TargetStatistics statistics;
    private final RowQueue<RequestLog> logs;
    private final LimitStep limits;
    private final RowQueue<RequestLog> spans;
    private final boolean tracing;
    private static final Logger LOG = Logger.getLogger(Recorder.class);

    private final GatewayMetrics metrics;
    private volatile boolean metricsFailureLogged;

    /**
     * {@code tracing}: whether requests are traced; {@code spans}: where finished requests go for their spans, null when
     * traces are off or the spans go in the request logs.
     */
    public Recorder(RoutingStats health, TargetStatistics statistics, RowQueue<RequestLog> logs, LimitStep limits,
                    boolean tracing, RowQueue<RequestLog> spans, GatewayMetrics metrics) {
        this.health = health;
        this.statistics = statistics;
        this.logs = logs;
        this.limits = limits;
        this.spans = spans;
        this.tracing = tracing;
        this.metrics = metrics;
    }

    /** Whether requests are traced: the pipeline then takes trace ids at the start and per attempt. */
    boolean tracing() {
        return tracing;
    }

    /** One try at {@code target} that got no answer (status -1) or an answer that will not be relayed. */
    void attempt(Exchange x, String target, int status, long attemptStartNanos) {
        long now = System.nanoTime();
        String provider = x.traced()
                ? x.state.snapshot().model(target).map(m -> RequestSpans.provider(m.account().type())).orElse(null) : null;
        x.attempts.add(new RequestLog.Attempt(target, status, (now - attemptStartNanos) / 1e6, provider,
                x.attemptSpanId, epochNanos(x, attemptStartNanos)));
        health.of(target).record(System.currentTimeMillis(), status < 0 ? TargetHealth.CONNECT_ERROR : status, -1);
    }

    /** The answer of {@code target} was relayed to the caller. */
    void served(Exchange x, ModelRef target, Outcome outcome, long attemptStartNanos) {
        double latencyMs = (outcome.endNanos() - x.startNanos) / 1e6;
        double ttftMs = outcome.firstByteNanos() < 0 ? -1 : (outcome.firstByteNanos() - x.startNanos) / 1e6;
        Usage usage = outcome.usage();
        double tpotMs = -1;
        if (usage.known() && usage.completionTokens() > 1 && outcome.firstByteNanos() >= 0) {
            // the first token arrives with the first byte; the rest share the time after it
            tpotMs = (outcome.endNanos() - outcome.firstByteNanos()) / 1e6 / (usage.completionTokens() - 1);
        }
        String name = target.name();
        x.attempts.add(new RequestLog.Attempt(name, outcome.status(), (outcome.endNanos() - attemptStartNanos) / 1e6,
                x.traced() ? RequestSpans.provider(target.account().type()) : null, x.attemptSpanId,
                epochNanos(x, attemptStartNanos)));
        if (outcome.status() != 499) {
            // a guardrail's block says nothing about the target, which answered
            int status = "upstream_stream_broken".equals(outcome.errorCode()) ? 502
                    : GatewayError.GUARDRAIL_VIOLATION.equals(outcome.errorCode()) ? 200 : outcome.status();
            health.of(name).record(System.currentTimeMillis(), status, tpotMs);
        }
        statistics.record(name, new TargetStatistics.Sample(x.startMillis, outcome.status(), latencyMs, ttftMs, tpotMs));
        double cost = costUsd(x.request, target.model().price(), outcome);
        limits.settle(x.admission, usage.promptTokens(), usage.completionTokens(), cost);
        offer(x, new RequestLog(x.requestId, Instant.ofEpochMilli(x.startMillis), x.principal.subject().toString(),
                RequestLog.teamOf(x.principal), x.principal.credential(), x.request.endpoint().logName(), x.request.model(),
                name, x.request.stream(), outcome.status(), outcome.errorCode(), latencyMs, ttftMs, usage.promptTokens(),
                usage.completionTokens(), tpotMs, cost, List.copyOf(x.attempts), x.guardrailVerdicts(), x.metadata,
                budgetKeys(x), null, trace(x, usage), payloads(x), usage.audioSeconds()));
    }

    /**
     * What a served call cost: its tokens, where the answer counts them, and the units the endpoint is billed in where
     * the model has a price for them: an image generation's images (the items of its answer's {@code data}), a
     * transcription's or translation's seconds of audio (as its answer reports them), a successful speech answer's
     * input characters (as the request gave them).
     */
    static double costUsd(LlmRequest request, Price price, Outcome outcome) {
        Usage usage = outcome.usage();
        double cost = usage.known() ? price.costUsd(usage.promptTokens(), usage.completionTokens()) : 0;
        boolean ok = outcome.status() >= 200 && outcome.status() < 300;
        switch (request.endpoint()) {
            case IMAGES_GENERATIONS -> cost += ok ? price.imagesCostUsd(usage.dataItems()) : 0;
            case AUDIO_TRANSCRIPTIONS, AUDIO_TRANSLATIONS -> cost += price.audioCostUsd(usage.audioSeconds());
            case AUDIO_SPEECH -> cost += ok ? price.charactersCostUsd(request.inputCharacters()) : 0;
            default -> {
                // priced in tokens only
            }
        }
        return cost;
    }

    /** The gateway answered the caller itself with {@code error}, after the attempts made (if any). */
    void failed(Exchange x, String lastTarget, GatewayError error) {
        double latencyMs = (System.nanoTime() - x.startNanos) / 1e6;
        if (lastTarget != null) {
            statistics.record(lastTarget, new TargetStatistics.Sample(x.startMillis, error.status(), latencyMs, -1, -1));
        }
        limits.settle(x.admission, 0, 0, 0);
        offer(x, new RequestLog(x.requestId, Instant.ofEpochMilli(x.startMillis), x.principal.subject().toString(),
                RequestLog.teamOf(x.principal), x.principal.credential(), x.request.endpoint().logName(), x.request.model(),
                lastTarget, x.request.stream(), error.status(), error.code(), latencyMs, -1, -1, -1, -1, 0,
                List.copyOf(x.attempts), x.guardrailVerdicts(), x.metadata, budgetKeys(x), error.limit(),
                trace(x, Usage.UNKNOWN), payloads(x)));
    }

    /**
     * The gateway refused the request before it was resolved (authentication, authorization, the body, an unknown
     * model): no request log, only the meters.
     */
    void refused(Endpoint endpoint, Throwable err, long startNanos) {
        int status = err instanceof AnthropicInboundError a ? a.status() : err instanceof GatewayError e ? e.status()
                : err instanceof ClientGoneException ? 499 : 500;
        try {
            metrics.refused(endpoint, status, System.nanoTime() - startNanos);
        } catch (RuntimeException e) {
            metricsFailed(e);
        }
    }

    private void offer(Exchange x, RequestLog log) {
        logs.offer(log);
        if (spans != null && x.traced()) {
            spans.offer(log);
        }
        try {
            metrics.record(log);
        } catch (RuntimeException e) {
            metricsFailed(e);
        }
    }

    /** A bug in the meters must never keep the caller's answer back: said once, then counted on in silence. */
    private void metricsFailed(RuntimeException e) {
        if (!metricsFailureLogged) {
            metricsFailureLogged = true;
            LOG.error("recording a request's metrics failed; the request was answered and logged", e);
        }
    }

    /** What the spans need beyond the log; null when the request is not traced. */
    private static RequestLog.Trace trace(Exchange x, Usage usage) {
        if (!x.traced()) {
            return null;
        }
        return new RequestLog.Trace(x.traceHigh, x.traceLow, x.parentSpanId, x.spanId, x.startMillis * 1_000_000L,
                x.plan != null ? x.request.model() : null, x.request.maxTokens(), x.request.temperature(),
                usage.responseId(), usage.responseModel(), usage.finishReason());
    }

    /**
     * The payloads of a request whose model or virtual model logs them, null otherwise. The prompt only once the input
     * guardrails let it through to the attempts: before, it is the caller's text as sent, unredacted.
     */
    private static RequestLog.Payloads payloads(Exchange x) {
        if (x.payloadCap == 0) {
            return null;
        }
        String prompt = "";
        boolean promptTruncated = false;
        if (x.screened) {
            byte[] body = x.request.body();
            prompt = PayloadText.head(body, x.payloadCap);
            promptTruncated = body.length > x.payloadCap;
        }
        AnswerText answer = x.answer;
        return new RequestLog.Payloads(prompt, promptTruncated, answer == null ? "" : answer.text(),
                answer != null && answer.truncated());
    }

    /** A monotonic instant of the request as wall-clock nanoseconds: its start's wall clock plus the time since. */
    private static long epochNanos(Exchange x, long nanos) {
        return x.startMillis * 1_000_000L + (nanos - x.startNanos);
    }

    /** The budget counters the request's cost went to: how the control plane totals spend per counter. */
    private static List<String> budgetKeys(Exchange x) {
        if (x.admission == Admission.NONE) {
            return List.of();
        }
        List<String> keys = new ArrayList<>(2);
        for (AppliedLimit limit : x.admission.limits()) {
            if (limit.key().family() == Family.BUDGET) {
                keys.add(limit.key().wire());
            }
        }
        return keys;
    }
}
