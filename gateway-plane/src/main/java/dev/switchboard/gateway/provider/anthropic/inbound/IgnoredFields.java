package dev.switchboard.gateway.provider.anthropic.inbound;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * What a translated Messages request carried that the translation does not know: a newer client's field, block type
 * or server tool. It is dropped rather than refused, so that a new Claude Code release does not break every request;
 * each name is logged once per process, so an operator learns of it without a line per request.
 */
final class IgnoredFields {

    private static final Logger LOG = Logger.getLogger(IgnoredFields.class);
    /** Bounded so that a caller inventing names cannot grow it without end; past that, nothing more is logged. */
    private static final int MAX_REMEMBERED = 256;
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    private IgnoredFields() {
    }

    static void once(String kind, String name) {
        String key = kind + " " + name;
        if (SEEN.size() < MAX_REMEMBERED && SEEN.add(key)) {
            // the caller's text: cut short, and no line breaks or other control characters to forge log lines with
            String shown = (name.length() > 64 ? name.substring(0, 64) + "..." : name).replaceAll("\\p{Cntrl}", "?");
            LOG.infof("Anthropic Messages request: %s '%s' is not translated for OpenAI-compatible targets and is "
                    + "ignored (logged once)", kind, shown);
        }
    }
}
