package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum RoutingType {
    @JsonProperty("weight-based-routing") WEIGHT,
    @JsonProperty("priority-based-routing") PRIORITY,
    @JsonProperty("latency-based-routing") LATENCY
}
