package dev.switchboard.model.config;

import java.util.List;

/** A group of users; rules granted to the team apply to every member (and to JWTs whose teams claim names it). */
public record Team(String name, List<String> members) {

    public Team {
        members = members == null ? List.of() : List.copyOf(members);
    }
}
