package dev.switchboard.model.guardrail;

import static dev.switchboard.model.guardrail.Fixtures.compile;
import static dev.switchboard.model.guardrail.Fixtures.json;
import static dev.switchboard.model.guardrail.Fixtures.run;
import static dev.switchboard.model.guardrail.Fixtures.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.access.Principal;
import dev.switchboard.model.config.Guardrail.Hook;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sql, json_schema and permission types through the engine, and the safety of every type's reasons. */
class TypesTest {

    private static Verdict pre(Guardrails g, Principal who, String args) {
        GuardrailResult r = run(g, Hook.MCP_PRE_TOOL, GuardScope.tool(who, "warehouse", "run_query"), json(args));
        return r.verdicts().get(0);
    }

    @Test
    void sqlThroughTheEngine() {
        Guardrails g = compile("""
                - {name: ro, type: sql, hooks: [mcp_pre_tool], sql: {argument: sql, deny_tables: [hr.salaries]}}
                """);
        assertEquals(Verdict.Outcome.PASS, pre(g, user("bob"), "{\"sql\":\"select * from orders\"}").outcome());
        Verdict v = pre(g, user("bob"), "{\"sql\":\"DROP TABLE orders\"}");
        assertEquals("read-only: a Drop statement is not allowed", v.reason());
        assertTrue(v.blocked());
        assertEquals("table 'hr.salaries' is denied", pre(g, user("bob"), "{\"sql\":\"select * from HR.Salaries\"}").reason());
    }

    private static final String SCHEMA = """
            - name: query-args
              type: json_schema
              hooks: [mcp_pre_tool]
              json_schema:
                schema:
                  type: object
                  required: [query, limit]
                  additionalProperties: false
                  properties:
                    query: {type: string, maxLength: 40}
                    limit: {type: integer, minimum: 1, maximum: 1000}
                    format: {enum: [csv, json]}
            """;

    @Test
    void jsonSchemaPassesValidArguments() {
        Guardrails g = compile(SCHEMA);
        assertEquals(Verdict.Outcome.PASS, pre(g, user("bob"), "{\"query\":\"select 1\",\"limit\":10}").outcome());
        assertEquals(Verdict.Outcome.PASS,
                pre(g, user("bob"), "{\"query\":\"select 1\",\"limit\":10,\"format\":\"csv\"}").outcome());
    }

    @Test
    void jsonSchemaReportsTheFirstErrorsWithTheirPaths() {
        Guardrails g = compile(SCHEMA);
        assertEquals("arguments do not match the schema: $.limit: string found, integer expected",
                pre(g, user("bob"), "{\"query\":\"select 1\",\"limit\":\"10\"}").reason());
        assertEquals("arguments do not match the schema: $: required property 'limit' not found",
                pre(g, user("bob"), "{\"query\":\"select 1\"}").reason());
        Verdict many = pre(g, user("bob"),
                "{\"query\":5,\"limit\":0,\"format\":\"xml-secret-format\",\"extra\":1,\"more\":2}");
        assertEquals(Verdict.Outcome.VIOLATION, many.outcome());
        assertTrue(many.reason().endsWith("and 2 more"), many.reason());
        assertFalse(many.reason().contains("xml-secret-format"), many.reason());
    }

    @Test
    void jsonSchemaHonoursAnOlderDraftAndNeverFetchesRemoteReferences() {
        Guardrails g = compile("""
                - name: d7
                  type: json_schema
                  hooks: [mcp_pre_tool]
                  json_schema: {schema: {$schema: "http://json-schema.org/draft-07/schema#", type: object,
                                         properties: {n: {type: integer, exclusiveMinimum: 0}}}}
                """);
        assertEquals(Verdict.Outcome.PASS, pre(g, user("bob"), "{\"n\":1}").outcome());
        assertEquals(Verdict.Outcome.VIOLATION, pre(g, user("bob"), "{\"n\":0}").outcome());
        String remote = GuardrailSpec.problems(Fixtures.config("""
                - {name: r, type: json_schema, hooks: [mcp_pre_tool],
                   json_schema: {schema: {$ref: "https://schemas.example.com/args.json"}}}
                """).guardrails().get(0)).toString();
        assertTrue(remote.contains("json_schema.schema: not a valid JSON Schema"), remote);
    }

    @Test
    void permissionLimitsWhoMayCall() {
        Guardrails g = compile("""
                - {name: dba-only, type: permission, hooks: [mcp_pre_tool], permission: {subjects: [team:dba, user:bob]}}
                """);
        assertEquals(Verdict.Outcome.PASS, pre(g, user("bob"), "{}").outcome());
        assertEquals(Verdict.Outcome.PASS, pre(g, user("carol", "dba"), "{}").outcome());
        Verdict refused = pre(g, user("alice"), "{}");
        assertEquals("user:alice is not permitted to make this call", refused.reason());
        assertTrue(refused.blocked());
        assertEquals("an anonymous caller is not permitted to make this call", pre(g, null, "{}").reason());
    }

    @Test
    void permissionConstrainsArguments() {
        Guardrails g = compile("""
                - name: prod-limits
                  type: permission
                  hooks: [mcp_pre_tool]
                  permission:
                    arguments:
                      env: {allowed: [staging, dev]}
                      region: {pattern: 'eu-[a-z]+-\\d'}
                      limit: {allowed: ['10', '100'], pattern: '\\d+'}
                """);
        assertEquals(Verdict.Outcome.PASS,
                pre(g, user("bob"), "{\"env\":\"dev\",\"region\":\"eu-west-1\",\"limit\":100}").outcome());
        assertEquals("argument 'env' is not one of the allowed values",
                pre(g, user("bob"), "{\"env\":\"production\",\"region\":\"eu-west-1\",\"limit\":10}").reason());
        assertEquals("argument 'region' does not match the required pattern",
                pre(g, user("bob"), "{\"env\":\"dev\",\"region\":\"us-east-1\",\"limit\":10}").reason());
        assertEquals("argument 'region' does not match the required pattern",
                pre(g, user("bob"), "{\"env\":\"dev\",\"region\":\"xeu-west-1\",\"limit\":10}").reason());
        assertEquals("argument 'limit' is not one of the allowed values",
                pre(g, user("bob"), "{\"env\":\"dev\",\"region\":\"eu-west-1\",\"limit\":11}").reason());
        assertEquals("argument 'env' is required",
                pre(g, user("bob"), "{\"region\":\"eu-west-1\",\"limit\":10}").reason());
        assertEquals("argument 'env' must be a single value",
                pre(g, user("bob"), "{\"env\":[\"dev\"],\"region\":\"eu-west-1\",\"limit\":10}").reason());
    }

    @Test
    void noReasonQuotesTheSensitiveValue() {
        List<String> values = List.of("bob@example.com", "+44 20 7946 0958", "4111 1111 1111 1111",
                "DE89 3704 0044 0532 0130 00", "123-45-6789", "AKIAIOSFODNN7EXAMPLE",
                "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "Xq3vT9zLm2Rb7Kc4Wp8Ny1Hd6Gf5Js0A",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "production", "us-east-1");
        StringBuilder args = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            args.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":\"").append(values.get(i)).append("\"");
        }
        args.append(",\"env\":\"production\",\"region\":\"us-east-1\"}");
        for (String mode : List.of("enforce", "audit")) {
            Guardrails g = compile("""
                    - {name: pii, type: pii, mode: %1$s, hooks: [mcp_pre_tool], pii: {}}
                    - {name: pii-masked, type: pii, mode: %1$s, hooks: [mcp_pre_tool], pii: {redact: mask}}
                    - {name: secrets, type: secrets, mode: %1$s, hooks: [mcp_pre_tool], secrets: {}}
                    - {name: words, type: regex, mode: %1$s, hooks: [mcp_pre_tool], regex: {deny: ['prod\\w+']}}
                    - {name: env, type: permission, mode: %1$s, hooks: [mcp_pre_tool],
                       permission: {arguments: {env: {allowed: [dev]}}}}
                    - {name: region, type: permission, mode: %1$s, hooks: [mcp_pre_tool],
                       permission: {arguments: {region: {pattern: 'eu-.*'}}}}
                    - {name: schema, type: json_schema, mode: %1$s, hooks: [mcp_pre_tool],
                       json_schema: {schema: {properties: {env: {const: dev}, region: {pattern: '^eu-'},
                                                           f1: {format: email, maxLength: 3}}}}}
                    """.formatted(mode));
            GuardrailResult r = run(g, Hook.MCP_PRE_TOOL, GuardScope.tool(user("bob"), "warehouse", "q"),
                    json(args.toString()));
            if (mode.equals("audit")) {
                assertEquals(7, r.verdicts().size());
            }
            for (Verdict v : r.verdicts()) {
                assertEquals(Verdict.Outcome.VIOLATION, v.outcome(), v.toString());
                for (String value : values) {
                    assertFalse(v.reason().contains(value), v.guardrail() + " quotes " + value + ": " + v.reason());
                }
            }
        }
    }

    /** Deeper than any parser lets through, to make the walk fail: the failure is a verdict, not an exception. */
    @Test
    void aFailingCheckIsAVerdictNotAnException() {
        Guardrails g = compile("""
                - {name: deep, type: pii, hooks: [mcp_pre_tool], pii: {}}
                """);
        com.fasterxml.jackson.databind.JsonNode node = com.fasterxml.jackson.databind.node.TextNode.valueOf("x");
        for (int i = 0; i < 100_000; i++) {
            node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(node);
        }
        GuardrailResult r = run(g, Hook.MCP_PRE_TOOL, GuardScope.tool(user("bob"), "warehouse", "q"), node);
        assertEquals(Verdict.Outcome.ERROR, r.verdicts().get(0).outcome());
        assertEquals("failed: StackOverflowError", r.verdicts().get(0).reason());
        assertTrue(r.blocked());
    }
}
