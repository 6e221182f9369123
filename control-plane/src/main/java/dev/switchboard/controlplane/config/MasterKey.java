package dev.switchboard.controlplane.config;

import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.model.secret.SecretSealer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** The master key's sealer, or none when {@code SWITCHBOARD_MASTER_KEY} is not set (clear secrets are then refused). */
@ApplicationScoped
public class MasterKey {

    private static final Logger LOG = Logger.getLogger(MasterKey.class);

    private final SecretSealer sealer;

    @Inject
    public MasterKey(ControlPlaneConfig config) {
        this.sealer = config.masterKey().filter(k -> !k.isBlank()).map(SecretSealer::fromBase64Key).orElse(null);
        if (sealer == null) {
            LOG.warn("no master key (SWITCHBOARD_MASTER_KEY): secrets given in clear are refused;"
                    + " {env: VARIABLE} secrets still work");
        }
    }

    /** Null when no master key is configured. */
    public SecretSealer sealer() {
        return sealer;
    }
}
