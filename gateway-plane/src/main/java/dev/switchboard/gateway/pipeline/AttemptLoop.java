package dev.switchboard.gateway.pipeline;

import dev.switchboard.gateway.forward.ClientGoneException;
import dev.switchboard.gateway.forward.Forwarder;
import dev.switchboard.gateway.forward.Outcome;
import dev.switchboard.gateway.forward.UpstreamResponse;
import dev.switchboard.gateway.guardrail.AnswerText;
import dev.switchboard.gateway.guardrail.OutputGuard;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.anthropic.inbound.AnthropicInboundError;
import dev.switchboard.gateway.provider.anthropic.inbound.MessagesInbound;
import dev.switchboard.gateway.provider.ProviderAdapter;
import dev.switchboard.gateway.provider.ProviderAdapters;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.gateway.routing.AttemptDecision;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.guardrail.GuardScope;
import dev.switchboard.model.snapshot.ModelRef;
import dev.switchboard.runtime.tracing.TraceParent;
import dev.switchboard.gateway.telemetry.Usage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Steps 4 to 6 for one request: adapt, forward, and answer, trying the targets in order. Each target gets its retries
 * (on its retry statuses, after its delay or the upstream's {@code Retry-After}); then a fallback status, a connect error
 * or a timeout moves on to the next target; anything else is the answer. Nothing reaches the caller until a response is
 * chosen, so streams too are retried only before their first byte. The request's deadline bounds it all.
 */
final class AttemptLoop {

    private static final Logger LOG = Logger.getLogger(AttemptLoop.class);

    private final Vertx vertx;
    private final ProviderAdapters adapters;
    private final Forwarder forwarder;
    private final Recorder recorder;

    AttemptLoop(Vertx vertx, ProviderAdapters adapters, Forwarder forwarder, Recorder recorder) {
        this.vertx = vertx;
        this.adapters = adapters;
        this.forwarder = forwarder;
        this.recorder = recorder;
    }

    void start(RoutingContext rc, Exchange x) {
        x.screened = true;
        attempt(rc, x, 0, 0, false);
    }

    /** One try at the target at {@code index}; whatever goes wrong in here is answered, never left hanging. */
    private void attempt(RoutingContext rc, Exchange x, int index, int retriesDone, boolean renewedCredential) {
        try {
            tryTarget(rc, x, index, retriesDone, renewedCredential);
        } catch (GatewayError e) {
            answerError(rc, x, x.targets.get(index).target(), e);
        } catch (RuntimeException e) {
            GatewayResponses.fail(rc, e);
        }
    }

    private void tryTarget(RoutingContext rc, Exchange x, int index, int retriesDone, boolean renewedCredential) {
        LoadBalanceTarget target = x.targets.get(index);
        boolean hasNext = index + 1 < x.targets.size();
        long millisLeft = x.millisLeft();
        if (millisLeft <= 0) {
            answerError(rc, x, target.target(), GatewayError.upstreamTimeout(target.target(), "within the request deadline"));
            return;
        }
        ModelRef model = x.state.snapshot().model(target.target()).orElseThrow(GatewayError::internal);
        Upstream upstream = x.state.upstream(model.account().name()).orElseThrow(GatewayError::internal);
        long attemptStart = System.nanoTime();
        x.attemptSpanId = x.traced() ? TraceParent.newId() : 0;
        if (upstream.credentialError() != null) {
            noAnswer(rc, x, index, target, GatewayError.providerMisconfigured(model.account().name()), attemptStart, hasNext);
            return;
        }
        ProviderAdapter adapter = adapters.forType(model.account().type());
        Future<UpstreamCall> call;
        try {
            call = x.request.endpoint() == Endpoint.MESSAGES
                    ? MessagesInbound.prepare(x.request, model, upstream, adapter, rc.request().headers())
                    : adapter.prepare(x.request, model, upstream);
        } catch (RuntimeException e) {
            call = Future.failedFuture(e);
        }
        call.onComplete(prepared -> {
            if (prepared.failed()) {
                if (prepared.cause() instanceof GatewayError e && e.status() == 400) {
                    // the request itself cannot be sent to this provider: the caller's to fix, not the target's fault
                    answerError(rc, x, target.target(), e);
                } else if (prepared.cause() instanceof AnthropicInboundError e) {
                    recorder.failed(x, target.target(), GatewayError.invalidRequest(e.getMessage(), null));
                    GatewayResponses.fail(rc, e);
                } else {
                    // the token clients' messages name the step that failed (an HTTP status), never a secret
                    LOG.warnf("credentials of provider account '%s' could not be obtained: %s",
                            model.account().name(), prepared.cause().getMessage());
                    noAnswer(rc, x, index, target, GatewayError.upstreamFailed(target.target(),
                            "its credentials could not be obtained"), attemptStart, hasNext);
                }
                return;
            }
            UpstreamCall upstreamCall = prepared.result();
            if (x.traced()) {
                // the provider joins the trace as a child of this attempt's span
                upstreamCall.headers().set(LlmPipeline.TRACEPARENT,
                        TraceParent.format(x.traceHigh, x.traceLow, x.attemptSpanId, 1));
            }
            forwarder.open(upstreamCall, rc.response(), target.target(), millisLeft).onComplete(opened -> {
                if (opened.failed()) {
                    if (opened.cause() instanceof ClientGoneException) {
                        recorder.served(x, model, new Outcome(499, "client_closed", -1, System.nanoTime(), 0,
                                Usage.UNKNOWN), attemptStart);
                    } else {
                        GatewayError e = opened.cause() instanceof GatewayError g ? g : GatewayError.internal();
                        noAnswer(rc, x, index, target, e, attemptStart, hasNext);
                    }
                    return;
                }
                decide(rc, x, index, retriesDone, renewedCredential, adapter, upstream, upstreamCall, model, opened.result(),
                        attemptStart);
            });
        });
    }

    private void decide(RoutingContext rc, Exchange x, int index, int retriesDone, boolean renewedCredential,
                        ProviderAdapter adapter, Upstream upstream, UpstreamCall call, ModelRef model,
                        UpstreamResponse response, long attemptStart) {
        LoadBalanceTarget target = x.targets.get(index);
        int status = response.status();
        if (status == 401 && !renewedCredential && adapter.credentialRefused(upstream, call)) {
            recorder.attempt(x, target.target(), status, attemptStart);
            forwarder.discard(response);
            attempt(rc, x, index, retriesDone, true);
            return;
        }
        boolean hasNext = index + 1 < x.targets.size();
        String contentType = response.header("content-type");
        if (status >= 200 && status < 300 && !relayable(x.request.endpoint(), contentType)) {
            // an HTML error page or the like behind a 200 (a proxy in front of the provider): not an answer to relay
            forwarder.discard(response);
            noAnswer(rc, x, index, target, GatewayError.upstreamFailed(target.target(),
                    "it answered " + contentType + ", not JSON"), attemptStart, hasNext);
            return;
        }
        AttemptDecision decision = AttemptDecision.after(target, status, retriesDone, response.header("retry-after"),
                hasNext, x.millisLeft(), System.currentTimeMillis());
        switch (decision.action()) {
            case RESPOND -> forwarder.relay(response, rc.response(), x.request.stream(), target.target(), call.translator(),
                            outputGuard(x), answerText(x))
                    .onSuccess(outcome -> recorder.served(x, model, outcome, attemptStart));
            case RETRY -> {
                recorder.attempt(x, target.target(), status, attemptStart);
                forwarder.discard(response);
                vertx.setTimer(Math.max(1, decision.delayMillis()), id -> attempt(rc, x, index, retriesDone + 1, renewedCredential));
            }
            case FALLBACK -> {
                recorder.attempt(x, target.target(), status, attemptStart);
                forwarder.discard(response);
                attempt(rc, x, index + 1, 0, false);
            }
        }
    }

    /**
     * Whether a successful answer's content type is one {@code endpoint} relays: audio for speech, and a transcript's
     * JSON, text or subtitles ({@code text/plain}, {@code text/vtt}, ...), but not an HTML page.
     */
    static boolean relayable(Endpoint endpoint, String contentType) {
        if (endpoint.answersAudio() || endpoint.takesUpload()) {
            return contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("text/html");
        }
        return answersJsonOrEvents(contentType);
    }

    /** Whether a successful answer's content type is one the gateway can relay: JSON, an event stream, or unsaid. */
    static boolean answersJsonOrEvents(String contentType) {
        return contentType == null || contentType.isBlank() || contentType.toLowerCase(Locale.ROOT).contains("json")
                || Forwarder.isEventStream(contentType);
    }

    /**
     * The {@code llm_output} guardrails of the answer about to be relayed, or null (the fast path) when none applies.
     * Embeddings and moderations have no text to check.
     */
    private static OutputGuard outputGuard(Exchange x) {
        if (!x.state.guardsLlmOutput() || !x.request.endpoint().answersText()) {
            return null;
        }
        GuardScope scope = x.guardScope();
        if (!x.state.guardrails().applies(Guardrail.Hook.LLM_OUTPUT, scope)) {
            return null;
        }
        return new OutputGuard(x.state.guardrails(), scope, x.request.endpoint(), x.context, x.audit());
    }

    /** Where the answer's text goes for payload logging; null (nothing is taken) when its payloads are not logged. */
    private static AnswerText answerText(Exchange x) {
        if (x.payloadCap == 0 || !x.request.endpoint().answersText()) {
            return null;
        }
        x.answer = new AnswerText(x.request.endpoint(), x.payloadCap);
        return x.answer;
    }

    /** No answer came from {@code target} (unreachable, timed out, not callable): fall back or report it. */
    private void noAnswer(RoutingContext rc, Exchange x, int index, LoadBalanceTarget target, GatewayError error,
                          long attemptStart, boolean hasNext) {
        recorder.attempt(x, target.target(), AttemptDecision.NO_RESPONSE, attemptStart);
        AttemptDecision decision = AttemptDecision.after(target, AttemptDecision.NO_RESPONSE, 0, null, hasNext,
                x.millisLeft(), System.currentTimeMillis());
        if (decision.action() == AttemptDecision.Action.FALLBACK) {
            attempt(rc, x, index + 1, 0, false);
        } else {
            answerError(rc, x, target.target(), error);
        }
    }

    private void answerError(RoutingContext rc, Exchange x, String lastTarget, GatewayError error) {
        recorder.failed(x, lastTarget, error);
        rc.response().putHeader("x-tfy-resolved-model", lastTarget);
        GatewayResponses.fail(rc, error);
    }
}
