package dev.switchboard.controlplane.support;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The admin API as the tests call it: authenticated with the bootstrap token, every response body kept for scans. */
public final class Admin {

    public static final ObjectMapper JSON = new ObjectMapper();

    /** Bodies of every response the tests got, for the secrets scan. */
    public static final List<String> RESPONSES = Collections.synchronizedList(new ArrayList<>());

    /**
     * The config every test starts from: an account with two models, a virtual model over one, users, a team, a
     * service account, an MCP server; enough for every kind to have something to refer to.
     */
    public static final String BASE_CONFIG = """
            provider_accounts:
              - name: base
                type: openai-compatible
                base_url: http://127.0.0.1:9/v1
                models:
                  - id: chat
                  - id: spare
            virtual_models:
              - name: base-assistant
                routing_config:
                  type: priority-based-routing
                  load_balance_targets:
                    - {target: base/chat, priority: 0}
            users:
              - {name: alice, email: alice@example.com}
              - {name: bob}
            teams:
              - {name: ml, members: [alice]}
            service_accounts:
              - {name: ci}
            mcp_servers:
              - {name: base-mcp, url: http://127.0.0.1:9/mcp}
            """;

    private Admin() {
    }

    public static RequestSpecification as(String credential) {
        return given().header("Authorization", "Bearer " + credential);
    }

    public static RequestSpecification admin() {
        return as(ControlPlaneTestStack.adminToken);
    }

    public static Response kept(Response response) {
        RESPONSES.add(response.asString());
        return response;
    }

    public static Response get(String path) {
        return kept(admin().get(path));
    }

    public static Response post(String path, String json) {
        return kept(admin().contentType("application/json").body(json).post(path));
    }

    public static Response put(String path, String json) {
        return kept(admin().contentType("application/json").body(json).put(path));
    }

    public static Response putIfMatch(String path, String etag, String json) {
        return kept(admin().contentType("application/json").header("If-Match", etag).body(json).put(path));
    }

    public static Response delete(String path) {
        return kept(admin().delete(path));
    }

    public static Response importConfig(String yaml) {
        return kept(admin().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .put("/admin/v1/config"));
    }

    /** Makes the base config current (a new revision unless it already is) and returns that revision. */
    public static long reset() {
        Response r = importConfig(BASE_CONFIG);
        r.then().statusCode(200);
        return r.jsonPath().getLong("revision");
    }

    public static long head() {
        return get("/admin/v1/revisions?limit=1").then().statusCode(200).extract().jsonPath().getLong("head");
    }

    public static JsonNode json(Response response) {
        try {
            return JSON.readTree(response.asString());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.asString(), e);
        }
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** Fails unless every field of {@code expected} (recursively) is in {@code actual} with the same value. */
    public static void assertContains(JsonNode expected, JsonNode actual, String where) {
        if (expected.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!actual.has(e.getKey())) {
                    throw new AssertionError(where + "." + e.getKey() + " is missing in " + actual);
                }
                assertContains(e.getValue(), actual.get(e.getKey()), where + "." + e.getKey());
            }
        } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                assertContains(expected.get(i), actual.get(i), where + "[" + i + "]");
            }
        } else if (expected.isNumber() && actual.isNumber()) {
            if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                throw new AssertionError(where + ": expected " + expected + ", got " + actual);
            }
        } else if (!expected.equals(actual)) {
            throw new AssertionError(where + ": expected " + expected + ", got " + actual);
        }
    }
}
