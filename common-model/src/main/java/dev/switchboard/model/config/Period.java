package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum Period {
    @JsonProperty("minute") MINUTE,
    @JsonProperty("hour") HOUR,
    @JsonProperty("day") DAY,
    @JsonProperty("month") MONTH
}
