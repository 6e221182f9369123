package dev.switchboard.gateway.guardrail;

/**
 * What of a stream's new text may be sent, once the guardrails have rewritten the window they checked (the tail of
 * the text already sent, then the new text). Pure.
 *
 * <p>A rewrite that lies wholly in the new text is sent as the guardrails made it. A rewrite that begins in text the
 * caller already has cannot be taken back: the part of it not yet sent is masked with {@code *}, one per character,
 * whatever the guardrail's replacement, and the rest of the new text goes as it came. Two findings close together
 * count as one changed stretch, so the masking may cover the text between them: it errs toward hiding.
 */
final class StreamRedaction {

    private StreamRedaction() {
    }

    static String unsent(String sentTail, String newText, String rewrittenWindow) {
        int sent = sentTail.length();
        String original = sentTail + newText;
        if (rewrittenWindow.equals(original)) {
            return newText;
        }
        int prefix = commonPrefix(original, rewrittenWindow);
        if (prefix >= sent) {
            return rewrittenWindow.substring(sent);
        }
        int suffix = commonSuffix(original, rewrittenWindow, prefix);
        int changedUnsent = original.length() - suffix - sent;
        if (changedUnsent <= 0) {
            return newText; // the change lies wholly in text already sent
        }
        return "*".repeat(changedUnsent) + newText.substring(changedUnsent);
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    /** The common suffix, not reaching back into the first {@code prefix} characters of either. */
    private static int commonSuffix(String a, String b, int prefix) {
        int n = Math.min(a.length(), b.length()) - prefix;
        int i = 0;
        while (i < n && a.charAt(a.length() - 1 - i) == b.charAt(b.length() - 1 - i)) {
            i++;
        }
        return i;
    }

    /** The last {@code max} characters of {@code text}. */
    static String tail(String text, int max) {
        return text.length() <= max ? text : text.substring(text.length() - max);
    }
}
