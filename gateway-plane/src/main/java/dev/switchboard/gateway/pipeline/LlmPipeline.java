package dev.switchboard.gateway.pipeline;

import dev.switchboard.gateway.forward.ClientGoneException;
import dev.switchboard.gateway.forward.Forwarder;
import dev.switchboard.gateway.guardrail.InputGuard;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.limits.LimitStep;
import dev.switchboard.gateway.provider.ProviderAdapters;
import dev.switchboard.gateway.routing.ModelResolver;
import dev.switchboard.gateway.snapshot.GatewayState;
import dev.switchboard.gateway.upload.UploadReceiver;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.guardrail.GuardScope;
import dev.switchboard.runtime.auth.BearerAuthenticator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The life of one LLM request, in order:
 * <pre>authenticate → parse → authorize → resolve (to the targets that serve the endpoint) → limit → screen input → (adapt → forward → screen output → respond,
 * per target) → record</pre>
 * Each step is a class or method named for what it does; a step that refuses the request throws a
 * {@link GatewayError}, which is answered in the OpenAI error shape. Everything runs on the event loop and reads
 * only the {@link GatewayState} taken at the start.
 */
public final class LlmPipeline {

    static final String TRACEPARENT = "traceparent";

    private final BearerAuthenticator authenticator;
    private final ModelResolver resolver;
    private final AttemptLoop attempts;
    private final Recorder recorder;
    private final LimitStep limits;
    private final ProviderAdapters adapters;
    private final UploadReceiver uploads;

    public LlmPipeline(Vertx vertx, BearerAuthenticator authenticator, ModelResolver resolver, ProviderAdapters adapters,
                       Forwarder forwarder, Recorder recorder, LimitStep limits, UploadReceiver uploads) {
        this.authenticator = authenticator;
        this.uploads = uploads;
        this.limits = limits;
        this.adapters = adapters;
        this.resolver = resolver;
        this.attempts = new AttemptLoop(vertx, adapters, forwarder, recorder);
        this.recorder = recorder;
    }

    public void handle(RoutingContext rc, Endpoint endpoint, GatewayState state, String requestId) {
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        Context context = rc.vertx().getOrCreateContext();
        Future<Principal> authenticated = Future.succeededFuture(state)
                .compose(s -> authenticator.authenticate(s.snapshot(), credential(rc, endpoint)));
        // an upload is received (spooled) only once its caller is known: nothing is written to disk for a stranger
        Future<Exchange> prepared = endpoint.takesUpload()
                ? authenticated.compose(principal -> uploads.receive(rc).map(upload -> prepare(rc,
                        LlmRequest.ofUpload(endpoint, upload), state, principal, requestId, startNanos, startMillis,
                        context)))
                : authenticated.map(principal -> prepare(rc, LlmRequest.parse(endpoint, bodyOf(rc)), state, principal,
                        requestId, startNanos, startMillis, context));
        prepared.onSuccess(x -> limit(rc, x))
                .onFailure(err -> {
                    recorder.refused(endpoint, err, startNanos);
                    if (err instanceof ClientGoneException) {
                        return; // it left mid-upload: nobody to answer
                    }
                    if (endpoint.takesUpload()) {
                        UploadReceiver.discardRest(rc.request());
                    }
                    GatewayResponses.fail(rc, err);
                });
    }

    /**
     * Step 4: the rate limits and budgets that cover the request, in memory. A refusal is answered 429 here, before any
     * provider call (so it never falls back to another target), and logged with the rule's name.
     */
    private void limit(RoutingContext rc, Exchange x) {
        try {
            x.admission = limits.admit(x.state, x.principal, x.request.model(), x.request.body().length,
                    x.request.maxTokens(), x.request.images(), x.request.inputCharacters(), x.metadata,
                    x.request.endpoint() == Endpoint.MESSAGES, rc.response());
        } catch (GatewayError e) {
            recorder.failed(x, null, e);
            GatewayResponses.fail(rc, e);
            return;
        }
        screenInput(rc, x);
    }

    /**
     * The {@code llm_input} guardrails, before any provider call. The fast path, no guardrail attached to the hook or
     * none applying here, goes straight on without allocating. A block is answered 400 and logged without an attempt.
     */
    private void screenInput(RoutingContext rc, Exchange x) {
        // an upload's audio is no text a guardrail reads (see docs/endpoints.md)
        if (!x.state.guardsLlmInput() || x.request.upload() != null) {
            attempts.start(rc, x);
            return;
        }
        GuardScope scope = x.guardScope();
        if (!x.state.guardrails().applies(Guardrail.Hook.LLM_INPUT, scope)) {
            attempts.start(rc, x);
            return;
        }
        InputGuard.check(x.state.guardrails(), scope, x.request, x.context, x.audit())
                .onSuccess(request -> {
                    x.request = request;
                    attempts.start(rc, x);
                })
                .onFailure(err -> {
                    recorder.failed(x, null, err instanceof GatewayError e ? e : GatewayError.internal());
                    GatewayResponses.fail(rc, err);
                });
    }

    private Exchange prepare(RoutingContext rc, LlmRequest request, GatewayState state, Principal principal,
                             String requestId, long startNanos, long startMillis, Context context) {
        Endpoint endpoint = request.endpoint();
        Map<String, String> metadata = RequestMetadata.withUserId(
                RequestMetadata.parse(rc.request().getHeader(RequestMetadata.HEADER)), request.userId());
        authorize(state, principal, request.model());
        ModelResolver.Resolution resolution = resolver.resolve(state.snapshot(), request.model(), rc.request().headers(),
                metadata, startMillis);
        long deadline = resolution.requestTimeoutMs() == Long.MAX_VALUE
                ? Long.MAX_VALUE : startNanos + resolution.requestTimeoutMs() * 1_000_000;
        var targets = EndpointSupport.servable(state.snapshot(), adapters, endpoint, request.model(),
                resolution.targets());
        Exchange x = new Exchange(requestId, startNanos, startMillis, state, principal, metadata, request, targets,
                resolution.plan(), deadline, context, state.payloadCap(request.model()));
        if (recorder.tracing()) {
            x.trace(rc.request().getHeader(TRACEPARENT));
        }
        return x;
    }

    /** The Authorization header; on the Messages endpoint also Anthropic's {@code x-api-key}, as Claude Code sends it. */
    public static String credential(RoutingContext rc, Endpoint endpoint) {
        String authorization = rc.request().getHeader("authorization");
        if (authorization == null && endpoint == Endpoint.MESSAGES) {
            String apiKey = rc.request().getHeader("x-api-key");
            return apiKey == null ? null : "Bearer " + apiKey;
        }
        return authorization;
    }

    static byte[] bodyOf(RoutingContext rc) {
        return rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes();
    }

    /** Step 2: the subject (with the teams its token claims) must hold the model it asks for. */
    public static void authorize(GatewayState state, Principal principal, String model) {
        if (!state.snapshot().isAllowed(principal.subject(), principal.claimedTeams(), model)) {
            if (state.snapshot().model(model).isEmpty() && state.snapshot().virtualModel(model).isEmpty()) {
                // do not tell a caller which models exist that it may not use
                throw GatewayError.modelNotFound(model);
            }
            throw GatewayError.forbidden(model);
        }
    }
}
