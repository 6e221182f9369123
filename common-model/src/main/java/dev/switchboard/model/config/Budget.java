package dev.switchboard.model.config;

import java.math.BigDecimal;
import java.util.List;

/** At most {@code limit_usd} of spend per {@code per} for each listed subject on the models. */
public record Budget(String name, List<SubjectRef> subjects, List<String> models, BigDecimal limitUsd, Period per) {

    public Budget {
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
        models = models == null ? List.of("*") : List.copyOf(models);
    }
}
