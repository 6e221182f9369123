package dev.switchboard.controlplane.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.teststack.LocalStack;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlLiteralsTest {

    @Test
    void quotesBackslashesAndQuotes() {
        assertEquals("'abc'", SqlLiterals.string("abc"));
        assertEquals("''", SqlLiterals.string(""));
        assertEquals("'it\\'s'", SqlLiterals.string("it's"));
        assertEquals("'a\\\\b'", SqlLiterals.string("a\\b"));
        assertEquals("'\\\\\\''", SqlLiterals.string("\\'"));
        assertEquals("'x\\' OR 1=1 --'", SqlLiterals.string("x' OR 1=1 --"));
    }

    @Test
    void refusesControlCharacters() {
        for (String bad : List.of("a\nb", "a\rb", "a\tb", "nul\0", "\u007f", "\u001b[31m")) {
            assertFalse(SqlLiterals.isQuotable(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> SqlLiterals.string(bad));
        }
        assertFalse(SqlLiterals.isQuotable(null));
        assertTrue(SqlLiterals.isQuotable("modèle/llama-3.1:8b ✓"));
    }

    @Test
    void identifiersArePlain() {
        assertTrue(SqlLiterals.isIdentifier("switchboard"));
        assertTrue(SqlLiterals.isIdentifier("sb_test_01"));
        assertTrue(SqlLiterals.isIdentifier("_x"));
        for (String bad : List.of("", "1db", "a-b", "a.b", "a b", "a`b", "x;DROP", "é")) {
            assertFalse(SqlLiterals.isIdentifier(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> SqlLiterals.identifier(bad));
        }
        assertFalse(SqlLiterals.isIdentifier("a".repeat(64)));
    }

    /** Every quoted value reads back from the real ClickHouse as exactly itself. */
    @Test
    void quotedValuesRoundTripThroughClickHouse() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        List<String> values = List.of("plain", "it's", "back\\slash", "\\'", "'; DROP DATABASE x; --", "\\\\''\\",
                "x' OR '1'='1", "ünïcødé ✓ 🚀", "{\"json\": \"text\"}", "%_*?", "\\n not a newline", "\\");
        for (String v : values) {
            String sql = "SELECT " + SqlLiterals.string(v) + " AS v FORMAT JSONEachRow";
            HttpRequest request = HttpRequest.newBuilder(URI.create(LocalStack.get().clickhouseUrl() + "/?query="
                    + URLEncoder.encode(sql, StandardCharsets.UTF_8))).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), v + ": " + response.body());
            assertEquals(v, json.readTree(response.body()).get("v").asText(), sql);
        }
    }

    @Test
    void schemaFileSplitsIntoStatementsForTheDatabase() {
        List<String> statements = ClickHouseStore.statements("clickhouse/V1__telemetry.sql", "db1");
        assertEquals(3, statements.size());
        assertEquals("CREATE DATABASE IF NOT EXISTS db1", statements.get(0));
        assertTrue(statements.get(1).startsWith("CREATE TABLE IF NOT EXISTS db1.request_logs"), statements.get(1));
        assertTrue(statements.get(2).startsWith("CREATE TABLE IF NOT EXISTS db1.tool_calls"), statements.get(2));
        statements.forEach(s -> assertFalse(s.contains("${") || s.contains(";") || s.contains("--"), s));
        assertThrows(IllegalArgumentException.class,
                () -> ClickHouseStore.statements("clickhouse/V1__telemetry.sql", "db; DROP"));
    }

    @Test
    void version2IsOneAddColumnPerStatementSoEachRunsOnlyWhenItsColumnIsMissing() {
        List<String> statements = ClickHouseStore.statements("clickhouse/V2__metadata_and_team.sql", "db1");
        assertEquals(List.of("team", "metadata_keys", "metadata_values"), statements.stream().map(s -> {
            var m = ClickHouseStore.ADD_COLUMN.matcher(s);
            assertTrue(m.matches(), s);
            assertEquals("db1", m.group(1));
            assertEquals("request_logs", m.group(2));
            return m.group(3);
        }).toList());
    }
}
