package dev.switchboard.gateway.routing;

import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.RetryConfig;
import dev.switchboard.model.config.StickyConfig;
import dev.switchboard.model.config.VirtualModel;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;

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

    /** @param metadata the request's {@code x-tfy-metadata}, already parsed and checked */
    public Resolution resolve(ConfigSnapshot snapshot, String requested, MultiMap headers, Map<String, String> metadata,
                              long nowMillis) {
        if (snapshot.model(requested).isPresent()) {
            return new Resolution(List.of(new LoadBalanceTarget(requested, null, null, NO_RETRIES, List.of())), null,
                    Long.MAX_VALUE);
        }
        VirtualModel vm = snapshot.virtualModel(requested).orElseThrow(() -> GatewayError.modelNotFound(requested));
        RoutePlan plan = selector.plan(vm, snapshot.config().healthPolicy(),
                sessionKey(vm.routingConfig().sticky(), headers, metadata), nowMillis);
        return new Resolution(plan.order().stream().map(RoutePlan.Candidate::target).toList(), plan,
                vm.routingConfig().requestTimeoutMs());
    }

    /** The sticky-session key of a request: a header's value, or a field of the {@code x-tfy-metadata} header. */
    public static String sessionKey(StickyConfig sticky, MultiMap headers, Map<String, String> metadata) {
        if (sticky == null) {
            return null;
        }
        if (sticky.header() != null) {
            return headers.get(sticky.header());
        }
        return metadata.get(sticky.metadataKey());
    }
}
