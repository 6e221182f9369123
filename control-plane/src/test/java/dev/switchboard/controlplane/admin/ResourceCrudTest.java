package dev.switchboard.controlplane.admin;

import static dev.switchboard.controlplane.support.Admin.assertContains;
import static dev.switchboard.controlplane.support.Admin.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.support.Admin;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Create, read, list, update and delete work the same for every kind, each change one revision. */
@QuarkusTest
class ResourceCrudTest {

    @BeforeEach
    void baseConfig() {
        Admin.reset();
    }

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("/admin/v1/provider-accounts", "acct-x",
                        "{\"name\":\"acct-x\",\"type\":\"openai-compatible\",\"base_url\":\"http://127.0.0.1:9/v1\"}",
                        "{\"type\":\"openai-compatible\",\"base_url\":\"http://127.0.0.1:10/v1\","
                                + "\"timeouts\":{\"connect_ms\":1000}}"),
                Arguments.of("/admin/v1/provider-accounts/base/models", "meta/llama-3.1-8b-instruct",
                        "{\"id\":\"meta/llama-3.1-8b-instruct\"}",
                        "{\"type\":\"chat\",\"price\":{\"input_per_million_usd\":0.5,\"output_per_million_usd\":1.5},"
                                + "\"log_payloads\":true,\"log_payloads_max_bytes\":4096}"),
                Arguments.of("/admin/v1/virtual-models", "vm-x",
                        "{\"name\":\"vm-x\",\"routing_config\":{\"type\":\"weight-based-routing\","
                                + "\"load_balance_targets\":[{\"target\":\"base/chat\",\"weight\":100}]}}",
                        "{\"description\":\"now two targets\",\"log_payloads\":true,"
                                + "\"routing_config\":{\"type\":\"weight-based-routing\","
                                + "\"load_balance_targets\":[{\"target\":\"base/chat\",\"weight\":70},"
                                + "{\"target\":\"base/spare\",\"weight\":30}]}}"),
                Arguments.of("/admin/v1/identity-providers", "idp-x",
                        "{\"name\":\"idp-x\",\"issuer\":\"https://idp-x.example.com/\",\"audiences\":[\"sb\"],"
                                + "\"jwks_url\":\"https://idp-x.example.com/jwks\"}",
                        "{\"issuer\":\"https://idp-x.example.com/\",\"audiences\":[\"sb\",\"other\"],"
                                + "\"jwks_url\":\"https://idp-x.example.com/jwks\",\"jwks_refresh_seconds\":60}"),
                Arguments.of("/admin/v1/users", "carol", "{\"name\":\"carol\",\"email\":\"carol@example.com\"}",
                        "{\"email\":\"carol@corp.example.com\"}"),
                Arguments.of("/admin/v1/teams", "team-x", "{\"name\":\"team-x\",\"members\":[\"alice\"]}",
                        "{\"members\":[\"alice\",\"bob\"]}"),
                Arguments.of("/admin/v1/service-accounts", "sa-x", "{\"name\":\"sa-x\"}",
                        "{\"description\":\"nightly jobs\"}"),
                Arguments.of("/admin/v1/api-keys", "key-x", "{\"name\":\"key-x\",\"subject\":\"user:alice\"}",
                        "{\"subject\":\"user:alice\",\"disabled\":true,\"expires_at\":\"2030-01-01T00:00:00Z\"}"),
                Arguments.of("/admin/v1/access-rules", "rule-x",
                        "{\"name\":\"rule-x\",\"subjects\":[\"user:alice\"],\"models\":[\"base/chat\"]}",
                        "{\"subjects\":[\"user:alice\",\"team:ml\"],\"models\":[\"base/*\",\"base-assistant\"]}"),
                Arguments.of("/admin/v1/rate-limits", "rl-x",
                        "{\"name\":\"rl-x\",\"subjects\":[\"user:alice\"],\"requests\":10,\"per\":\"minute\"}",
                        "{\"subjects\":[\"user:alice\"],\"requests\":20,\"tokens\":5000,\"per\":\"hour\"}"),
                Arguments.of("/admin/v1/budgets", "budget-x",
                        "{\"name\":\"budget-x\",\"subjects\":[\"service_account:ci\"],\"limit_usd\":5,\"per\":\"day\"}",
                        "{\"subjects\":[\"service_account:ci\"],\"limit_usd\":7.5,\"per\":\"month\"}"),
                Arguments.of("/admin/v1/mcp-servers", "mcp-x",
                        "{\"name\":\"mcp-x\",\"url\":\"http://127.0.0.1:9/other/mcp\"}",
                        "{\"url\":\"http://127.0.0.1:9/other/mcp\",\"description\":\"the other one\"}"),
                Arguments.of("/admin/v1/virtual-mcp-servers", "vmcp-x",
                        "{\"name\":\"vmcp-x\",\"tools\":[\"base-mcp/search\"]}",
                        "{\"tools\":[\"base-mcp/search\",\"base-mcp/fetch\"]}"),
                Arguments.of("/admin/v1/tool-policies", "tp-x",
                        "{\"name\":\"tp-x\",\"subjects\":[\"team:ml\"],\"server\":\"base-mcp\",\"allow\":[\"search\"]}",
                        "{\"subjects\":[\"team:ml\"],\"server\":\"base-mcp\",\"deny\":[\"delete\"],"
                                + "\"require_approval\":[\"write\"]}"),
                Arguments.of("/admin/v1/guardrails", "g-x",
                        "{\"name\":\"g-x\",\"type\":\"regex\",\"hooks\":[\"llm_input\"],"
                                + "\"regex\":{\"deny\":[\"\\\\d{16}\"],\"redact\":\"mask\"}}",
                        "{\"type\":\"webhook\",\"mode\":\"enforce_but_ignore_on_error\","
                                + "\"hooks\":[\"llm_input\",\"mcp_pre_tool\"],\"models\":[\"base/*\"],"
                                + "\"mcp_servers\":[\"base-mcp\"],\"subjects\":[\"team:ml\"],"
                                + "\"webhook\":{\"url\":\"http://127.0.0.1:9/verdict\",\"timeout_ms\":500,"
                                + "\"token\":{\"env\":\"GUARDRAIL_WEBHOOK_TOKEN\"}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void createReadListUpdateDeleteEachBumpTheRevision(String collection, String name, String create, String update) {
        long start = Admin.head();

        Response created = Admin.post(collection, create);
        created.then().statusCode(201);
        assertEquals(start + 1, Long.parseLong(created.header("Switchboard-Revision")));
        assertEquals("\"" + (start + 1) + "\"", created.header("ETag"));
        assertTrue(created.header("Location").endsWith(collection + "/" + name), created.header("Location"));
        assertContains(json(create), json(created), "created");

        String item = collection + "/" + name;
        Response read = Admin.get(item);
        read.then().statusCode(200);
        assertEquals(created.header("ETag"), read.header("ETag"));
        assertContains(json(create), json(read), "read");

        List<String> listed = names(Admin.get(collection).then().statusCode(200).extract().response(), collection);
        assertTrue(listed.contains(name), listed.toString());

        Response updated = Admin.putIfMatch(item, read.header("ETag"), update);
        updated.then().statusCode(200);
        assertEquals("\"" + (start + 2) + "\"", updated.header("ETag"));
        assertContains(json(update), json(updated), "updated");
        Response reread = Admin.get(item);
        assertContains(json(update), json(reread), "re-read");
        assertNotEquals(read.header("ETag"), reread.header("ETag"));

        Admin.delete(item).then().statusCode(204).header("Switchboard-Revision", String.valueOf(start + 3));
        Admin.get(item).then().statusCode(404).contentType("application/problem+json");
        assertEquals(start + 3, Admin.head());

        List<JsonNode> log = new ArrayList<>();
        Admin.json(Admin.get("/admin/v1/revisions?limit=3")).get("items").forEach(log::add);
        assertEquals(List.of("delete", "update", "create"),
                log.stream().map(e -> e.get("summary").asText().split(" ")[0]).toList());
        log.forEach(e -> assertEquals("admin-token", e.get("author").asText()));
    }

    private static List<String> names(Response listed, String collection) {
        String field = collection.endsWith("/models") ? "id" : "name";
        List<String> out = new ArrayList<>();
        json(listed).get("items").forEach(i -> out.add(i.get(field).asText()));
        return out;
    }
}
