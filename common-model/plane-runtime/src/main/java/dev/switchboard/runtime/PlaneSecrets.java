package dev.switchboard.runtime;

import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.secret.SecretSealer;
import org.eclipse.microprofile.config.Config;

/**
 * How a plane opens the credentials its snapshots carry: from the environment, or with the master key
 * ({@code switchboard.master-key}, the control plane's) when they come sealed.
 */
public final class PlaneSecrets {

    public static final String MASTER_KEY = "switchboard.master-key";

    private PlaneSecrets() {
    }

    public static SecretResolver resolver(Config config) {
        return SecretResolver.fromProcess(new Settings(config).text(MASTER_KEY).map(SecretSealer::fromBase64Key)
                .orElse(null));
    }
}
