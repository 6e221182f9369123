package dev.switchboard.gateway.pipeline;

import dev.switchboard.gateway.auth.Authenticator;
import dev.switchboard.gateway.auth.Principal;
import dev.switchboard.gateway.forward.Forwarder;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.ProviderAdapter;
import dev.switchboard.gateway.provider.ProviderAdapters;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.gateway.routing.ModelResolver;
import dev.switchboard.gateway.snapshot.GatewayState;
import dev.switchboard.model.snapshot.ModelRef;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * The life of one LLM request, in order:
 * <pre>authenticate → parse → authorize → resolve → adapt → forward (and respond) → record</pre>
 * Each step is a class or method named for what it does; a step that refuses the request throws a
 * {@link GatewayError}, which is answered in the OpenAI error shape. Everything runs on the event loop and reads
 * only the {@link GatewayState} taken at the start.
 */
public final class LlmPipeline {

    private final Authenticator authenticator;
    private final ProviderAdapters adapters;
    private final Forwarder forwarder;
    private final Recorder recorder;

    public LlmPipeline(Authenticator authenticator, ProviderAdapters adapters, Forwarder forwarder, Recorder recorder) {
        this.authenticator = authenticator;
        this.adapters = adapters;
        this.forwarder = forwarder;
        this.recorder = recorder;
    }

    public void handle(RoutingContext rc, Endpoint endpoint, GatewayState state, String requestId) {
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        Future.succeededFuture(state)
                .compose(s -> authenticator.authenticate(s.snapshot(), rc.request().getHeader("authorization")))
                .map(principal -> prepare(rc, endpoint, state, principal, requestId, startNanos, startMillis))
                .onSuccess(x -> forward(rc, x))
                .onFailure(err -> GatewayResponses.fail(rc, err));
    }

    private Exchange prepare(RoutingContext rc, Endpoint endpoint, GatewayState state, Principal principal,
                             String requestId, long startNanos, long startMillis) {
        LlmRequest request = LlmRequest.parse(endpoint, rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes());
        authorize(state, principal, request.model());
        ModelRef target = ModelResolver.resolve(state.snapshot(), request.model());
        return new Exchange(requestId, startNanos, startMillis, state, principal, request, target);
    }

    /** Step 2: the subject (with the teams its token claims) must hold the model it asks for. */
    private static void authorize(GatewayState state, Principal principal, String model) {
        if (!state.snapshot().isAllowed(principal.subject(), principal.claimedTeams(), model)) {
            if (state.snapshot().model(model).isEmpty() && state.snapshot().virtualModel(model).isEmpty()) {
                // do not tell a caller which models exist that it may not use
                throw GatewayError.modelNotFound(model);
            }
            throw GatewayError.forbidden(model);
        }
    }

    private void forward(RoutingContext rc, Exchange x) {
        UpstreamCall call;
        try {
            call = adapt(x);
        } catch (GatewayError e) {
            recorder.failed(x, e, System.nanoTime());
            GatewayResponses.fail(rc, e);
            return;
        }
        String resolved = x.target().name();
        forwarder.forward(call, rc.response(), x.request().stream(), resolved)
                .onSuccess(outcome -> recorder.served(x, outcome))
                .onFailure(err -> {
                    GatewayError error = err instanceof GatewayError g ? g : GatewayError.internal();
                    recorder.failed(x, error, System.nanoTime());
                    rc.response().putHeader("x-tfy-resolved-model", resolved);
                    GatewayResponses.fail(rc, error);
                });
    }

    /** Step 4: the provider's adapter turns the request into its upstream call. */
    private UpstreamCall adapt(Exchange x) {
        ModelRef target = x.target();
        Upstream upstream = x.state().upstream(target.account().name()).orElseThrow(GatewayError::internal);
        if (upstream.credentialError() != null) {
            throw GatewayError.providerMisconfigured(target.account().name());
        }
        ProviderAdapter adapter = adapters.forType(target.account().type())
                .orElseThrow(() -> GatewayError.upstreamFailed(target.name(),
                        "provider type " + target.account().type() + " is not supported by this gateway yet"));
        return adapter.prepare(x.request(), target, upstream);
    }
}
