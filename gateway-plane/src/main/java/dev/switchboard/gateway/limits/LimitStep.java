package dev.switchboard.gateway.limits;

import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.snapshot.GatewayState;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.Price;
import dev.switchboard.model.limits.Admission;
import dev.switchboard.model.limits.Applied;
import dev.switchboard.model.limits.Caller;
import dev.switchboard.model.limits.CostEstimate;
import dev.switchboard.model.limits.Decision;
import dev.switchboard.model.limits.LimitCounters;
import dev.switchboard.model.limits.RateLimitHeaders;
import dev.switchboard.model.limits.Refusal;
import dev.switchboard.model.snapshot.ModelRef;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Step 4 of the pipeline: the rate limits and budgets that cover the request, checked in memory before any provider
 * call. An admitted request has counted one request on each rate limit and reserved its worst-case cost on each budget;
 * the answer carries the quota headers of the strictest limits. A refused one is a 429 with {@code Retry-After} and
 * names the rule, counting nothing.
 */
public final class LimitStep {

    /**
     * The quota headers' names, each made once as a header name that keeps its hash and bytes: set on every answer a
     * limit covers. Bounded by the dozen names {@link RateLimitHeaders} writes.
     */
    private static final Map<String, CharSequence> NAMES = new ConcurrentHashMap<>();

    private final LimitCounters counters;
    private final Clock clock;

    public LimitStep(LimitCounters counters, Clock clock) {
        this.counters = counters;
        this.clock = clock;
    }

    public LimitCounters counters() {
        return counters;
    }

    /**
     * Admits the request or throws the 429 {@link GatewayError}; the quota headers go on {@code response} either way.
     * {@link Admission#NONE} when no limit covers it (no header then).
     *
     * @param images           the images an image generation asks for ({@code n}, 1 when not given); 0 otherwise
     * @param inputCharacters  the characters of a speech request's input; 0 otherwise
     * @param anthropicHeaders the caller speaks Anthropic's Messages API: {@code anthropic-ratelimit-*} headers
     */
    public Admission admit(GatewayState state, Principal principal, String model, long bodyBytes, long maxTokens,
                           long images, long inputCharacters, Map<String, String> metadata, boolean anthropicHeaders,
                           HttpServerResponse response) {
        if (!state.limits().coversModels()) {
            return Admission.NONE;
        }
        Applied applied = state.limits().match(Caller.of(principal), model, metadata);
        if (applied.isEmpty()) {
            return Admission.NONE;
        }
        double worstCase = applied.hasBudget()
                ? worstCaseUsd(state, model, bodyBytes, maxTokens, images, inputCharacters) : 0;
        Decision decision = counters.admit(applied, worstCase);
        Instant now = clock.instant();
        MultiMap headers = response.headers();
        BiConsumer<String, String> put = (name, value) ->
                headers.set(NAMES.computeIfAbsent(name, HttpHeaders::createOptimized), value);
        if (anthropicHeaders) {
            RateLimitHeaders.anthropic(decision, now, put);
        } else {
            RateLimitHeaders.openAi(decision, now, put);
        }
        if (decision instanceof Refusal refusal) {
            throw GatewayError.limited(refusal);
        }
        return (Admission) decision;
    }

    /**
     * The most the call can cost: the prompt's estimated tokens at the input price plus {@code max_tokens} (or the
     * output cap assumed when the request sets none) at the output price, plus the images or characters asked for at
     * their prices ({@link CostEstimate}); for a virtual model, at the dearest prices among its targets, whichever
     * serves it.
     */
    static double worstCaseUsd(GatewayState state, String model, long bodyBytes, long maxTokens, long images,
                               long inputCharacters) {
        Price price = dearestPrice(state, model);
        long output = maxTokens > 0 ? maxTokens : CostEstimate.UNKNOWN_MAX_OUTPUT_TOKENS;
        return CostEstimate.worstCase(price, CostEstimate.promptTokensFromBodyBytes(bodyBytes), output, images,
                inputCharacters);
    }

    private static Price dearestPrice(GatewayState state, String model) {
        Optional<ModelRef> direct = state.snapshot().model(model);
        if (direct.isPresent()) {
            return direct.get().model().price();
        }
        Price dearest = Price.FREE;
        List<LoadBalanceTarget> targets = state.snapshot().virtualModel(model)
                .map(v -> v.routingConfig().loadBalanceTargets()).orElse(List.of());
        for (LoadBalanceTarget t : targets) {
            Optional<ModelRef> ref = state.snapshot().model(t.target());
            if (ref.isPresent()) {
                dearest = dearest.max(ref.get().model().price());
            }
        }
        return dearest;
    }

    /** The answer is in: its tokens count on the token limits, its cost replaces the reservation. */
    public void settle(Admission admission, long inputTokens, long outputTokens, double costUsd) {
        if (admission == Admission.NONE) {
            return;
        }
        if (inputTokens > 0 || outputTokens > 0) {
            counters.recordTokens(admission, Math.max(0, inputTokens), Math.max(0, outputTokens));
        }
        counters.settle(admission, costUsd);
    }
}
