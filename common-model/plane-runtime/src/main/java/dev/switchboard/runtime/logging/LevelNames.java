package dev.switchboard.runtime.logging;

import java.util.Map;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One set of level names in every service's log. Records logged through {@code java.util.logging} (this runtime's own
 * classes, jnats, the JDK) carry its levels, which the console prints as {@code WARNING} and {@code SEVERE} beside the
 * {@code WARN} and {@code ERROR} of everything else; this filter gives them the log manager's levels of the same
 * weight, so that one search for {@code WARN} finds them all. Each service registers it as a Quarkus logging filter
 * ({@code quarkus.log.console.filter}); it lets every record through.
 */
public class LevelNames implements Filter {

    public static final String NAME = "switchboard-level-names";

    private final Map<Level, Level> renamed;

    /** @param warn, error, info, debug, trace the log manager's levels (org.jboss.logmanager.Level's) */
    protected LevelNames(Level warn, Level error, Level info, Level debug, Level trace) {
        this.renamed = Map.of(Level.WARNING, warn, Level.SEVERE, error, Level.CONFIG, info, Level.FINE, debug,
                Level.FINER, trace, Level.FINEST, trace);
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        Level to = renamed.get(record.getLevel());
        if (to != null) {
            record.setLevel(to);
        }
        return true;
    }
}
