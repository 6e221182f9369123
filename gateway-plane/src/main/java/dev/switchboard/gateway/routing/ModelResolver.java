package dev.switchboard.gateway.routing;

import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.RetryConfig;
import dev.switchboard.model.config.StickyConfig;
import dev.switchboard.model.config.VirtualModel;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import io.vertx.core.MultiMap;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Step 3: the model name a caller wrote becomes the targets to try, in order. {@code <account>/<model-id>} names one
 * model, tried once as it is; a virtual model's targets are ordered by its routing strategy ({@link TargetSelector}).
 */
public final class ModelResolver {

    /** What a request will try: the targets in order, the plan that ordered them (null for a direct model). */
    public record Resolution(List<LoadBalanceTarget> targets, RoutePlan plan, long requestTimeoutMs) {
    }

    private static final RetryConfig NO_RETRIES = new RetryConfig(0, 0, List.of(), 0);

    private final TargetSelector selector;

    public ModelResolver(TargetSelector selector) {
        this.selector = selector;
    }

    public Resolution resolve(ConfigSnapshot snapshot, String requested, MultiMap headers, long nowMillis) {
        if (snapshot.model(requested).isPresent()) {
            return new Resolution(List.of(new LoadBalanceTarget(requested, null, null, NO_RETRIES, List.of())), null,
                    Long.MAX_VALUE);
        }
        VirtualModel vm = snapshot.virtualModel(requested).orElseThrow(() -> GatewayError.modelNotFound(requested));
        RoutePlan plan = selector.plan(vm, snapshot.config().healthPolicy(),
                sessionKey(vm.routingConfig().sticky(), headers), nowMillis);
        return new Resolution(plan.order().stream().map(RoutePlan.Candidate::target).toList(), plan,
                vm.routingConfig().requestTimeoutMs());
    }

    /** The sticky-session key of a request: a header's value, or a field of the {@code x-tfy-metadata} JSON header. */
    public static String sessionKey(StickyConfig sticky, MultiMap headers) {
        if (sticky == null) {
            return null;
        }
        if (sticky.header() != null) {
            return headers.get(sticky.header());
        }
        String metadata = headers.get("x-tfy-metadata");
        if (metadata == null || metadata.isBlank()) {
            return null;
        }
        try {
            Object value = new JsonObject(metadata).getValue(sticky.metadataKey());
            return value == null ? null : value.toString();
        } catch (DecodeException | ClassCastException e) {
            throw GatewayError.invalidRequest("The x-tfy-metadata header must be a JSON object.", null);
        }
    }
}
