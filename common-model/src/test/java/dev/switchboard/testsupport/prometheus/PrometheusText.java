package dev.switchboard.testsupport.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A Prometheus page ({@code /q/metrics}) read by a real exposition-format parser: the Prometheus project's own Python
 * client ({@code prometheus_client.parser.text_string_to_metric_families}), from Debian's
 * {@code python3-prometheus-client}, installed with apt-get when missing and running as root. Maven Central has no
 * maintained Java parser of the text format (Micrometer and the Prometheus Java client only write it), and a parser of
 * our own would share our misreadings. A page the parser refuses fails the test with the parser's message.
 */
public final class PrometheusText {

    private static final String PARSE = """
            import json, math, sys
            from prometheus_client.parser import text_string_to_metric_families
            families = list(text_string_to_metric_families(sys.stdin.read()))
            # this parser files a counter's `x_total` samples apart from its `# TYPE x counter` line: join them back
            declared = {f.name: f.type for f in families if f.type != "unknown"}
            def declared_type(name, fallback):
                for suffix in ("", "_total", "_bucket", "_count", "_sum"):
                    if suffix == "" or name.endswith(suffix):
                        base = name[:len(name) - len(suffix)] if suffix else name
                        if base in declared:
                            return base, declared[base]
                return name, fallback
            out = []
            for family in families:
                for s in family.samples:
                    v = s.value
                    name, kind = declared_type(s.name, family.type)
                    out.append({"family": name, "type": kind, "name": s.name, "labels": s.labels,
                                "value": None if math.isnan(v) else ("+Inf" if v == math.inf else v)})
            json.dump(out, sys.stdout)
            """;

    /** Debian's own interpreter: the package installs for it, not for a pyenv or venv python3 earlier on the PATH. */
    private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3"))
            ? "/usr/bin/python3" : "python3";

    private static volatile boolean checked;

    /** One sample: its full name ({@code _bucket}, {@code _count} and {@code _total} included), labels and value. */
    public record Sample(String family, String type, String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    public static PrometheusText parse(String page) {
        ensureParser();
        String json = run(List.of(PYTHON, "-c", PARSE), page);
        try {
            List<Sample> samples = new ArrayList<>();
            for (JsonNode s : new ObjectMapper().readTree(json)) {
                Map<String, String> labels = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = s.get("labels").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    labels.put(e.getKey(), e.getValue().asText());
                }
                JsonNode v = s.get("value");
                double value = v.isNull() ? Double.NaN : v.isTextual() ? Double.POSITIVE_INFINITY : v.asDouble();
                samples.add(new Sample(s.get("family").asText(), s.get("type").asText(), s.get("name").asText(),
                        Map.copyOf(labels), value));
            }
            return new PrometheusText(List.copyOf(samples));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Every sample name on the page. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** The type the page declared for the sample named {@code name} ({@code counter}, {@code histogram}, ...). */
    public String type(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).map(Sample::type).findFirst().orElse(null);
    }

    /**
     * The sum of the samples named {@code name} whose labels include {@code labels} (pairs: name, value); 0 when none
     * matches.
     */
    public double sum(String name, String... labels) {
        return matching(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    /** The samples named {@code name} whose labels include {@code labels} (pairs: name, value). */
    public List<Sample> matching(String name, String... labels) {
        List<Sample> found = new ArrayList<>();
        outer:
        for (Sample s : samples) {
            if (!s.name().equals(name)) {
                continue;
            }
            for (int i = 0; i < labels.length; i += 2) {
                if (!Objects.equals(s.labels().get(labels[i]), labels[i + 1])) {
                    continue outer;
                }
            }
            found.add(s);
        }
        return found;
    }

    private static synchronized void ensureParser() {
        if (checked) {
            return;
        }
        if (exitCode(List.of(PYTHON, "-c", "import prometheus_client.parser")) != 0) {
            if (!"root".equals(System.getProperty("user.name"))) {
                throw new IllegalStateException("python3-prometheus-client is missing; run as root: "
                        + "apt-get install -y python3-prometheus-client");
            }
            if (exitCode(List.of("apt-get", "install", "-y", "-q", "python3-prometheus-client")) != 0) {
                exitCode(List.of("apt-get", "update", "-q"));
                if (exitCode(List.of("apt-get", "install", "-y", "-q", "python3-prometheus-client")) != 0) {
                    throw new IllegalStateException("apt-get install python3-prometheus-client failed");
                }
            }
        }
        checked = true;
    }

    private static int exitCode(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String run(List<String> command, String input) {
        try {
            Process p = new ProcessBuilder(command).start();
            byte[] in = input.getBytes(StandardCharsets.UTF_8);
            Thread writer = new Thread(() -> {
                try (var out = p.getOutputStream()) {
                    out.write(in);
                } catch (IOException ignored) {
                    // the parser failed early: its exit code and message say why
                }
            });
            writer.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> {
                try {
                    p.getErrorStream().transferTo(err);
                } catch (IOException ignored) {
                    // nothing more to read
                }
            });
            errReader.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(1, TimeUnit.MINUTES);
            writer.join();
            errReader.join();
            if (p.exitValue() != 0) {
                throw new AssertionError("the Prometheus parser refused the page: " + err.toString(StandardCharsets.UTF_8));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
