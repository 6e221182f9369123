package dev.switchboard.gateway.guardrail;

import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.guardrail.Verdict;
import dev.switchboard.model.telemetry.RequestLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The guardrail verdicts of one request, for its request-log record. A stream is checked many times: each guardrail
 * keeps one entry per hook, its most severe verdict (blocked, then violation, error, timeout, redacted, pass) with the
 * latency of all its checks summed. Touched only from the request's event loop.
 */
public final class GuardrailAudit {

    private final List<Entry> entries = new ArrayList<>(2);

    private static final class Entry {
        final Guardrail.Hook hook;
        Verdict worst;
        long nanos;

        Entry(Guardrail.Hook hook, Verdict verdict) {
            this.hook = hook;
            this.worst = verdict;
            this.nanos = verdict.nanos();
        }
    }

    public void record(Guardrail.Hook hook, List<Verdict> verdicts) {
        for (Verdict v : verdicts) {
            Entry e = find(hook, v.guardrail());
            if (e == null) {
                entries.add(new Entry(hook, v));
            } else {
                e.nanos += v.nanos();
                if (severity(v) > severity(e.worst)) {
                    e.worst = v;
                }
            }
        }
    }

    private Entry find(Guardrail.Hook hook, String guardrail) {
        for (Entry e : entries) {
            if (e.hook == hook && e.worst.guardrail().equals(guardrail)) {
                return e;
            }
        }
        return null;
    }

    static int severity(Verdict v) {
        if (v.blocked()) {
            return 6;
        }
        return switch (v.outcome()) {
            case VIOLATION -> 5;
            case ERROR -> 4;
            case TIMEOUT -> 3;
            case REDACTED -> 2;
            case PASS -> 1;
        };
    }

    public List<RequestLog.GuardrailVerdict> toLog() {
        List<RequestLog.GuardrailVerdict> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            Verdict v = e.worst;
            out.add(new RequestLog.GuardrailVerdict(wire(e.hook), v.guardrail(), wire(v.type()), wire(v.mode()),
                    wire(v.outcome()), v.blocked(), v.reason(), e.nanos / 1e6));
        }
        return List.copyOf(out);
    }

    /** The config's spelling of an enum constant: {@code ENFORCE_BUT_IGNORE_ON_ERROR} is {@code enforce_but_ignore_on_error}. */
    private static String wire(Enum<?> value) {
        return value == null ? null : value.name().toLowerCase(Locale.ROOT);
    }
}
