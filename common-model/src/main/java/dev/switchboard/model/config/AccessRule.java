package dev.switchboard.model.config;

import java.util.List;

/**
 * Grants subjects the use of models. A model entry is a model name ({@code openai-main/gpt-4o}), a virtual model
 * name, every model of one account ({@code openai-main/*}) or everything ({@code *}).
 */
public record AccessRule(String name, List<SubjectRef> subjects, List<String> models) {

    public AccessRule {
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
        models = models == null ? List.of() : List.copyOf(models);
    }
}
