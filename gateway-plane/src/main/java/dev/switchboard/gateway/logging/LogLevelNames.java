package dev.switchboard.gateway.logging;

import dev.switchboard.runtime.logging.LevelNames;
import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import org.jboss.logmanager.Level;

/**
 * The shared level names ({@link LevelNames}) on this service's console; enabled by {@code quarkus.log.console.filter}.
 * (Quarkus takes only a final class that names {@link Filter} itself.)
 */
@LoggingFilter(name = LevelNames.NAME)
public final class LogLevelNames extends LevelNames implements Filter {

    public LogLevelNames() {
        super(Level.WARN, Level.ERROR, Level.INFO, Level.DEBUG, Level.TRACE);
    }
}
