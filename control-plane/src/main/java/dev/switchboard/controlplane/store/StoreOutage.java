package dev.switchboard.controlplane.store;

import io.vertx.pgclient.PgException;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * PostgreSQL out of reach: which failures mean that (no connection, a connection lost, a server shutting down or not
 * yet taking connections), where the database is in words ({@code host:port/db}, never the user or password), and the
 * one log line per outage the admin API's 503s go with.
 */
@Singleton
public class StoreOutage {

    private static final Logger LOG = Logger.getLogger(StoreOutage.class);

    private final AtomicBoolean down = new AtomicBoolean();

    /** Whether {@code failure} (or a cause of it) says PostgreSQL cannot be reached, rather than a refused statement. */
    public static boolean isUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.nio.channels.ClosedChannelException
                    || t instanceof java.net.UnknownHostException
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException) {
                return true;
            }
            // class 08: connection exception; 57P01-03: the server shuts down or does not take connections yet
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
                return true;
            }
            String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (t instanceof io.vertx.core.VertxException && message.contains("closed")) {
                return true; // the connection went away during the handshake or a query
            }
            if (t.getClass().getName().equals("io.vertx.core.impl.NoStackTraceThrowable")
                    && message.contains("timeout")) {
                return true; // the pool waited in vain for a connection
            }
        }
        return false;
    }

    /** The configured database as {@code host:port/db}: from the reactive URL, without user information or options. */
    public static String where() {
        String url = ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.reactive.url", String.class)
                .orElse("");
        try {
            URI uri = URI.create(url.replaceFirst("^vertx-reactive:", ""));
            String db = uri.getPath() == null ? "" : uri.getPath();
            return uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort()) + db;
        } catch (RuntimeException e) {
            return "(the configured PostgreSQL)";
        }
    }

    /** A request found PostgreSQL away: logged once, at the first such request of an outage. */
    public void failed(Throwable cause) {
        if (down.compareAndSet(false, true)) {
            LOG.warnf("PostgreSQL at %s cannot be reached (%s); the admin API answers 503 until it is back", where(),
                    describe(cause));
        }
    }

    /** A request got through: an outage, if one was logged, is over. */
    public void succeeded() {
        if (down.compareAndSet(true, false)) {
            LOG.infof("PostgreSQL at %s reachable again", where());
        }
    }

    public boolean down() {
        return down.get();
    }

    /** The innermost cause's type and first line: enough to tell refused from timed out, never a statement. */
    public static String describe(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
        return t.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
