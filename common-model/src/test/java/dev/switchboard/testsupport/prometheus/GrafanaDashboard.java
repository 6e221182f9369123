package dev.switchboard.testsupport.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.DocExamples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of {@code deploy/grafana/switchboard-dashboard.json}: every panel target's {@code expr} and every
 * templating query, and the series names they use, so that tests can check them against what the services expose.
 */
public final class GrafanaDashboard {

    public static final String FILE = "deploy/grafana/switchboard-dashboard.json";
    /** Every series of ours starts so; the dashboard uses no others. */
    private static final Pattern SERIES = Pattern.compile("\\bswitchboard_[a-z0-9_]+\\b");

    private GrafanaDashboard() {
    }

    /** Every PromQL expression of the dashboard. */
    public static List<String> expressions() {
        try {
            JsonNode root = new ObjectMapper().readTree(DocExamples.repoRoot().resolve(FILE).toFile());
            List<String> found = new ArrayList<>();
            collect(root.path("panels"), found);
            for (JsonNode variable : root.path("templating").path("list")) {
                if ("query".equals(variable.path("type").asText())) {
                    JsonNode query = variable.path("query");
                    found.add(query.isTextual() ? query.asText() : query.path("query").asText());
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(JsonNode panels, List<String> found) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                found.add(target.path("expr").asText());
            }
            collect(panel.path("panels"), found);
        }
    }

    /** The series names in {@code expression}. */
    public static Set<String> seriesIn(String expression) {
        Set<String> names = new TreeSet<>();
        Matcher m = SERIES.matcher(expression);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** Every series name the dashboard uses. */
    public static Set<String> series() {
        Set<String> names = new TreeSet<>();
        expressions().forEach(e -> names.addAll(seriesIn(e)));
        return names;
    }
}
