package dev.switchboard.workflowbridge.support;

import dev.switchboard.workflowbridge.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Sleeps by advancing the virtual clock, at once; remembers every pause and can act on the n-th one. */
public final class VirtualSleeper implements Sleeper {

    /** Called before a pause; may throw InterruptedException like a real sleep. */
    public interface OnSleep {
        void before(int index, Duration pause) throws InterruptedException;
    }

    private final VirtualClock clock;
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private volatile OnSleep onSleep = (index, pause) -> { };
    private volatile int firstIndex;

    public VirtualSleeper(VirtualClock clock) {
        this.clock = clock;
    }

    /** From now on, {@code action} sees each pause with its index counted from 0 at this call. */
    public void onSleep(OnSleep action) {
        this.firstIndex = pauses.size();
        this.onSleep = action;
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        onSleep.before(pauses.size() - firstIndex, duration);
        pauses.add(duration);
        clock.advance(duration);
    }

    public List<Duration> pauses() {
        return List.copyOf(pauses);
    }

    public Duration total() {
        return pauses.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
