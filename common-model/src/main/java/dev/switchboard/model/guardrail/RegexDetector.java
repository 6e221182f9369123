package dev.switchboard.model.guardrail;

import dev.switchboard.model.config.Guardrail;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A regex guardrail's rules as one detector: each match of a {@code deny} pattern is a finding, unless the matched
 * text matches one of the {@code allow} patterns entirely. Findings are labelled {@code regex deny[i]}.
 */
final class RegexDetector implements TextDetector {

    private final List<Pattern> deny;
    private final List<Pattern> allow;

    RegexDetector(Guardrail.RegexRule rule) {
        deny = rule.deny().stream().map(Pattern::compile).toList();
        allow = rule.allow().stream().map(Pattern::compile).toList();
    }

    @Override
    public void find(String text, List<Finding> out) {
        for (int i = 0; i < deny.size(); i++) {
            Matcher m = deny.get(i).matcher(text);
            while (m.find()) {
                if (m.end() > m.start() && !allowed(m.group())) {
                    out.add(new Finding(m.start(), m.end(), "regex", "regex deny[" + i + "]"));
                }
            }
        }
    }

    private boolean allowed(String matched) {
        for (Pattern a : allow) {
            if (a.matcher(matched).matches()) {
                return true;
            }
        }
        return false;
    }
}
