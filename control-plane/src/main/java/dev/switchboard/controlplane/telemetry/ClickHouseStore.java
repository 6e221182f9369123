package dev.switchboard.controlplane.telemetry;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.ServerException;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.data.ClickHouseFormat;
import dev.switchboard.controlplane.ControlPlaneConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The ClickHouse side of telemetry, through client-v2 over HTTP, written so that ClickHouse 18.16 and a current
 * ClickHouse work alike: the format is in the SQL, tables are named {@code db.table}, responses are not compressed,
 * results are read as JSON text (no RowBinary readers), no server-side parameters (values go through
 * {@link SqlLiterals}).
 */
@ApplicationScoped
public class ClickHouseStore {

    /** The schema files, applied in order at every start; each statement is idempotent or made so ({@link #ADD_COLUMN}). */
    static final List<String> SCHEMA = List.of("clickhouse/V1__telemetry.sql", "clickhouse/V2__metadata_and_team.sql",
            "clickhouse/V3__limits.sql", "clickhouse/V4__rollups.sql", "clickhouse/V5__event_id.sql",
            "clickhouse/V6__payloads.sql", "clickhouse/V7__tdigest_rollups.sql",
            "clickhouse/V8__audio_seconds.sql", "clickhouse/V9__trace.sql");
    /**
     * An {@code ALTER TABLE db.table ADD COLUMN name ...} of a schema file. 18.16 has no {@code IF NOT EXISTS} there,
     * so such a statement runs only when {@code system.columns} lacks the column.
     */
    static final java.util.regex.Pattern ADD_COLUMN = java.util.regex.Pattern.compile(
            "(?s)ALTER TABLE ([A-Za-z_][A-Za-z0-9_]*)\\.([A-Za-z_][A-Za-z0-9_]*) ADD COLUMN ([A-Za-z_][A-Za-z0-9_]*) .*");
    /** A {@code CREATE TABLE IF NOT EXISTS db.table} of a schema file: noted when this start creates the table. */
    static final java.util.regex.Pattern CREATE_TABLE = java.util.regex.Pattern.compile(
            "(?s)CREATE TABLE IF NOT EXISTS ([A-Za-z_][A-Za-z0-9_]*)\\.([A-Za-z_][A-Za-z0-9_]*)\\s.*");
    /**
     * An {@code INSERT INTO db.table ...} of a schema file, the backfill of a rollup from the rows already there: it
     * runs only when this start created that table, so that no restart adds the old rows twice.
     */
    static final java.util.regex.Pattern BACKFILL = java.util.regex.Pattern.compile(
            "(?s)INSERT INTO ([A-Za-z_][A-Za-z0-9_]*)\\.([A-Za-z_][A-Za-z0-9_]*)\\s.*");
    /** A backfill reads every row of a table once; it may take minutes, far beyond a query's timeout. */
    static final java.time.Duration BACKFILL_TIMEOUT = java.time.Duration.ofHours(2);
    /** ClickHouse's DUPLICATE_COLUMN: another control plane added it between our check and our ALTER. */
    private static final int DUPLICATE_COLUMN = 44;

    @Inject
    ControlPlaneConfig config;

    private volatile Client client;
    /** While a rollup is being filled its figures are partial: the analytics API reads the raw rows meanwhile. */
    private volatile boolean fillingRollups;

    public boolean configured() {
        return config.clickhouse().url().filter(u -> !u.isBlank()).isPresent();
    }

    public String database() {
        return SqlLiterals.identifier(config.clickhouse().database());
    }

    /** {@code db.table} of a kind. */
    public String table(TelemetryKind kind) {
        return database() + "." + kind.table();
    }

    /** The URL without any user information, for log lines. */
    public String where() {
        try {
            URI uri = URI.create(config.clickhouse().url().orElse(""));
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (RuntimeException e) {
            return "(the configured ClickHouse URL)";
        }
    }

    private Client client() {
        Client c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = newClient(config.clickhouse().timeout().toMillis());
                }
                c = client;
            }
        }
        return c;
    }

    private Client newClient(long timeout) {
        return new Client.Builder()
                .addEndpoint(config.clickhouse().url().orElseThrow())
                .setUsername(config.clickhouse().user())
                .setPassword(config.clickhouse().password().orElse(""))
                .compressServerResponse(false) // 18.16: compressed results come back empty
                .compressClientRequest(false)
                .useHttpCompression(false)
                .setConnectTimeout(Math.min(timeout, 5_000), ChronoUnit.MILLIS)
                .setSocketTimeout(timeout, ChronoUnit.MILLIS)
                .setExecutionTimeout(timeout, ChronoUnit.MILLIS)
                .setMaxRetries(0) // the writer retries through NATS, the API caller by asking again
                .build();
    }

    /**
     * Creates the database and tables if missing (every schema file, in order), and fills a rollup table this start
     * created from the rows already written. Two control planes upgrading at the same moment could both backfill:
     * docs/observability.md (Schema) says to start one first.
     */
    public void ensureSchema() throws ClickHouseFailure {
        java.util.Set<String> created = new java.util.HashSet<>();
        for (String file : SCHEMA) {
            for (String statement : statements(file, database())) {
                java.util.regex.Matcher add = ADD_COLUMN.matcher(statement);
                if (add.matches() && hasColumn(add.group(1), add.group(2), add.group(3))) {
                    continue;
                }
                java.util.regex.Matcher backfill = BACKFILL.matcher(statement);
                if (backfill.matches()) {
                    if (created.contains(backfill.group(2))) {
                        backfill(statement, backfill.group(1), backfill.group(2));
                    }
                    continue;
                }
                java.util.regex.Matcher create = CREATE_TABLE.matcher(statement);
                if (create.matches() && !hasTable(create.group(1), create.group(2))) {
                    created.add(create.group(2));
                }
                try {
                    client().execute(statement).get(config.clickhouse().timeout().toMillis(), TimeUnit.MILLISECONDS)
                            .close();
                } catch (Exception e) {
                    ClickHouseFailure failure = ClickHouseFailure.of(e);
                    if (!(add.matches() && failure.rejected() && failure.code() == DUPLICATE_COLUMN)) {
                        throw failure;
                    }
                }
            }
        }
    }

    /**
     * Runs a rollup's backfill. When it fails, the rollup and its view ({@code <table>_mv}, the schema's naming) are
     * dropped, so that the next try creates and fills them anew rather than keeping a rollup without the old rows.
     */
    private void backfill(String statement, String database, String table) throws ClickHouseFailure {
        fillingRollups = true;
        try (Client longRunning = newClient(BACKFILL_TIMEOUT.toMillis())) {
            longRunning.execute(statement).get(BACKFILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).close();
        } catch (Exception e) {
            ClickHouseFailure failure = ClickHouseFailure.of(e);
            try { // the view first: a view whose target is gone fails every insert into the raw table
                for (String drop : List.of(table + "_mv", table)) {
                    client().execute("DROP TABLE IF EXISTS " + database + "." + drop)
                            .get(config.clickhouse().timeout().toMillis(), TimeUnit.MILLISECONDS).close();
                }
            } catch (Exception dropFailed) {
                // ClickHouse is gone too: the backfill's failure is the one to report
            }
            throw failure;
        } finally {
            fillingRollups = false;
        }
    }

    /** Whether this control plane is filling a new rollup from the raw rows right now. */
    public boolean fillingRollups() {
        return fillingRollups;
    }

    private boolean hasTable(String database, String table) throws ClickHouseFailure {
        List<String> lines = queryLines("SELECT count() FROM system.tables WHERE database = "
                + SqlLiterals.string(database) + " AND name = " + SqlLiterals.string(table) + " FORMAT TabSeparated");
        return !lines.isEmpty() && !lines.get(0).strip().equals("0");
    }

    private boolean hasColumn(String database, String table, String column) throws ClickHouseFailure {
        List<String> lines = queryLines("SELECT count() FROM system.columns WHERE database = "
                + SqlLiterals.string(database) + " AND table = " + SqlLiterals.string(table) + " AND name = "
                + SqlLiterals.string(column) + " FORMAT TabSeparated");
        return !lines.isEmpty() && !lines.get(0).strip().equals("0");
    }

    /** The statements of a schema file, comments dropped, {@code ${database}} replaced. */
    static List<String> statements(String resource, String database) {
        String text;
        try (InputStream in = ClickHouseStore.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1).replace("${database}", SqlLiterals.identifier(database)));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException(resource + " ends without a semicolon");
        }
        return out;
    }

    /**
     * Inserts JSONEachRow rows as they are into the kind's table. A column the table does not have yet is skipped, not
     * refused: a plane newer than this control plane (upgraded first against the advice) adds columns, and its rows
     * must still be stored, without what this schema cannot hold, rather than all be refused and dropped.
     */
    public void insertJsonEachRow(TelemetryKind kind, byte[] rows) throws ClickHouseFailure {
        try {
            client().insert(table(kind), new ByteArrayInputStream(rows), ClickHouseFormat.JSONEachRow,
                            new InsertSettings().serverSetting("input_format_skip_unknown_fields", "1"))
                    .get(config.clickhouse().timeout().toMillis(), TimeUnit.MILLISECONDS).close();
        } catch (Exception e) {
            throw ClickHouseFailure.of(e);
        }
    }

    /** Runs a query whose SQL ends in {@code FORMAT JSONEachRow} and returns its lines. */
    public List<String> queryLines(String sql) throws ClickHouseFailure {
        try (QueryResponse response = client().query(sql)
                .get(config.clickhouse().timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            String text = new String(response.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (Exception e) {
            throw ClickHouseFailure.of(e);
        }
    }

    /** Whether ClickHouse answers at all. */
    public boolean ping() {
        try {
            return configured() && client().ping(2_000);
        } catch (RuntimeException e) {
            return false;
        }
    }

    void stop(@Observes ShutdownEvent event) {
        Client c = client;
        if (c != null) {
            c.close();
        }
    }

    /**
     * Why ClickHouse did not do what was asked: {@code rejected} when the server answered with an error (bad rows, a
     * missing table), otherwise it could not be reached or did not answer in time. The message never holds row data.
     */
    public static final class ClickHouseFailure extends Exception {

        private final boolean rejected;
        private final int code;

        private ClickHouseFailure(String message, boolean rejected, int code, Throwable cause) {
            super(message, cause, false, false);
            this.rejected = rejected;
            this.code = code;
        }

        static ClickHouseFailure of(Throwable e) {
            Throwable t = e;
            while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
                    && t.getCause() != null) {
                t = t.getCause();
            }
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof ServerException server) {
                    int code = code(server);
                    return new ClickHouseFailure("ClickHouse refused it: code " + code, true, code, t);
                }
                if (c.getCause() == c) {
                    break;
                }
            }
            return new ClickHouseFailure("ClickHouse unreachable: " + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage())), false, 0, t);
        }

        private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("Code: (\\d+)");

        /** The error code; 18.16 sends no code header, so it is read from the message ("Code: 60, ..."). */
        static int code(ServerException e) {
            if (e.getCode() > 0) {
                return e.getCode();
            }
            java.util.regex.Matcher m = CODE.matcher(String.valueOf(e.getMessage()));
            return m.find() ? Integer.parseInt(m.group(1)) : e.getCode();
        }

        private static String firstLine(String s) {
            int nl = s.indexOf('\n');
            String line = nl < 0 ? s : s.substring(0, nl);
            return line.length() > 200 ? line.substring(0, 200) + "..." : line;
        }

        public boolean rejected() {
            return rejected;
        }

        /** ClickHouse's error code when {@link #rejected()}. */
        public int code() {
            return code;
        }
    }
}
