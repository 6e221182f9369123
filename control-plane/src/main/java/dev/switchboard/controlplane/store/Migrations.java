package dev.switchboard.controlplane.store;

import dev.switchboard.controlplane.ControlPlaneConfig;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Applies the versioned SQL files under {@code db/migration/} in order at start, each in its own transaction, and
 * records them in {@code schema_version}. A small runner over the reactive client rather than Flyway: Flyway needs a
 * JDBC driver and a second, blocking pool next to the reactive one for a handful of plain SQL files. Replicas starting
 * together take a transaction-scoped advisory lock, so each file runs once; a file changed after it was applied stops
 * the start (its checksum no longer matches).
 */
@ApplicationScoped
public class Migrations {

    /** Every migration, oldest first. Add a file under src/main/resources/db/migration/ and its name here. */
    static final List<String> FILES = List.of("V1__config_store.sql", "V2__name_search.sql");

    private static final Logger LOG = Logger.getLogger(Migrations.class);
    private static final long LOCK_KEY = 0x5357_4254_4344_4231L; // arbitrary, fixed: "SWBTCDB1"

    @Inject
    Pool pool;

    @Inject
    ControlPlaneConfig config;

    public Uni<Integer> migrate() {
        Uni<Void> prepare = config.db().schema().filter(s -> !s.isBlank())
                .map(s -> pool.query("create schema if not exists \"" + s.replace("\"", "") + "\"").execute()
                        .replaceWithVoid())
                .orElse(Uni.createFrom().voidItem())
                .chain(() -> pool.query("create table if not exists schema_version (version integer primary key,"
                        + " file text not null, checksum text not null, applied_at timestamptz not null default now())")
                        .execute().replaceWithVoid());
        return prepare.chain(() -> Multi.createFrom().range(0, FILES.size())
                .onItem().transformToUniAndConcatenate(i -> apply(i + 1, FILES.get(i)))
                .collect().asList()
                .map(applied -> (int) applied.stream().filter(Boolean::booleanValue).count()));
    }

    private Uni<Boolean> apply(int version, String file) {
        String sql = read("db/migration/" + file);
        String checksum = sha256(sql);
        return pool.withTransaction(conn -> conn.preparedQuery("select pg_advisory_xact_lock($1)")
                .execute(Tuple.of(LOCK_KEY))
                .chain(() -> conn.preparedQuery("select file, checksum from schema_version where version = $1")
                        .execute(Tuple.of(version)))
                .chain(rows -> {
                    if (rows.size() > 0) {
                        Row row = rows.iterator().next();
                        if (!checksum.equals(row.getString("checksum"))) {
                            return Uni.createFrom().failure(new IllegalStateException("migration " + file
                                    + " was changed after it was applied (checksum " + row.getString("checksum")
                                    + ", now " + checksum + "); add a new migration instead"));
                        }
                        return Uni.createFrom().item(false);
                    }
                    LOG.infof("applying schema migration %s", file);
                    return runAll(conn, statements(sql))
                            .chain(() -> conn.preparedQuery(
                                    "insert into schema_version (version, file, checksum) values ($1, $2, $3)")
                                    .execute(Tuple.of(version, file, checksum)))
                            .replaceWith(true);
                }));
    }

    private static Uni<Void> runAll(SqlConnection conn, List<String> statements) {
        return Multi.createFrom().iterable(statements)
                .onItem().transformToUniAndConcatenate(s -> conn.query(s).execute())
                .collect().last().replaceWithVoid();
    }

    /** Splits on semicolons that end a line; comment lines are dropped. Enough for plain DDL. */
    static List<String> statements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static String read(String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration " + resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
