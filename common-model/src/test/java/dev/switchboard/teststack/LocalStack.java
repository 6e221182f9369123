package dev.switchboard.teststack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one shared test resource: where the tests find PostgreSQL, NATS (JetStream) and ClickHouse.
 *
 * <p>{@link #get()} resolves the endpoints once per JVM, lazily and thread-safely, from the first
 * source that applies:
 * <ol>
 *   <li><b>Servers you already run</b>: when all of {@code SWITCHBOARD_TEST_PG_HOST},
 *       {@code SWITCHBOARD_TEST_PG_PORT}, {@code SWITCHBOARD_TEST_PG_USER},
 *       {@code SWITCHBOARD_TEST_PG_DATABASE}, {@code SWITCHBOARD_TEST_NATS_URL} and
 *       {@code SWITCHBOARD_TEST_CLICKHOUSE_URL} are set, they are used as they are (setting only
 *       some of them is an error, so a typo does not silently fall through to the next source).</li>
 *   <li><b>The repo's {@code deploy/stack.sh}</b> (no Docker engine needed): found by walking up from
 *       the working directory; {@code deploy/stack.sh start} is run (idempotent: it reuses servers
 *       already listening and installs missing Debian packages when root), its output goes to this
 *       JVM's stdout, and the endpoints are read from {@code deploy/stack.sh env}. The PostgreSQL
 *       database is {@code switchboard_test}. The stack is left running for the next test run;
 *       {@code deploy/stack.sh stop} stops what the script started.</li>
 * </ol>
 * One line on stdout says which source was used. If no source works, {@link #get()} throws an
 * {@link IllegalStateException} carrying the script's output.
 *
 * <p>Plain JDK only, so every module can use it from common-model's test-jar.
 */
public final class LocalStack {

    /** Prefix of the variables of source (1). */
    public static final String ENV_PREFIX = "SWITCHBOARD_TEST_";

    private static final String[] ENV_KEYS = {
        "SWITCHBOARD_TEST_PG_HOST", "SWITCHBOARD_TEST_PG_PORT", "SWITCHBOARD_TEST_PG_USER",
        "SWITCHBOARD_TEST_PG_DATABASE", "SWITCHBOARD_TEST_NATS_URL", "SWITCHBOARD_TEST_CLICKHOUSE_URL",
    };
    private static final String TEST_DATABASE = "switchboard_test";
    private static final long START_TIMEOUT_MINUTES = 10; // includes a first apt-get install

    private static final Object LOCK = new Object();
    private static volatile LocalStack instance;
    private static IllegalStateException failure; // guarded by LOCK

    private final String pgHost;
    private final int pgPort;
    private final String pgUser;
    private final String pgDatabase;
    private final String natsUrl;
    private final String clickhouseUrl;
    private final String source;

    private LocalStack(String pgHost, int pgPort, String pgUser, String pgDatabase, String natsUrl,
                       String clickhouseUrl, String source) {
        this.pgHost = pgHost;
        this.pgPort = pgPort;
        this.pgUser = pgUser;
        this.pgDatabase = pgDatabase;
        this.natsUrl = natsUrl;
        this.clickhouseUrl = clickhouseUrl;
        this.source = source;
    }

    /**
     * The endpoints, resolved on first use. A failure is remembered, so later callers fail fast
     * with the same explanation instead of running the script again.
     *
     * @throws IllegalStateException if no source of servers works
     */
    public static LocalStack get() {
        LocalStack s = instance;
        if (s != null) {
            return s;
        }
        synchronized (LOCK) {
            if (instance != null) {
                return instance;
            }
            if (failure != null) {
                throw new IllegalStateException(failure.getMessage(), failure);
            }
            try {
                LocalStack resolved = resolve();
                System.out.println("[LocalStack] using " + resolved.source + "; " + resolved.describe());
                instance = resolved;
                return resolved;
            } catch (IllegalStateException e) {
                failure = e;
                throw e;
            } catch (RuntimeException e) {
                failure = new IllegalStateException("[LocalStack] could not resolve the test servers: " + e, e);
                throw failure;
            }
        }
    }

    public String pgHost() {
        return pgHost;
    }

    public int pgPort() {
        return pgPort;
    }

    public String pgUser() {
        return pgUser;
    }

    /** The database tests use ({@code switchboard_test} with the repo's stack). */
    public String pgDatabase() {
        return pgDatabase;
    }

    /** {@code jdbc:postgresql://host:port/database}, for convenience. */
    public String pgJdbcUrl() {
        return "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + pgDatabase;
    }

    public String natsUrl() {
        return natsUrl;
    }

    /** ClickHouse HTTP interface, e.g. {@code http://127.0.0.1:18123}. */
    public String clickhouseUrl() {
        return clickhouseUrl;
    }

    /** Which source the endpoints came from, in words. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "LocalStack[" + source + "; " + describe() + "]";
    }

    private String describe() {
        return "PostgreSQL " + pgHost + ":" + pgPort + " (user " + pgUser + ", database " + pgDatabase + ")"
                + ", NATS " + natsUrl + ", ClickHouse " + clickhouseUrl;
    }

    // ------------------------------------------------------------------ resolution

    private static LocalStack resolve() {
        LocalStack fromEnv = fromEnvironment(System.getenv());
        return fromEnv != null ? fromEnv : fromStackScript();
    }

    private static LocalStack fromEnvironment(Map<String, String> env) {
        List<String> missing = new ArrayList<>();
        for (String key : ENV_KEYS) {
            String v = env.get(key);
            if (v == null || v.isBlank()) {
                missing.add(key);
            }
        }
        if (missing.size() == ENV_KEYS.length) {
            return null;
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("[LocalStack] some " + ENV_PREFIX + "* variables are set but these are not: "
                    + missing + "; set all of them to use your own servers, or none to use deploy/stack.sh");
        }
        return new LocalStack(
                env.get("SWITCHBOARD_TEST_PG_HOST").trim(),
                parsePort("SWITCHBOARD_TEST_PG_PORT", env.get("SWITCHBOARD_TEST_PG_PORT")),
                env.get("SWITCHBOARD_TEST_PG_USER").trim(),
                env.get("SWITCHBOARD_TEST_PG_DATABASE").trim(),
                env.get("SWITCHBOARD_TEST_NATS_URL").trim(),
                env.get("SWITCHBOARD_TEST_CLICKHOUSE_URL").trim(),
                "servers from the " + ENV_PREFIX + "* environment variables");
    }

    private static LocalStack fromStackScript() {
        Path root = findRepoRoot();
        Path script = root.resolve("deploy").resolve("stack.sh");

        ScriptResult start = run(root, script, "start", true);
        if (start.exitCode != 0) {
            throw new IllegalStateException("[LocalStack] " + script + " start failed (exit " + start.exitCode
                    + "). Set the " + ENV_PREFIX + "* variables to use servers you run yourself. Script output:\n"
                    + start.output);
        }
        ScriptResult envResult = run(root, script, "env", false);
        if (envResult.exitCode != 0) {
            throw new IllegalStateException("[LocalStack] " + script + " env failed (exit " + envResult.exitCode
                    + "). Script output:\n" + envResult.output);
        }
        Map<String, String> env = parseEnv(envResult.output);
        String[] required = {"SWITCHBOARD_PG_HOST", "SWITCHBOARD_PG_PORT", "SWITCHBOARD_PG_USER",
            "SWITCHBOARD_NATS_URL", "SWITCHBOARD_CLICKHOUSE_URL"};
        for (String key : required) {
            if (!env.containsKey(key)) {
                throw new IllegalStateException("[LocalStack] " + script + " env did not print " + key
                        + ". Its output:\n" + envResult.output);
            }
        }
        return new LocalStack(
                env.get("SWITCHBOARD_PG_HOST"),
                parsePort("SWITCHBOARD_PG_PORT", env.get("SWITCHBOARD_PG_PORT")),
                env.get("SWITCHBOARD_PG_USER"),
                env.getOrDefault("SWITCHBOARD_PG_TEST_DATABASE", TEST_DATABASE),
                env.get("SWITCHBOARD_NATS_URL"),
                env.get("SWITCHBOARD_CLICKHOUSE_URL"),
                "the repo's deploy/stack.sh (no Docker engine needed)");
    }

    /** Walks up from the working directory to the first directory holding deploy/stack.sh. */
    static Path findRepoRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy").resolve("stack.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("[LocalStack] no deploy/stack.sh found in " + start
                + " or any parent directory, and the " + ENV_PREFIX + "* variables are not set");
    }

    private record ScriptResult(int exitCode, String output) {
    }

    private static ScriptResult run(Path root, Path script, String command, boolean forward) {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        StringBuilder out = new StringBuilder();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("[LocalStack] could not run " + script + " " + command + ": " + e, e);
        }
        try {
            // The script's daemons write to their own logs, so EOF comes when the script exits.
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (out) {
                            out.append(line).append('\n');
                        }
                        if (forward) {
                            System.out.println(line);
                        }
                    }
                } catch (IOException ignored) {
                    // the process went away; whatever was read is in `out`
                }
            }, "LocalStack-" + command);
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(START_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                reader.join(2_000);
                synchronized (out) {
                    throw new IllegalStateException("[LocalStack] " + script + " " + command + " did not finish within "
                            + START_TIMEOUT_MINUTES + " minutes. Output so far:\n" + out);
                }
            }
            reader.join(10_000);
            synchronized (out) {
                return new ScriptResult(p.exitValue(), out.toString());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("[LocalStack] interrupted while running " + script + " " + command, e);
        }
    }

    /** Parses {@code KEY=VALUE} lines (an optional {@code export } prefix and quotes are allowed). */
    static Map<String, String> parseEnv(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#") || eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            env.put(key, value);
        }
        return env;
    }

    private static int parsePort(String name, String value) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException("out of range");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("[LocalStack] " + name + " is not a port: '" + value + "'", e);
        }
    }
}
