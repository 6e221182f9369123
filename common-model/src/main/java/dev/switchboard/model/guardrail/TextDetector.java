package dev.switchboard.model.guardrail;

import java.util.List;

/** Finds spans of one string: a built-in PII or secret detector, or a regex guardrail's deny rules. */
@FunctionalInterface
interface TextDetector {

    /** Adds what it finds in {@code text} to {@code out}, in any order; overlaps are merged by the caller. */
    void find(String text, List<Finding> out);

    /**
     * As {@link #find(String, List)}, with {@code features} already gathered from {@code text} (one pass shared by all
     * the detectors of a check); a built-in detector skips the patterns they rule out. Finds exactly the same.
     */
    default void find(String text, TextFeatures features, List<Finding> out) {
        find(text, out);
    }
}
