package dev.switchboard.controlplane.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The rules a service's container files under {@code deploy/<module>/} must keep, checked without a container engine:
 * what they copy is what {@code ./mvnw package} (or the native build) writes for that module, they run as a non-root
 * user, and a service exposes and health-checks the HTTP port its {@code application.properties} configures.
 */
final class ContainerFiles {

    enum Variant {
        JVM("Dockerfile"), NATIVE("Dockerfile.native");

        final String file;

        Variant(String file) {
            this.file = file;
        }
    }

    /** One instruction: its keyword, upper case, and the rest of its (joined) line. */
    record Instruction(String keyword, String args) {
    }

    /** The fast-jar's parts an image needs: everything in target/quarkus-app but the dependency list. */
    static final Set<String> FAST_JAR = Set.of("lib", "quarkus-run.jar", "app", "quarkus");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ContainerFiles() {
    }

    static List<Instruction> parse(String dockerfile) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String raw : dockerfile.split("\n", -1)) {
            String trimmed = raw.strip();
            if (line.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                line.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            line.append(trimmed);
            String[] parts = line.toString().strip().split("\\s+", 2);
            out.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : ""));
            line.setLength(0);
        }
        return out;
    }

    /** Everything wrong with the module's container file of that variant, as sentences; empty when it keeps the rules. */
    static List<String> problems(Path repo, String module, Variant variant, String dockerfile) throws IOException {
        List<String> problems = new ArrayList<>();
        List<Instruction> instructions = parse(dockerfile);
        List<Instruction> froms = of(instructions, "FROM");
        if (froms.size() != 1) {
            problems.add("one FROM expected (a single-stage image of what Maven built), found " + froms.size());
        } else {
            String image = froms.get(0).args();
            if (!image.matches("[^\\s:]+(/[^\\s:]+)*:[\\w.-]+") || image.endsWith(":latest")) {
                problems.add("the base image must carry a fixed tag: " + image);
            }
        }

        // The user the container runs as: the last USER, after the last step that writes files.
        List<Instruction> users = of(instructions, "USER");
        int lastUser = instructions.lastIndexOf(users.isEmpty() ? null : users.get(users.size() - 1));
        if (users.isEmpty()) {
            problems.add("no USER: the image would run as root");
        } else {
            String[] ids = users.get(users.size() - 1).args().split(":");
            for (String id : ids) {
                if (!id.matches("[1-9][0-9]*")) {
                    problems.add("USER must be a numeric non-root uid[:gid] (runAsNonRoot checks numbers): "
                            + users.get(users.size() - 1).args());
                    break;
                }
            }
            for (int i = lastUser + 1; i < instructions.size(); i++) {
                if (Set.of("COPY", "ADD", "RUN").contains(instructions.get(i).keyword())) {
                    problems.add(instructions.get(i).keyword() + " after the last USER");
                }
            }
        }
        if (!of(instructions, "ADD").isEmpty()) {
            problems.add("ADD: use COPY");
        }

        // What is copied, and where: the module's own build output, relative to the repository root.
        List<String[]> copies = new ArrayList<>();
        for (Instruction copy : of(instructions, "COPY")) {
            String[] words = copy.args().split("\\s+");
            if (words[0].startsWith("--from")) {
                problems.add("COPY --from: the image is built from Maven's output, not from another stage");
                continue;
            }
            if (words.length != 2) {
                problems.add("COPY with one source and one destination expected: " + copy.args());
                continue;
            }
            copies.add(words);
        }
        String target = module + "/target/";
        for (String[] copy : copies) {
            if (!copy[0].startsWith(target)) {
                problems.add("COPY source outside " + target + ": " + copy[0]);
            }
        }
        Properties config = applicationProperties(repo, module);
        String entrypointPath;
        if (variant == Variant.JVM) {
            entrypointPath = checkFastJar(repo, module, config, copies, problems);
        } else {
            entrypointPath = checkRunner(repo, module, copies, problems);
        }

        List<Instruction> entrypoints = of(instructions, "ENTRYPOINT");
        List<String> entrypoint = entrypoints.isEmpty() ? List.of() : execForm(entrypoints.get(0).args(), problems);
        boolean service = config.getProperty("quarkus.http.port") != null;
        if (entrypoint.isEmpty()) {
            problems.add("no ENTRYPOINT in exec form");
        } else if (!service) {
            // A command: what Flyte's `command` names must be on the PATH, and start what was copied.
            String onPath = "/usr/local/bin/" + entrypoint.get(0);
            boolean installed = variant == Variant.NATIVE
                    ? entrypointPath.equals(onPath)
                    : of(instructions, "RUN").stream().anyMatch(r -> r.args().contains(onPath)
                            && r.args().contains("-jar " + entrypointPath));
            if (!installed) {
                problems.add("ENTRYPOINT " + entrypoint + " is not " + onPath + " starting " + entrypointPath);
            }
        } else {
            List<String> expected = variant == Variant.JVM ? List.of("java", "-jar", entrypointPath) : List.of(entrypointPath);
            if (!entrypoint.equals(expected)) {
                problems.add("ENTRYPOINT " + entrypoint + " does not start what was copied: expected " + expected);
            }
        }

        if (service) {
            String port = config.getProperty("quarkus.http.port");
            List<String> exposed = of(instructions, "EXPOSE").stream().map(Instruction::args).toList();
            if (!exposed.equals(List.of(port))) {
                problems.add("EXPOSE " + exposed + " but quarkus.http.port is " + port);
            }
            Matcher env = Pattern.compile("QUARKUS_HTTP_PORT=(\\S+)").matcher(String.join(" ",
                    of(instructions, "ENV").stream().map(Instruction::args).toList()));
            if (!env.find() || !env.group(1).equals(port)) {
                problems.add("ENV QUARKUS_HTTP_PORT must be " + port + ", the port the health check asks");
            }
            List<Instruction> checks = of(instructions, "HEALTHCHECK");
            if (checks.size() != 1) {
                problems.add("one HEALTHCHECK expected, found " + checks.size());
            } else {
                String check = checks.get(0).args();
                if (!check.contains("/q/health/live") || !check.contains("${QUARKUS_HTTP_PORT}")) {
                    problems.add("the HEALTHCHECK must ask /q/health/live on ${QUARKUS_HTTP_PORT}: " + check);
                }
                if (!Files.readString(repo.resolve(module).resolve("pom.xml")).contains("<artifactId>quarkus-smallrye-health</artifactId>")) {
                    problems.add(module + " has no quarkus-smallrye-health: nothing answers /q/health/live");
                }
            }
        } else if (!of(instructions, "EXPOSE").isEmpty()) {
            problems.add("EXPOSE in the image of a command that serves nothing");
        }
        return problems;
    }

    /** The JVM image copies the four parts of the fast-jar; returns where quarkus-run.jar lands. */
    private static String checkFastJar(Path repo, String module, Properties config, List<String[]> copies,
            List<String> problems) {
        String type = config.getProperty("quarkus.package.jar.type", "fast-jar");
        if (!type.equals("fast-jar") || config.getProperty("quarkus.package.output-directory") != null
                || "false".equals(config.getProperty("quarkus.package.jar.enabled"))) {
            problems.add(module + " does not package a fast-jar in target/quarkus-app, which the image copies");
        }
        String app = module + "/target/quarkus-app/";
        Set<String> copied = new TreeSet<>();
        String runJar = null;
        for (String[] copy : copies) {
            String part = copy[0].startsWith(app) ? copy[0].substring(app.length()).replaceAll("/$", "") : copy[0];
            copied.add(part);
            if (part.equals("quarkus-run.jar")) {
                runJar = copy[1].endsWith("/") ? copy[1] + "quarkus-run.jar" : copy[1];
            } else if (FAST_JAR.contains(part) && !copy[1].endsWith("/" + part + "/")) {
                // quarkus-run.jar's manifest finds lib/, app/ and quarkus/ beside it.
                problems.add(copy[0] + " must land in <dir of quarkus-run.jar>/" + part + "/, not " + copy[1]);
            }
        }
        if (!copied.equals(FAST_JAR)) {
            problems.add("the fast-jar's parts " + FAST_JAR + " must be copied, found " + copied);
        }
        if (runJar != null) {
            String dir = runJar.substring(0, runJar.lastIndexOf('/') + 1);
            for (String[] copy : copies) {
                if (!copy[1].startsWith(dir)) {
                    problems.add(copy[0] + " lands outside " + dir + ", beside quarkus-run.jar");
                }
            }
        }
        // After a package, what is there must be what is copied (a new part of the layout must reach the image).
        Path built = repo.resolve(app);
        if (Files.isDirectory(built)) {
            try (Stream<Path> entries = Files.list(built)) {
                Set<String> present = new TreeSet<>(entries.map(p -> p.getFileName().toString())
                        .filter(n -> !n.equals("quarkus-app-dependencies.txt")).toList());
                if (!present.equals(copied)) {
                    problems.add(built + " holds " + present + " but the image copies " + copied);
                }
            } catch (IOException e) {
                problems.add("cannot list " + built + ": " + e.getMessage());
            }
        }
        return runJar == null ? "(no quarkus-run.jar copied)" : runJar;
    }

    /** The native image copies the module's runner; returns where it lands. */
    private static String checkRunner(Path repo, String module, List<String[]> copies, List<String> problems)
            throws IOException {
        String runner = module + "/target/" + finalName(repo, module) + "-runner";
        if (copies.size() != 1) {
            problems.add("the native image copies only the executable, found " + copies.size() + " COPY");
            return "(no runner copied)";
        }
        String source = copies.get(0)[0];
        if (!FileSystems.getDefault().getPathMatcher("glob:" + source).matches(Path.of(runner))) {
            problems.add("COPY " + source + " does not match the native build's executable " + runner);
        }
        // The native-sources step (-Dquarkus.native.sources-only=true) names the executable native-image will write.
        Path args = repo.resolve(module).resolve("target/native-sources/native-image.args");
        if (Files.exists(args)) {
            String written = Path.of(runner).getFileName().toString();
            if (!Files.readString(args).contains(written)) {
                problems.add(args + " does not name " + written);
            }
        }
        return copies.get(0)[1];
    }

    private static List<String> execForm(String args, List<String> problems) {
        try {
            return List.of(JSON.readValue(args, String[].class));
        } catch (IOException e) {
            problems.add("not in exec form (a JSON array): " + args);
            return List.of();
        }
    }

    private static List<Instruction> of(List<Instruction> instructions, String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    static Properties applicationProperties(Path repo, String module) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(repo.resolve(module).resolve("src/main/resources/application.properties"))) {
            p.load(in);
        }
        return p;
    }

    /** artifactId-version, Maven's default final name, from the module's POM (the version from its parent's). */
    static String finalName(Path repo, String module) throws IOException {
        try {
            Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(repo.resolve(module).resolve("pom.xml").toFile());
            Element project = pom.getDocumentElement();
            String artifactId = child(project, "artifactId");
            String version = child(project, "version");
            if (version == null) {
                version = child((Element) project.getElementsByTagName("parent").item(0), "version");
            }
            if (pom.getElementsByTagName("finalName").getLength() > 0) {
                throw new IOException(module + "/pom.xml sets a finalName: " + pom.getElementsByTagName("finalName").item(0).getTextContent());
            }
            return artifactId + "-" + version;
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException(e);
        }
    }

    private static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        return null;
    }
}
