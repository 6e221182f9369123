package dev.switchboard.gateway.routing.it;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/**
 * The one profile of the virtual-model routing integration tests: the gateway runs with {@link RoutingItResource}'s
 * three fake providers and config only (the suite-wide {@code GatewayTestResource} is not started for it). Every
 * class here uses this same profile, so they share one gateway start.
 */
public class RoutingItProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RoutingItResource.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
