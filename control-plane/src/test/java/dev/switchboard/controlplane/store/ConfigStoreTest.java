package dev.switchboard.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.controlplane.support.Admin;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema is versioned and applied once; every revision is kept with its whole config. */
@QuarkusTest
class ConfigStoreTest {

    @Inject
    Migrations migrations;

    @Inject
    Pool pool;

    @Test
    void migrationsRunOnceAndAreRecorded() {
        assertEquals(0, migrations.migrate().await().atMost(Duration.ofSeconds(30)));
        List<String> applied = new ArrayList<>();
        for (Row row : pool.query("select version, file from schema_version order by version").execute().await()
                .atMost(Duration.ofSeconds(10))) {
            applied.add(row.getInteger("version") + " " + row.getString("file"));
        }
        assertEquals(List.of("1 V1__config_store.sql", "2 V2__name_search.sql"), applied);
    }

    @Test
    void everyRevisionIsKeptWithItsWholeConfigAndTheHeadMatches() {
        Admin.reset();
        Admin.post("/admin/v1/users", "{\"name\": \"kept\"}").then().statusCode(201);
        long head = Admin.head();

        Row row = pool.query("select (select revision from config_head) as head, count(*) as n, max(revision) as top,"
                + " min(revision) as first from revisions").execute().await().atMost(Duration.ofSeconds(10))
                .iterator().next();

        assertEquals(head, row.getLong("head"));
        assertEquals(head, row.getLong("top"));
        assertEquals(1, row.getLong("first"));
        assertEquals(head, row.getLong("n"));
        String config = pool.query("select config from revisions where revision = " + head).execute().await()
                .atMost(Duration.ofSeconds(10)).iterator().next().getString("config");
        assertEquals(true, config.contains("\"name\":\"kept\""));
    }
}
