package dev.switchboard.model.config;

/**
 * A model name that callers use and the gateway routes to one of several real models. {@code logPayloads} and
 * {@code logPayloadsMaxBytes} (null: not set) turn on payload logging for requests that name it ({@link Payloads}),
 * whichever target answers.
 */
public record VirtualModel(String name, String description, RoutingConfig routingConfig, HealthPolicy healthPolicy,
                           Boolean logPayloads, Integer logPayloadsMaxBytes) {

    /** The payload cap in bytes for requests that name this virtual model, 0 when its payloads are not logged. */
    public int payloadCap() {
        return Payloads.cap(logPayloads, logPayloadsMaxBytes);
    }
}
