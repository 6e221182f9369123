package dev.switchboard.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's first requests, as {@code ./switchboard check} runs them: every {@code ```sh} block right after a
 * {@code <!-- check: NAME | expect: TEXT | expect: TEXT -->} comment, run with bash; the check passes when the output
 * holds every expected text. Tests run them against in-process services by rewriting the README's addresses.
 */
public final class ReadmeChecks {

    private static final Pattern MARKER = Pattern.compile("<!-- check: (\\S+)((?: \\| expect: .+?)+) -->");

    public record Check(String name, String script, List<String> expected) {

        /**
         * Runs the block with bash, each {@code from -> to} of {@code rewrites} replaced first (the README's
         * {@code 127.0.0.1:8080} by a test's port), and returns its output (stdout and stderr).
         */
        public String run(Map<String, String> rewrites) {
            String s = script;
            for (Map.Entry<String, String> r : rewrites.entrySet()) {
                s = s.replace(r.getKey(), r.getValue());
            }
            try {
                Process p = new ProcessBuilder("bash", "-euo", "pipefail", "-c", s).redirectErrorStream(true).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("the README's '" + name + "' block did not finish: " + out);
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError("the README's '" + name + "' block exited " + p.exitValue() + ": " + out);
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** The expected texts this output lacks; empty when the block answers as the README says. */
        public List<String> missingFrom(String output) {
            return expected.stream().filter(e -> !output.contains(e)).toList();
        }
    }

    private ReadmeChecks() {
    }

    public static List<Check> all() {
        List<String> lines;
        try {
            lines = Files.readAllLines(DocExamples.repoRoot().resolve("README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MARKER.matcher(lines.get(i).trim());
            if (!m.matches()) {
                continue;
            }
            if (i + 1 >= lines.size() || !lines.get(i + 1).trim().equals("```sh")) {
                throw new IllegalStateException("README.md line " + (i + 1) + ": a check marker must precede a ```sh block");
            }
            StringBuilder script = new StringBuilder();
            int j = i + 2;
            for (; j < lines.size() && !lines.get(j).trim().equals("```"); j++) {
                script.append(lines.get(j)).append('\n');
            }
            List<String> expected = Arrays.stream(m.group(2).split(" \\| expect: ")).filter(e -> !e.isEmpty()).toList();
            checks.add(new Check(m.group(1), script.toString(), expected));
            i = j;
        }
        return checks;
    }

    public static Check named(String name) {
        return all().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("README.md has no check block named '" + name + "'"));
    }
}
