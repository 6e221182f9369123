package dev.switchboard.runtime;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Options;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The NATS connection settings every background client uses (the planes' and the control plane's): reconnect for ever,
 * say failures once. Callers may adjust the builder they get.
 */
public final class NatsOptions {

    private static final Logger LOG = Logger.getLogger(NatsOptions.class.getName());

    private NatsOptions() {
    }

    public static Options.Builder builder(String url, String connectionName, Duration connectTimeout,
                                          ConnectionListener listener) {
        return new Options.Builder()
                .server(url)
                .connectionName(connectionName)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(500))
                .connectionTimeout(connectTimeout)
                .connectionListener(listener)
                // what failed is said once, by the connection events and the client's own retry log, not every attempt
                .errorListener(new ErrorListener() {
                    @Override
                    public void exceptionOccurred(Connection conn, Exception exp) {
                        LOG.fine(() -> "NATS: " + exp);
                    }
                });
    }

    /** Closes {@code connection} if there is one, keeping the thread's interrupt. */
    public static void close(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
