package dev.switchboard.workflowbridge;

/**
 * What the process does when it is told to stop (SIGTERM: the pod is deleted, or Flyte's task timeout fired) while a
 * run is being waited on. Only one action is armed at a time.
 */
public interface Termination {

    /** Arms {@code action} until the returned guard is closed. */
    Guard onTerminate(Runnable action);

    interface Guard extends AutoCloseable {
        @Override
        void close();
    }
}
