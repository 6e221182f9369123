package dev.switchboard.model.config;

import java.math.BigDecimal;
import java.util.List;

/**
 * At most {@code limit_usd} of spend per {@code per} calendar day or month (UTC) for the listed subjects, counted as
 * {@code counting} says, on the models. Each percentage of {@code alert_thresholds} raises one event per period per
 * counter when spend crosses it, also posted to {@code alert_webhook} when set.
 */
public record Budget(String name, List<SubjectRef> subjects, List<String> models, BigDecimal limitUsd, Period per,
                     Counting counting, List<Integer> alertThresholds, String alertWebhook) {

    public static final List<Integer> DEFAULT_ALERT_THRESHOLDS = List.of(50, 80, 100);

    public Budget {
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
        models = models == null ? List.of("*") : List.copyOf(models);
        counting = counting == null ? Counting.PER_SUBJECT : counting;
        alertThresholds = alertThresholds == null ? DEFAULT_ALERT_THRESHOLDS : List.copyOf(alertThresholds);
    }

    /** The budget as it was written before counting and alerts existed. */
    public Budget(String name, List<SubjectRef> subjects, List<String> models, BigDecimal limitUsd, Period per) {
        this(name, subjects, models, limitUsd, per, null, null, null);
    }
}
