package dev.switchboard.workflowbridge.support;

import dev.switchboard.workflowbridge.Termination;
import java.util.concurrent.atomic.AtomicReference;

/** Stands in for SIGTERM: {@link #fire()} runs the armed action the way the JVM's shutdown hook would. */
public final class ManualTermination implements Termination {

    private final AtomicReference<Runnable> armed = new AtomicReference<>();

    @Override
    public Guard onTerminate(Runnable action) {
        armed.set(action);
        return () -> armed.compareAndSet(action, null);
    }

    public boolean armed() {
        return armed.get() != null;
    }

    public void fire() {
        Runnable action = armed.getAndSet(null);
        if (action != null) {
            action.run();
        }
    }
}
