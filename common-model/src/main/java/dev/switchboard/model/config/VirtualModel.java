package dev.switchboard.model.config;

/** A model name that callers use and the gateway routes to one of several real models. */
public record VirtualModel(String name, String description, RoutingConfig routingConfig, HealthPolicy healthPolicy) {
}
