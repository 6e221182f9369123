package dev.switchboard.runtime;

import dev.switchboard.runtime.telemetry.TelemetrySettings;
import org.eclipse.microprofile.config.Config;

/**
 * This process among the replicas of its plane: one id for its telemetry rows (the request log's {@code instance})
 * and its limit counts, so that the control plane can tie logged spend to the replica that counted it. New on every
 * start unless configured ({@code switchboard.telemetry.instance-id}): a restarted process never claims its former
 * self's counts.
 */
public final class Replica {

    private static volatile String generated;

    private Replica() {
    }

    /** The configured id, or the one this process made itself at first use. */
    public static String id(Config config) {
        return new Settings(config).text(TelemetrySettings.INSTANCE_ID).orElseGet(Replica::generated);
    }

    private static String generated() {
        if (generated == null) {
            synchronized (Replica.class) {
                if (generated == null) {
                    generated = TelemetrySettings.defaultInstance();
                }
            }
        }
        return generated;
    }
}
