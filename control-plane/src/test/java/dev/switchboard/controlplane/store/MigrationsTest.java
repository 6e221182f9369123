package dev.switchboard.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationsTest {

    @Test
    void statementsEndWithASemicolonAtTheEndOfALineAndCommentsAreDropped() {
        assertEquals(List.of("create table t (\n  a int, -- inline\n  b text\n);", "insert into t values (1, 'x;y');"),
                Migrations.statements("""
                        -- a comment;
                        create table t (
                          a int, -- inline
                          b text
                        );

                        insert into t values (1, 'x;y');
                        """));
    }

    @Test
    void everyListedFileIsOnTheClassPath() {
        for (String file : Migrations.FILES) {
            assertEquals(true, Thread.currentThread().getContextClassLoader()
                    .getResource("db/migration/" + file) != null, file);
        }
    }
}
