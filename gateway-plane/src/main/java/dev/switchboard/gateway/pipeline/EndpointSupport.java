package dev.switchboard.gateway.pipeline;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.ProviderAdapters;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.ProviderType;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.snapshot.ModelRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Which of the resolved targets can serve the request's endpoint, asked of each target's provider adapter before any
 * provider call. A virtual model skips the targets that cannot (keeping the order of the others); a request left with
 * none is refused 400 {@code unsupported_endpoint}, naming the targets and their provider types.
 */
final class EndpointSupport {

    private EndpointSupport() {
    }

    static List<LoadBalanceTarget> servable(ConfigSnapshot snapshot, ProviderAdapters adapters, Endpoint endpoint,
                                            String requestedModel, List<LoadBalanceTarget> targets) {
        List<LoadBalanceTarget> kept = null;
        for (int i = 0; i < targets.size(); i++) {
            if (!serves(snapshot, adapters, endpoint, targets.get(i))) {
                if (kept == null) {
                    kept = new ArrayList<>(targets.subList(0, i));
                }
            } else if (kept != null) {
                kept.add(targets.get(i));
            }
        }
        if (kept == null) {
            return targets; // the usual case: every target serves it, nothing is allocated
        }
        if (kept.isEmpty()) {
            StringJoiner names = new StringJoiner(", ");
            for (LoadBalanceTarget target : targets) {
                names.add("'" + target.target() + "' (" + typeName(snapshot, target) + ")");
            }
            throw GatewayError.endpointNotServed(requestedModel, endpoint.logName(), targets.size() == 1
                    ? "the provider of " + names + " does not offer it" : "the providers of " + names + " do not offer it");
        }
        return kept;
    }

    private static boolean serves(ConfigSnapshot snapshot, ProviderAdapters adapters, Endpoint endpoint,
                                  LoadBalanceTarget target) {
        ModelRef model = snapshot.model(target.target()).orElseThrow(GatewayError::internal);
        return adapters.forType(model.account().type()).serves(endpoint);
    }

    private static String typeName(ConfigSnapshot snapshot, LoadBalanceTarget target) {
        ProviderType type = snapshot.model(target.target()).orElseThrow(GatewayError::internal).account().type();
        return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
