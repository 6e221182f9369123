package dev.switchboard.gateway.provider.it;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/**
 * The one profile of the provider-adapter integration tests: the gateway runs with {@link ProviderItResource}'s fakes
 * and config only (the suite-wide {@code GatewayTestResource} is not started for it). Every class here uses this same
 * profile, so they share one gateway start.
 */
public class ProviderItProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ProviderItResource.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
