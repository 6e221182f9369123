package dev.switchboard.gateway.routing;

import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.RoutingType;
import dev.switchboard.model.config.VirtualModel;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.snapshot.ModelRef;
import java.util.Comparator;

/**
 * Step 3: the model name a caller wrote becomes the model that will serve it. {@code <account>/<model-id>} names one
 * directly; a virtual model name is resolved to one of its targets.
 */
public final class ModelResolver {

    private ModelResolver() {
    }

    public static ModelRef resolve(ConfigSnapshot snapshot, String requested) {
        ModelRef direct = snapshot.model(requested).orElse(null);
        if (direct != null) {
            return direct;
        }
        VirtualModel vm = snapshot.virtualModel(requested).orElseThrow(() -> GatewayError.modelNotFound(requested));
        return snapshot.model(firstTarget(vm).target()).orElseThrow(() -> GatewayError.modelNotFound(requested));
    }

    /** Until health-aware routing lands: the highest-priority target, or the first one listed. */
    static LoadBalanceTarget firstTarget(VirtualModel vm) {
        var targets = vm.routingConfig().loadBalanceTargets();
        if (vm.routingConfig().type() == RoutingType.PRIORITY) {
            return targets.stream().min(Comparator.comparingInt(LoadBalanceTarget::priority)).orElseThrow();
        }
        return targets.get(0);
    }
}
