package dev.switchboard.model.limits;

/** The answer of {@link LimitCounters#admit}: an {@link Admission} or a {@link Refusal}. */
public sealed interface Decision permits Admission, Refusal {

    /** The strictest request limit that applies (least remaining), for the headers; null when none does. */
    Quota requests();

    /** The strictest token limit that applies (least remaining), for the headers; null when none does. */
    Quota tokens();
}
