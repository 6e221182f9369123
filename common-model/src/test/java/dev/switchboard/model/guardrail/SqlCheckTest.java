package dev.switchboard.model.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.config.Guardrail;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SQL guardrail on a corpus of statements an agent might send through a SQL tool. */
class SqlCheckTest {

    private static final SqlCheck READ_ONLY = new SqlCheck(new Guardrail.SqlRule(null, null,
            List.of("secret", "pg_catalog"), List.of("salaries", "hr.employees")));
    private static final SqlCheck WRITABLE = new SqlCheck(new Guardrail.SqlRule("sql", false,
            List.of("secret"), List.of("salaries")));

    private static Check.Result check(SqlCheck check, String argument, String sql) {
        ObjectNode args = JsonNodeFactory.instance.objectNode().put(argument, sql);
        return check.check(args);
    }

    private static Check.Result readOnly(String sql) {
        return check(READ_ONLY, "query", sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1",
            "select id, name from customers where id = 42",
            "SELECT * FROM sales.orders o JOIN sales.customers c ON o.customer_id = c.id",
            "SeLeCt count(*) FrOm orders;",
            "-- monthly totals\nSELECT month, sum(total) FROM orders GROUP BY month",
            "/* a comment; with a semicolon */ SELECT 1",
            "SELECT ';DROP TABLE x' AS s",
            "WITH recent AS (SELECT * FROM orders WHERE created > now() - interval '1 day') SELECT count(*) FROM recent",
            "SELECT a FROM t1 UNION ALL SELECT a FROM t2",
            "SELECT * FROM (SELECT id FROM orders) sub",
            "SELECT \"Name\" FROM \"Public\".\"Customers\"",
            "SHOW TABLES",
            "SHOW search_path",
            "DESCRIBE orders",
            "DESC orders",
            "EXPLAIN SELECT * FROM orders",
            "SELECT 1; -- trailing comment",
    })
    void readOnlyAllows(String sql) {
        Check.Result r = readOnly(sql);
        assertEquals(Verdict.Outcome.PASS, r.outcome(), sql + " -> " + r.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO orders (id) VALUES (1)",
            "UPDATE orders SET total = 0",
            "DELETE FROM orders",
            "DROP TABLE orders",
            "drop table if exists orders",
            "TRUNCATE TABLE orders",
            "GRANT ALL ON orders TO public",
            "ALTER TABLE orders ADD COLUMN x int",
            "CREATE TABLE t (id int)",
            "MERGE INTO t USING s ON (t.id = s.id) WHEN MATCHED THEN UPDATE SET t.v = s.v",
            "SELECT * INTO backup FROM orders",
            "SELECT * FROM orders FOR UPDATE",
            "WITH gone AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM gone",
            "WITH moved AS (INSERT INTO archive SELECT * FROM orders RETURNING id) SELECT * FROM moved",
            "SET search_path TO secret",
    })
    void readOnlyRefuses(String sql) {
        Check.Result r = readOnly(sql);
        assertEquals(Verdict.Outcome.VIOLATION, r.outcome(), sql);
        assertTrue(r.reason().startsWith("read-only:") || r.reason().startsWith("not valid SQL"), r.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1; DROP TABLE orders",
            "SELECT 1;DROP TABLE orders;",
            "select 1 ; /* hidden */ delete from orders",
            "SELECT 1;\n-- then\nSELECT 2",
    })
    void chainedStatementsAreRefused(String sql) {
        Check.Result r = check(WRITABLE, "sql", sql);
        assertEquals(Verdict.Outcome.VIOLATION, r.outcome(), sql);
        assertTrue(r.reason().startsWith("more than one SQL statement in 'sql'"), r.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM salaries",
            "SELECT * FROM payroll.SALARIES",
            "SELECT * FROM \"Salaries\"",
            "SELECT * FROM secret.tokens",
            "SELECT * FROM \"SECRET\".\"tokens\"",
            "SELECT * FROM orders WHERE id IN (SELECT order_id FROM secret.audit)",
            "SELECT o.id FROM orders o JOIN hr.employees e ON e.id = o.owner",
            "WITH x AS (SELECT * FROM salaries) SELECT * FROM x",
            "SELECT * FROM pg_catalog.pg_authid",
            "DESCRIBE salaries",
    })
    void denyListedSchemasAndTablesAreRefused(String sql) {
        Check.Result r = readOnly(sql);
        assertEquals(Verdict.Outcome.VIOLATION, r.outcome(), sql);
        assertTrue(r.reason().matches("(schema|table) '.*' is denied"), r.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT * FROM employees", "SELECT * FROM public.employees", "SELECT * FROM salaries_summary",
            "SELECT salaries FROM budget"})
    void tablesOutsideTheDenyListPass(String sql) {
        assertEquals(Verdict.Outcome.PASS, readOnly(sql).outcome(), sql);
    }

    @Test
    void writableModeAllowsChangesButKeepsTheDenyList() {
        assertEquals(Verdict.Outcome.PASS, check(WRITABLE, "sql", "INSERT INTO orders (id) VALUES (1)").outcome());
        assertEquals(Verdict.Outcome.PASS, check(WRITABLE, "sql", "UPDATE orders SET total = 0 WHERE id = 1").outcome());
        assertEquals("table 'salaries' is denied", check(WRITABLE, "sql", "DELETE FROM salaries").reason());
        assertEquals("table 'salaries' is denied", check(WRITABLE, "sql", "DROP TABLE salaries").reason());
        assertEquals("schema 'secret' is denied",
                check(WRITABLE, "sql", "INSERT INTO secret.t SELECT * FROM orders").reason());
    }

    @Test
    void unparseableSqlIsAViolationNotAnError() {
        Check.Result r = readOnly("SELEKT * FROM orders");
        assertEquals(Verdict.Outcome.VIOLATION, r.outcome());
        assertEquals("not valid SQL in 'query'", r.reason());
        assertEquals("not valid SQL in 'query'", readOnly("SELECT * FROM").reason());
        assertEquals(Verdict.Outcome.VIOLATION, readOnly("").outcome());
    }

    @Test
    void theArgumentMustBeAString() {
        assertEquals("argument 'query' with the SQL is missing",
                READ_ONLY.check(JsonNodeFactory.instance.objectNode().put("sql", "SELECT 1")).reason());
        assertEquals("argument 'query' is not a string",
                READ_ONLY.check(JsonNodeFactory.instance.objectNode().put("query", 1)).reason());
        assertEquals("argument 'query' with the SQL is missing", READ_ONLY.check(null).reason());
    }
}
