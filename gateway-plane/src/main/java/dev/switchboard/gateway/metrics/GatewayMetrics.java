package dev.switchboard.gateway.metrics;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.snapshot.GatewayState;
import dev.switchboard.model.config.HealthPolicy;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.snapshot.ModelRef;
import dev.switchboard.model.telemetry.RequestLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus series (docs/observability.md#metrics), recorded from each finished {@link RequestLog}: the
 * request path hands over nothing it does not already have. Label values come only from the config (the target that
 * served, the guardrail and limit rule names) or from fixed lists (endpoint, status class), never from the caller nor
 * per user. Meters are looked up in maps keyed by those config strings, so a request allocates nothing once its
 * combination has been seen; when a new config is applied, the meters of models and targets it no longer has are
 * removed, which bounds the series by the config.
 */
public final class GatewayMetrics {

    public static final String REQUESTS = "switchboard.gateway.requests";
    public static final String DURATION = "switchboard.gateway.request.duration";
    public static final String UPSTREAM = "switchboard.gateway.upstream.duration";
    public static final String OVERHEAD = "switchboard.gateway.overhead.duration";
    public static final String TTFT = "switchboard.gateway.time.to.first.token";
    public static final String TOKENS = "switchboard.gateway.tokens";
    public static final String COST = "switchboard.gateway.cost.usd";
    public static final String RETRIES = "switchboard.gateway.retries";
    public static final String FALLBACKS = "switchboard.gateway.fallbacks";
    public static final String HEALTHY = "switchboard.gateway.target.healthy";
    public static final String GUARDRAILS = "switchboard.gateway.guardrail.verdicts";
    public static final String REFUSALS = "switchboard.gateway.limit.refusals";

    /** The {@code model} of a request that named no model of the config (and so reached no target). */
    public static final String UNKNOWN = "unknown";

    /*
     * Fixed buckets rather than Micrometer's percentile histogram (276 buckets per series): a dozen boundaries where
     * LLM answers fall give p50/p95/p99 within a bucket's width at a twentieth of the series. Total and upstream time:
     * from a fast embedding (50 ms) to a long reasoning stream (5 min). Time to first token: mostly 0.1-3 s, finer
     * there. The gateway's own share: 100 µs to 1 s, where its work (and a slow guardrail webhook) lies.
     */
    static final Duration[] LATENCY_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300);
    static final Duration[] TTFT_BUCKETS = seconds(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30);
    static final Duration[] OVERHEAD_BUCKETS = seconds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
            0.05, 0.1, 0.25, 1);

    private static final Endpoint[] ENDPOINTS = Endpoint.values();
    private static final String[] ENDPOINT_LABELS = new String[ENDPOINTS.length];
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    static {
        for (Endpoint e : ENDPOINTS) {
            ENDPOINT_LABELS[e.ordinal()] = e.name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Supplier<GatewayState> states;
    private final Map<String, ModelMeters> models = new ConcurrentHashMap<>();
    private final Timer[] overhead = new Timer[ENDPOINTS.length];
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Map<String, Counter> fallbacks = new ConcurrentHashMap<>();
    /** guardrail → hook → outcome → [not blocked, blocked]. */
    private final Map<String, Map<String, Map<String, AtomicReferenceArray<Counter>>>> verdicts = new ConcurrentHashMap<>();
    /** error code (rate_limit_exceeded, budget_exceeded) → rule → refusals. */
    private final Map<String, Map<String, Counter>> refusals = new ConcurrentHashMap<>();
    private final Map<String, Gauge> health = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry, Supplier<GatewayState> states) {
        this.registry = registry;
        this.states = states;
        for (Endpoint e : ENDPOINTS) {
            overhead[e.ordinal()] = Timer.builder(OVERHEAD)
                    .description("The gateway's own share of a request: its total time less the upstream attempts'")
                    .tags("endpoint", ENDPOINT_LABELS[e.ordinal()]).serviceLevelObjectives(OVERHEAD_BUCKETS)
                    .register(registry);
        }
    }

    /**
     * Registers the health gauges of {@code state}'s targets and removes the meters of models and targets it no longer
     * has. Runs on the thread that applied the config, never on a request.
     */
    public synchronized void applied(GatewayState state, RoutingStats stats) {
        ConfigSnapshot snapshot = state.snapshot();
        Set<String> targets = new HashSet<>();
        for (ModelRef model : snapshot.models()) {
            targets.add(model.name());
        }
        for (String target : targets) {
            health.computeIfAbsent(target, t -> Gauge.builder(HEALTHY, stats,
                            s -> s.of(t).healthy(System.currentTimeMillis(), healthPolicy()) ? 1 : 0)
                    .description("1 while the target counts as healthy under the config's health policy, else 0")
                    .tags(targetTags(t)).strongReference(true).register(registry));
        }
        Set<String> known = new HashSet<>(targets);
        snapshot.virtualModels().forEach(vm -> known.add(vm.name()));
        known.add(UNKNOWN);
        removeAbsent(health, targets, List::of);
        removeAbsent(models, known, ModelMeters::meters);
        removeAbsent(retries, targets, List::of);
        removeAbsent(fallbacks, targets, List::of);
    }

    /** The health policy of the config served now (per virtual model policies aside: a target may be in several). */
    private HealthPolicy healthPolicy() {
        GatewayState state = states.get();
        return state == null ? HealthPolicy.DEFAULTS : state.snapshot().config().healthPolicy();
    }

    private <M> void removeAbsent(Map<String, M> byKey, Set<String> keep, Function<M, List<? extends Meter>> meters) {
        byKey.entrySet().removeIf(e -> {
            if (keep.contains(e.getKey())) {
                return false;
            }
            meters.apply(e.getValue()).forEach(registry::remove);
            return true;
        });
    }

    /** One finished request. Never throws into the request. */
    public void record(RequestLog log) {
        int endpoint = Endpoint.ofLogName(log.endpoint()).ordinal();
        ModelMeters model = model(modelLabel(log));
        model.requests(endpoint, statusClass(log.status())).increment();
        model.duration(endpoint).record((long) (log.latencyMs() * 1e6), TimeUnit.NANOSECONDS);
        double upstreamMs = 0;
        List<RequestLog.Attempt> attempts = log.attempts();
        for (int i = 0; i < attempts.size(); i++) {
            RequestLog.Attempt attempt = attempts.get(i);
            upstreamMs += attempt.latencyMs();
            model(attempt.target()).upstream().record((long) (attempt.latencyMs() * 1e6), TimeUnit.NANOSECONDS);
            if (i > 0) {
                String previous = attempts.get(i - 1).target();
                if (previous.equals(attempt.target())) {
                    counter(retries, previous, RETRIES, "Attempts at a target again after it failed").increment();
                } else {
                    counter(fallbacks, previous, FALLBACKS, "Moves from a failed target to the next one").increment();
                }
            }
        }
        overhead[endpoint].record((long) (Math.max(0, log.latencyMs() - upstreamMs) * 1e6), TimeUnit.NANOSECONDS);
        if (log.stream() && log.timeToFirstTokenMs() >= 0) {
            model.ttft().record((long) (log.timeToFirstTokenMs() * 1e6), TimeUnit.NANOSECONDS);
        }
        if (log.promptTokens() > 0) {
            model.inputTokens().increment(log.promptTokens());
        }
        if (log.completionTokens() > 0) {
            model.outputTokens().increment(log.completionTokens());
        }
        if (log.costUsd() > 0) {
            model.cost().increment(log.costUsd());
        }
        for (RequestLog.GuardrailVerdict verdict : log.guardrails()) {
            verdict(verdict).increment();
        }
        if (log.limitRule() != null && log.errorCode() != null) {
            refusals.computeIfAbsent(log.errorCode(), code -> new ConcurrentHashMap<>())
                    .computeIfAbsent(log.limitRule(), rule -> Counter.builder(REFUSALS)
                            .description("Requests refused with 429 by a rate limit or budget of the config")
                            .tags("kind", "budget_exceeded".equals(log.errorCode()) ? "budget" : "rate_limit",
                                    "rule", rule)
                            .register(registry))
                    .increment();
        }
    }

    /** A request refused before its model was resolved: counted under {@link #UNKNOWN}, all its time the gateway's. */
    public void refused(Endpoint endpoint, int status, long nanos) {
        ModelMeters model = model(UNKNOWN);
        model.requests(endpoint.ordinal(), statusClass(status)).increment();
        model.duration(endpoint.ordinal()).record(nanos, TimeUnit.NANOSECONDS);
        overhead[endpoint.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The served (or last tried) target; else the model or virtual model asked for if the config has it. */
    private String modelLabel(RequestLog log) {
        if (log.resolvedModel() != null) {
            return log.resolvedModel();
        }
        String requested = log.requestedModel();
        if (requested != null && models.containsKey(requested)) {
            return requested;
        }
        GatewayState state = states.get();
        if (requested != null && state != null && (state.snapshot().model(requested).isPresent()
                || state.snapshot().virtualModel(requested).isPresent())) {
            return requested;
        }
        return UNKNOWN;
    }

    private ModelMeters model(String name) {
        ModelMeters meters = models.get(name);
        return meters != null ? meters : models.computeIfAbsent(name, n -> new ModelMeters(registry, n));
    }

    private Counter counter(Map<String, Counter> counters, String target, String name, String description) {
        Counter counter = counters.get(target);
        return counter != null ? counter : counters.computeIfAbsent(target, t -> Counter.builder(name)
                .description(description).tags(targetTags(t)).register(registry));
    }

    private Counter verdict(RequestLog.GuardrailVerdict v) {
        AtomicReferenceArray<Counter> pair = verdicts.computeIfAbsent(v.guardrail(), g -> new ConcurrentHashMap<>())
                .computeIfAbsent(v.hook(), h -> new ConcurrentHashMap<>())
                .computeIfAbsent(v.outcome(), o -> new AtomicReferenceArray<>(2));
        int i = v.blocked() ? 1 : 0;
        Counter counter = pair.get(i);
        if (counter == null) {
            // registering twice returns the same meter: a race here only repeats the lookup
            counter = Counter.builder(GUARDRAILS).description("Guardrail verdicts on requests")
                    .tags("guardrail", v.guardrail(), "hook", v.hook(), "outcome", v.outcome(),
                            "blocked", Boolean.toString(v.blocked()))
                    .register(registry);
            pair.set(i, counter);
        }
        return counter;
    }

    static Tags targetTags(String target) {
        return Tags.of("target", target);
    }

    static int statusClass(int status) {
        return Math.min(4, Math.max(0, status / 100 - 1));
    }

    /** {@code openai} of {@code openai/gpt-4o}; {@code none} for a virtual model or {@link #UNKNOWN}. */
    static String providerAccount(String model) {
        int slash = model.indexOf('/');
        return slash < 0 ? "none" : model.substring(0, slash);
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return durations;
    }

    /** The meters of one model label; those by endpoint and status class made on first use. */
    private static final class ModelMeters {

        private final MeterRegistry registry;
        private final Tags tags;
        private final AtomicReferenceArray<Counter> requests =
                new AtomicReferenceArray<>(ENDPOINTS.length * STATUS_CLASSES.length);
        private final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(ENDPOINTS.length);
        private volatile Timer upstream;
        private volatile Timer ttft;
        private volatile Counter inputTokens;
        private volatile Counter outputTokens;
        private volatile Counter cost;

        ModelMeters(MeterRegistry registry, String model) {
            this.registry = registry;
            this.tags = Tags.of("model", model, "provider_account", providerAccount(model));
        }

        Counter requests(int endpoint, int statusClass) {
            int i = endpoint * STATUS_CLASSES.length + statusClass;
            Counter c = requests.get(i);
            if (c == null) {
                c = Counter.builder(REQUESTS).description("Requests answered, by the model that served them")
                        .tags(tags).tags("endpoint", ENDPOINT_LABELS[endpoint], "status_class",
                                STATUS_CLASSES[statusClass]).register(registry);
                requests.set(i, c);
            }
            return c;
        }

        Timer duration(int endpoint) {
            Timer t = durations.get(endpoint);
            if (t == null) {
                t = Timer.builder(DURATION).description("Time from the request's arrival to its answer's last byte")
                        .tags(tags).tags("endpoint", ENDPOINT_LABELS[endpoint])
                        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
                durations.set(endpoint, t);
            }
            return t;
        }

        Timer upstream() {
            Timer t = upstream;
            if (t == null) {
                t = upstream = Timer.builder(UPSTREAM).description("Time of each attempt at the target, to its last byte")
                        .tags(tags).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
            }
            return t;
        }

        Timer ttft() {
            Timer t = ttft;
            if (t == null) {
                t = ttft = Timer.builder(TTFT).description("Streamed requests: time to the answer's first byte")
                        .tags(tags).serviceLevelObjectives(TTFT_BUCKETS).register(registry);
            }
            return t;
        }

        Counter inputTokens() {
            Counter c = inputTokens;
            return c != null ? c : (inputTokens = tokens("input"));
        }

        Counter outputTokens() {
            Counter c = outputTokens;
            return c != null ? c : (outputTokens = tokens("output"));
        }

        private Counter tokens(String type) {
            return Counter.builder(TOKENS).description("Tokens as the upstream's usage reported them")
                    .tags(tags).tags("type", type).register(registry);
        }

        Counter cost() {
            Counter c = cost;
            return c != null ? c : (cost = Counter.builder(COST)
                    .description("Estimated cost in US dollars, from the model's configured prices")
                    .tags(tags).register(registry));
        }

        /** Every meter registered so far, to remove them all. */
        List<Meter> meters() {
            List<Meter> all = new ArrayList<>();
            for (int i = 0; i < requests.length(); i++) {
                if (requests.get(i) != null) {
                    all.add(requests.get(i));
                }
            }
            for (int i = 0; i < durations.length(); i++) {
                if (durations.get(i) != null) {
                    all.add(durations.get(i));
                }
            }
            for (Meter m : new Meter[] {upstream, ttft, inputTokens, outputTokens, cost}) {
                if (m != null) {
                    all.add(m);
                }
            }
            return all;
        }
    }
}
