package dev.switchboard.model.limits;

import java.util.List;

/** Every limit that applies to one request, from {@link LimitRules}; give it to {@link LimitCounters#admit}. */
public record Applied(List<AppliedLimit> limits) {

    public static final Applied NONE = new Applied(List.of());

    public Applied {
        limits = List.copyOf(limits);
    }

    public boolean isEmpty() {
        return limits.isEmpty();
    }

    /** Whether a budget applies, so that the caller computes a worst-case cost only when it is needed. */
    public boolean hasBudget() {
        for (int i = 0; i < limits.size(); i++) {
            if (limits.get(i).key().family() == Family.BUDGET) {
                return true;
            }
        }
        return false;
    }
}
