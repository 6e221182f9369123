package dev.switchboard.model.config;

import java.util.List;

/** At most {@code requests} requests and/or {@code tokens} tokens per {@code per} for each listed subject on the models. */
public record RateLimit(String name, List<SubjectRef> subjects, List<String> models, Long requests, Long tokens,
                        Period per) {

    public RateLimit {
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
        models = models == null ? List.of("*") : List.copyOf(models);
    }
}
