package dev.switchboard.workflowbridge;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * Everything the bridge takes from the process it runs in. Tests build one with a virtual clock, captured streams and
 * their own environment; {@link #system()} is the real one.
 *
 * @param env the environment variables (Flyte's, the flags' fallbacks, the credentials)
 * @param out receives exactly one JSON line per finished command: the result
 * @param err receives the progress lines and the error messages
 */
public record BridgeRuntime(Map<String, String> env, Clock clock, Sleeper sleeper, PrintStream out, PrintStream err,
        Termination termination) {

    public static BridgeRuntime system() {
        return new BridgeRuntime(System.getenv(), Clock.systemUTC(), Sleeper.REAL, System.out, System.err,
                JvmTermination.install());
    }
}
