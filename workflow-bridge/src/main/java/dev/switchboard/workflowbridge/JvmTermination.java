package dev.switchboard.workflowbridge;

import java.util.concurrent.atomic.AtomicReference;

/**
 * SIGTERM as the JVM sees it: one shutdown hook, installed once, running whatever action is armed. A normal exit closes
 * the guard first, so the hook then finds nothing to do.
 */
public final class JvmTermination implements Termination {

    private final AtomicReference<Runnable> armed = new AtomicReference<>();

    private JvmTermination() {
    }

    public static JvmTermination install() {
        JvmTermination termination = new JvmTermination();
        Runtime.getRuntime().addShutdownHook(new Thread(termination::fire, "workflow-bridge-sigterm"));
        return termination;
    }

    @Override
    public Guard onTerminate(Runnable action) {
        armed.set(action);
        return () -> armed.compareAndSet(action, null);
    }

    private void fire() {
        Runnable action = armed.getAndSet(null);
        if (action != null) {
            action.run();
        }
    }
}
