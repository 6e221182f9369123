package dev.switchboard.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The YAML examples in {@code docs/}, so that tests parse exactly what users read. */
public final class DocExamples {

    private DocExamples() {
    }

    /** The repository root: the nearest directory up from the working directory that has {@code docs/}. */
    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docs/ directory above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Every {@code ```yaml} block of {@code docs/<file>}, in order. */
    public static List<String> yamlBlocks(String file) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        try {
            for (String line : Files.readAllLines(repoRoot().resolve("docs").resolve(file))) {
                if (current == null && line.trim().equals("```yaml")) {
                    current = new StringBuilder();
                } else if (current != null && line.trim().equals("```")) {
                    blocks.add(current.toString());
                    current = null;
                } else if (current != null) {
                    current.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return blocks;
    }

    /** The last YAML block of {@code docs/<file>}: by convention, its complete example. */
    public static String completeExample(String file) {
        List<String> blocks = yamlBlocks(file);
        if (blocks.isEmpty()) {
            throw new IllegalStateException("docs/" + file + " has no yaml block");
        }
        return blocks.get(blocks.size() - 1);
    }
}
