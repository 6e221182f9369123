package dev.switchboard.model.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.config.Guardrail;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The text guardrails (regex, pii, secrets): runs detectors over every string of the payload. Without redaction a
 * finding is a violation; with it, each finding is masked or replaced in a deep copy and the call goes on. A reason
 * names the finding's kind and path, never its text.
 */
final class TextCheck implements Check {

    /** Reasons list this many findings, then say how many more there were. */
    private static final int REASON_FINDINGS = 5;

    private final TextDetector[] detectors;
    private final Guardrail.Redaction redaction;
    private final String replacement;

    TextCheck(List<TextDetector> detectors, Guardrail.Redaction redaction, String replacement) {
        this.detectors = detectors.toArray(TextDetector[]::new);
        this.redaction = redaction;
        this.replacement = replacement;
    }

    /** {@link Result#PASS}, already complete: a check of clean text allocates no future. */
    private static final CompletableFuture<Result> PASSED = CompletableFuture.completedFuture(Result.PASS);

    @Override
    public CompletionStage<Result> run(Guardrail.Hook hook, GuardScope scope, JsonNode payload, boolean rewrite) {
        Scan scan = new Scan(rewrite);
        JsonTexts.walk(payload, scan);
        if (scan.found == null) {
            return PASSED;
        }
        String what = describe(scan.found);
        if (redaction == Guardrail.Redaction.NONE) {
            return Result.violation(what).done();
        }
        if (!rewrite) {
            return Result.violation("would redact " + what).done();
        }
        return Result.redacted("redacted " + what, JsonTexts.rewrite(payload, scan.rewrites)).done();
    }

    /** One walk over a payload: the features of each string are gathered once and shared by the detectors. */
    private final class Scan implements JsonTexts.Visitor {
        private final boolean rewrite;
        private final TextFeatures features = new TextFeatures();
        private final List<Finding> findings = new ArrayList<>();
        /** Null until something is found. */
        List<String> found;
        List<JsonTexts.Rewrite> rewrites;

        Scan(boolean rewrite) {
            this.rewrite = rewrite;
        }

        @Override
        public void text(List<Object> path, String text) {
            findings.clear();
            features.scan(text);
            for (TextDetector d : detectors) {
                d.find(text, features, findings);
            }
            if (findings.isEmpty()) {
                return;
            }
            if (found == null) {
                found = new ArrayList<>();
                rewrites = new ArrayList<>();
            }
            List<Finding> merged = merge(findings);
            String at = JsonTexts.render(path);
            for (Finding f : merged) {
                found.add(f.label() + " at " + at);
            }
            if (redaction != Guardrail.Redaction.NONE && rewrite) {
                rewrites.add(new JsonTexts.Rewrite(List.copyOf(path), redact(text, merged)));
            }
        }
    }

    /** Sorted by start, overlapping spans joined (the earlier one's kind and label win). */
    static List<Finding> merge(List<Finding> findings) {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparingInt(Finding::start)
                .thenComparing(Comparator.comparingInt(Finding::end).reversed()));
        List<Finding> out = new ArrayList<>();
        for (Finding f : sorted) {
            Finding last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && f.start() < last.end()) {
                if (f.end() > last.end()) {
                    out.set(out.size() - 1, new Finding(last.start(), f.end(), last.kind(), last.label()));
                }
            } else {
                out.add(f);
            }
        }
        return out;
    }

    private String redact(String text, List<Finding> merged) {
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (Finding f : merged) {
            out.append(text, at, f.start());
            if (redaction == Guardrail.Redaction.MASK) {
                out.append("*".repeat(f.end() - f.start()));
            } else {
                out.append(replacement != null ? replacement : "[REDACTED:" + f.kind() + "]");
            }
            at = f.end();
        }
        return out.append(text, at, text.length()).toString();
    }

    private static String describe(List<String> found) {
        if (found.size() <= REASON_FINDINGS) {
            return String.join(", ", found);
        }
        return String.join(", ", found.subList(0, REASON_FINDINGS)) + " and " + (found.size() - REASON_FINDINGS)
                + " more";
    }
}
