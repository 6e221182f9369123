package dev.switchboard.gateway.http;

import dev.switchboard.gateway.auth.OpenAiRejections;
import dev.switchboard.gateway.forward.Forwarder;
import dev.switchboard.gateway.guardrail.GuardrailWebhooks;
import dev.switchboard.gateway.limits.GatewayLimits;
import dev.switchboard.gateway.limits.LimitStep;
import dev.switchboard.gateway.metrics.GatewayMetrics;
import dev.switchboard.gateway.pipeline.GatewayResponses;
import dev.switchboard.gateway.pipeline.LlmPipeline;
import dev.switchboard.gateway.pipeline.LlmRequest;
import dev.switchboard.gateway.pipeline.Recorder;
import dev.switchboard.gateway.pipeline.RequestMetadata;
import dev.switchboard.gateway.provider.ProviderAdapters;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.gateway.provider.anthropic.AnthropicAdapter;
import dev.switchboard.gateway.provider.anthropic.inbound.TokenEstimate;
import dev.switchboard.gateway.routing.ModelResolver;
import dev.switchboard.gateway.routing.RouteExplanation;
import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.routing.TargetSelector;
import dev.switchboard.gateway.snapshot.GatewayState;
import dev.switchboard.gateway.snapshot.SnapshotHolder;
import dev.switchboard.gateway.telemetry.TargetStatistics;
import dev.switchboard.gateway.upload.UploadReceiver;
import dev.switchboard.model.config.ProviderType;
import dev.switchboard.model.snapshot.ModelRef;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.auth.BearerAuthenticator;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.runtime.vertx.BodyDeadline;
import dev.switchboard.runtime.vertx.RequestHeadLimits;
import dev.switchboard.gateway.tracing.TraceExport;
import dev.switchboard.runtime.webhook.VertxWebhookClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The OpenAI-compatible HTTP surface on plain Vert.x routes (one event loop per core; see docs/architecture.md).
 * Every operation answers under {@code /v1}, and under the seed's base path {@code /api/llm} (and
 * {@code /api/llm/v1}) as aliases.
 */
@ApplicationScoped
public class LlmRoutes {

    static final List<String> BASE_PATHS = List.of("/v1", "/api/llm", "/api/llm/v1");
    static final String COUNT_TOKENS = "/messages/count_tokens";
    /** Read and written on every request: a header name made once, its hash kept. */
    private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("x-request-id");
    private static final io.vertx.core.buffer.Buffer ROOT = new JsonObject().put("service", "switchboard-gateway")
            .put("apis", new JsonArray().add("/v1/chat/completions").add("/v1/embeddings").add("/v1/responses")
                    .add("/v1/messages").add("/v1/messages/count_tokens").add("/v1/models").add("/v1/completions")
                    .add("/v1/moderations").add("/v1/rerank")
                    .add("/v1/images/generations").add("/v1/audio/speech").add("/v1/audio/transcriptions")
                    .add("/v1/audio/translations")).toBuffer();

    @Inject
    Vertx vertx;

    @Inject
    SnapshotHolder holder;

    @Inject
    TargetStatistics statistics;

    @Inject
    RowQueue<RequestLog> logs;

    @Inject
    TraceExport traces;

    @Inject
    RoutingStats routingStats;

    @Inject
    GatewayLimits limits;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "switchboard.anthropic.default-max-tokens", defaultValue = "4096")
    int anthropicDefaultMaxTokens;

    @ConfigProperty(name = "switchboard.max-body-size", defaultValue = "10485760")
    long maxBodySize;

    /**
     * The body limit of multipart uploads (audio): 25 MiB by default, OpenAI's own limit for audio files, above the
     * JSON bodies' limit. An upload is spooled to disk, never held in memory, so it may be larger.
     */
    @ConfigProperty(name = "switchboard.upload.max-body-size", defaultValue = "26214400")
    long uploadMaxBodySize;

    @ConfigProperty(name = "switchboard.upstream.max-connections-per-host", defaultValue = "1000")
    int maxConnectionsPerHost;

    /** Where multipart uploads (audio) are spooled while they are served; the JVM's temporary directory by default. */
    @ConfigProperty(name = "switchboard.upload.spool-dir")
    Optional<String> uploadSpoolDir;

    private Forwarder forwarder;
    private BearerAuthenticator authenticator;
    private VertxWebhookClient webhooks;
    private ModelResolver resolver;
    private LlmPipeline pipeline;
    private ProviderAdapters adapters;

    void register(@Observes Router router) {
        forwarder = new Forwarder(vertx, maxConnectionsPerHost);
        authenticator = BearerAuthenticator.start(vertx, ConfigProvider.getConfig(), OpenAiRejections.INSTANCE, () -> {
            GatewayState state = holder.current();
            return state == null ? null : state.snapshot();
        });
        webhooks = new VertxWebhookClient(vertx, GuardrailWebhooks.CONNECT_TIMEOUT_MS);
        GuardrailWebhooks.install(webhooks);
        resolver = new ModelResolver(new TargetSelector(routingStats, ThreadLocalRandom::current));
        adapters = new ProviderAdapters(
                vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setMaxPoolSize(8)),
                Clock.systemUTC(), anthropicDefaultMaxTokens);
        LimitStep limitStep = new LimitStep(limits.limits().counters(), limits.clock());
        GatewayMetrics metrics = new GatewayMetrics(registry, holder::current);
        holder.holder().onApplied(applied -> metrics.applied(applied.state(), routingStats));
        if (holder.current() != null) {
            metrics.applied(holder.current(), routingStats);
        }
        pipeline = new LlmPipeline(vertx, authenticator, resolver, adapters, forwarder,
                new Recorder(routingStats, statistics, logs, limitStep, traces.tracing(), traces.queue(), metrics), limitStep,
                new UploadReceiver(vertx, uploadMaxBodySize, uploadSpoolDir.orElse(null)));
        // before every other route: a head over the limits gets this API's error, not the HTTP server's bare 414/431
        // and a body that does not finish arriving in time gets a 408, not a connection held open at the client's pace
        RequestHeadLimits.Limits headLimits = RequestHeadLimits.Limits.from(ConfigProvider.getConfig());
        BodyDeadline bodyDeadline = BodyDeadline.from(ConfigProvider.getConfig());
        router.route().order(Integer.MIN_VALUE).handler(rc -> headLimits.check(rc.request()).ifPresentOrElse(
                refusal -> fail(rc, GatewayError.requestHeadTooLarge(refusal.status(), refusal.message())), () -> {
                    long timer = bodyDeadline.arm(vertx, rc.request(),
                            () -> fail(rc, GatewayError.bodyTimeout(bodyDeadline.timeoutMs())));
                    if (timer >= 0) {
                        rc.addEndHandler(ended -> vertx.cancelTimer(timer));
                    }
                    rc.next();
                }));
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodySize).setPreallocateBodyBuffer(true);
        for (String base : BASE_PATHS) {
            for (Endpoint endpoint : Endpoint.values()) {
                // an upload is not read into memory: it waits, paused, for its caller to be authenticated, then is
                // spooled (upload.UploadReceiver)
                router.post(base + endpoint.path()).handler(endpoint.takesUpload() ? LlmRoutes::holdBody : body)
                        .handler(this::prepare).handler(rc -> handle(rc, endpoint)).failureHandler(this::failure);
            }
            router.post(base + COUNT_TOKENS).handler(body).handler(this::prepare).handler(this::countTokens)
                    .failureHandler(this::failure);
            router.get(base + "/models").handler(this::prepare).handler(this::listModels).failureHandler(this::failure);
            // a literal ':' in the path (a plain path would read ':explain' as a parameter), or its percent-encoding
            router.routeWithRegex(HttpMethod.POST, Pattern.quote(base + "/route") + "(:|%3[aA])explain").handler(body)
                    .handler(this::prepare).handler(this::explain).failureHandler(this::failure);
        }
        // Claude Code opens its connection with HEAD / (and a browser or a probe may GET it): a 200, as Anthropic's API
        // answers, rather than a 404 that reads as "wrong base URL"
        router.head("/").handler(this::prepare).handler(rc -> rc.response().end());
        router.get("/").handler(this::prepare).handler(rc -> rc.response().putHeader("content-type", "application/json")
                .end(ROOT));
        // after every real route: /api/llm/* would otherwise catch /api/llm/v1/... first
        for (String base : BASE_PATHS) {
            router.route(base + "/*").handler(this::prepare)
                    .handler(rc -> GatewayResponses.fail(rc, GatewayError.notFound(rc.request().path())));
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (forwarder != null) {
            forwarder.close();
        }
        if (webhooks != null) {
            webhooks.close();
        }
        if (authenticator != null) {
            authenticator.close();
        }
    }

    private static void holdBody(RoutingContext rc) {
        rc.request().pause();
        rc.next();
    }

    /** Every answer carries a request id: the caller's, or a new one. */
    private void prepare(RoutingContext rc) {
        ensureRequestId(rc);
        rc.next();
    }

    private static void ensureRequestId(RoutingContext rc) {
        if (rc.response().headers().contains(REQUEST_ID)) {
            return;
        }
        String id = rc.request().getHeader(REQUEST_ID);
        if (id == null || id.isEmpty() || id.length() > 128) {
            // unique, not secret: no need for UUID.randomUUID's SecureRandom on every request
            ThreadLocalRandom random = ThreadLocalRandom.current();
            id = new UUID(random.nextLong(), random.nextLong()).toString();
        }
        rc.response().headers().set(REQUEST_ID, id);
    }

    private void handle(RoutingContext rc, Endpoint endpoint) {
        if (endpoint == Endpoint.MESSAGES) {
            GatewayResponses.useAnthropicErrors(rc);
        }
        GatewayState state = holder.current();
        if (state == null) {
            GatewayResponses.fail(rc, GatewayError.unavailable("The gateway has no configuration yet."));
            return;
        }
        pipeline.handle(rc, endpoint, state, rc.response().headers().get(REQUEST_ID));
    }

    /** {@code GET /v1/models}: only the models and virtual models the caller may use. */
    private void listModels(RoutingContext rc) {
        GatewayState state = holder.current();
        if (state == null) {
            GatewayResponses.fail(rc, GatewayError.unavailable("The gateway has no configuration yet."));
            return;
        }
        var snapshot = state.snapshot();
        io.vertx.core.Future.succeededFuture(snapshot)
                .compose(s -> authenticator.authenticate(s, rc.request().getHeader("authorization")))
                .onSuccess(principal -> {
                    JsonArray data = new JsonArray();
                    long created = snapshot.createdAt() == null ? 0 : snapshot.createdAt().getEpochSecond();
                    for (String name : snapshot.allowedModels(principal.subject(), principal.claimedTeams())) {
                        String owner = snapshot.model(name).map(ModelRef::account).map(a -> a.name()).orElse("switchboard");
                        data.add(new JsonObject().put("id", name).put("object", "model").put("created", created)
                                .put("owned_by", owner));
                    }
                    rc.response().putHeader("content-type", "application/json")
                            .end(new JsonObject().put("object", "list").put("data", data).toBuffer());
                })
                .onFailure(err -> GatewayResponses.fail(rc, err));
    }

    /**
     * {@code POST /v1/route:explain}: a normal request body in, the target that would serve it now and why out,
     * without calling any provider. Same authentication and authorization as the request itself.
     */
    private void explain(RoutingContext rc) {
        GatewayState state = holder.current();
        if (state == null) {
            GatewayResponses.fail(rc, GatewayError.unavailable("The gateway has no configuration yet."));
            return;
        }
        io.vertx.core.Future.succeededFuture(state)
                .compose(s -> authenticator.authenticate(s.snapshot(), rc.request().getHeader("authorization")))
                .map(principal -> {
                    LlmRequest request = LlmRequest.parse(null,
                            rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes());
                    Map<String, String> metadata = RequestMetadata.parse(
                            rc.request().getHeader(RequestMetadata.HEADER));
                    LlmPipeline.authorize(state, principal, request.model());
                    long now = System.currentTimeMillis();
                    ModelResolver.Resolution resolution = resolver.resolve(state.snapshot(), request.model(),
                            rc.request().headers(), metadata, now);
                    boolean sticky = state.snapshot().virtualModel(request.model())
                            .map(vm -> ModelResolver.sessionKey(vm.routingConfig().sticky(), rc.request().headers(),
                                    metadata) != null)
                            .orElse(false);
                    Endpoint endpoint = explainedEndpoint(rc.request().getParam("endpoint"));
                    return RouteExplanation.of(request.model(), resolution, sticky, now, endpoint.logName(),
                            target -> state.snapshot().model(target)
                                    .map(m -> adapters.forType(m.account().type()).serves(endpoint)).orElse(false));
                })
                .onSuccess(json -> rc.response().putHeader("content-type", "application/json").end(json.toBuffer()))
                .onFailure(err -> GatewayResponses.fail(rc, err));
    }

    /**
     * The endpoint a route explanation is for: {@code ?endpoint=} names it as the request log does ({@code
     * /v1/embeddings}) or by its path under {@code /v1} ({@code embeddings}); chat completions when absent.
     */
    private static Endpoint explainedEndpoint(String name) {
        if (name == null || name.isEmpty()) {
            return Endpoint.CHAT_COMPLETIONS;
        }
        String logName = name.startsWith("/v1/") ? name : "/v1/" + (name.startsWith("/") ? name.substring(1) : name);
        try {
            return Endpoint.ofLogName(logName);
        } catch (IllegalArgumentException unknown) {
            StringJoiner known = new StringJoiner(", ");
            for (Endpoint e : Endpoint.values()) {
                known.add(e.logName().substring("/v1/".length()));
            }
            throw GatewayError.invalidRequest("Unknown endpoint '" + name + "'; one of: " + known + ".", "endpoint");
        }
    }

    /**
     * {@code POST /v1/messages/count_tokens}, authenticated and authorized as a Messages request and resolved to the
     * target that would serve it now: an Anthropic target counts it itself (the caller's body and beta headers passed
     * through); for any other target the gateway answers an estimate ({@link TokenEstimate}), marked by the header
     * {@code x-tfy-token-count: estimate}. Not a model call: no limits are charged and no request is logged.
     */
    private void countTokens(RoutingContext rc) {
        GatewayResponses.useAnthropicErrors(rc);
        GatewayState state = holder.current();
        if (state == null) {
            GatewayResponses.fail(rc, GatewayError.unavailable("The gateway has no configuration yet."));
            return;
        }
        io.vertx.core.Future.succeededFuture(state)
                .compose(s -> authenticator.authenticate(s.snapshot(), LlmPipeline.credential(rc, Endpoint.MESSAGES)))
                .compose(principal -> {
                    LlmRequest request = LlmRequest.parse(Endpoint.MESSAGES,
                            rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes());
                    LlmPipeline.authorize(state, principal, request.model());
                    ModelResolver.Resolution resolution = resolver.resolve(state.snapshot(), request.model(),
                            rc.request().headers(), Map.of(), System.currentTimeMillis());
                    String targetName = resolution.targets().get(0).target();
                    ModelRef target = state.snapshot().model(targetName).orElseThrow(GatewayError::internal);
                    Upstream upstream = state.upstream(target.account().name()).orElseThrow(GatewayError::internal);
                    if (adapters.forType(target.account().type()) instanceof AnthropicAdapter anthropic
                            && target.account().type() == ProviderType.ANTHROPIC) {
                        if (upstream.credentialError() != null) {
                            throw GatewayError.providerMisconfigured(target.account().name());
                        }
                        UpstreamCall call = anthropic.countTokens(request, target, upstream, rc.request().headers());
                        return forwarder.open(call, rc.response(), targetName, upstream.timeouts().firstByteMs())
                                .compose(answer -> forwarder.relay(answer, rc.response(), false, targetName,
                                        ResponseTranslator.PASSTHROUGH, null, null))
                                .mapEmpty();
                    }
                    int estimate = TokenEstimate.inputTokens(request.body());
                    rc.response().putHeader("content-type", "application/json")
                            .putHeader("x-tfy-resolved-model", targetName)
                            .putHeader("x-tfy-token-count", "estimate")
                            .end(new JsonObject().put("input_tokens", estimate).toBuffer());
                    return io.vertx.core.Future.<Void>succeededFuture();
                })
                .onFailure(err -> GatewayResponses.fail(rc, err));
    }

    private void failure(RoutingContext rc) {
        if (rc.response().ended() || rc.response().closed()) {
            // the client went away mid-body, or was answered already (a body past its deadline): nothing to say
            return;
        }
        fail(rc, rc.statusCode() == 413 ? GatewayError.bodyTooLarge(maxBodySize)
                : rc.failure() != null ? rc.failure() : GatewayError.internal());
    }

    /** Answers with {@code error} in the shape of the API the path belongs to (Anthropic's for its Messages API). */
    private static void fail(RoutingContext rc, Throwable error) {
        ensureRequestId(rc);
        String path = rc.request().path();
        if (path != null && (path.endsWith(Endpoint.MESSAGES.path()) || path.endsWith(COUNT_TOKENS))) {
            GatewayResponses.useAnthropicErrors(rc);
        }
        GatewayResponses.fail(rc, error);
    }
}
