package dev.switchboard.controlplane.admin;

import static dev.switchboard.controlplane.support.Admin.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.support.Admin;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kind of bad request gets its status and a problem body naming every error; none leaves anything behind. */
@QuarkusTest
class BadInputTest {

    private long base;

    @BeforeEach
    void baseConfig() {
        base = Admin.reset();
    }

    @Test
    void everyMistakeInAResourceIsReportedWithItsPath() {
        Response r = Admin.post("/admin/v1/virtual-models", """
                {"name": "vm-bad", "routing_config": {"type": "weight-based-routing", "load_balance_targets": [
                  {"target": "base/nope", "weight": 60},
                  {"target": "base/chat", "weight": 30, "priority": 1}]}}""");

        assertProblem(r, 400, """
                {"status":400,"title":"invalid input","detail":"3 errors","errors":[
                 {"path":"routing_config.load_balance_targets[0].target",
                  "message":"names no model: 'base/nope' (write <provider-account>/<model-id>)"},
                 {"path":"routing_config.load_balance_targets[1].priority",
                  "message":"applies only to priority-based-routing"},
                 {"path":"routing_config.load_balance_targets","message":"weights must sum to 100, got 90"}]}""");
        assertNothingChanged();
    }

    @Test
    void aPayloadCapOutOfRangeIsReportedAtItsField() {
        Response r = Admin.post("/admin/v1/virtual-models", """
                {"name": "vm-bad", "log_payloads": true, "log_payloads_max_bytes": 0, "routing_config": {
                  "type": "weight-based-routing", "load_balance_targets": [{"target": "base/chat", "weight": 100}]}}""");

        assertProblem(r, 400, """
                {"status":400,"title":"invalid input","detail":"1 error","errors":[
                 {"path":"log_payloads_max_bytes","message":"must be between 1 and 65536"}]}""");
        assertNothingChanged();
    }

    @Test
    void anUnknownFieldIsAnErrorNotIgnored() {
        assertProblem(Admin.post("/admin/v1/users", "{\"name\": \"dave\", \"emial\": \"dave@example.com\"}"), 400, """
                {"status":400,"title":"invalid input","detail":"1 error",
                 "errors":[{"path":"emial","message":"unknown field 'emial'"}]}""");
    }

    @Test
    void unknownFieldsAndInvalidValuesComeBackTogether() {
        assertProblem(Admin.post("/admin/v1/provider-accounts", """
                {"name": "bad name", "type": "openai-compatible", "base_url": "http://127.0.0.1:9/v1",
                 "colour": "red", "auth": {"type": "api-key", "api_key": "sk-x", "region": "eu"}}"""), 400, """
                {"status":400,"title":"invalid input","detail":"3 errors","errors":[
                 {"path":"auth.region","message":"unknown field 'region'"},
                 {"path":"colour","message":"unknown field 'colour'"},
                 {"path":"name","message":"must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (max 128)"}]}""");
        assertProblem(Admin.put("/admin/v1/provider-accounts/base/models/chat", """
                {"id": "chat", "colour": "red", "price": {"input_per_million_usd": -1}}"""), 400, """
                {"status":400,"title":"invalid input","detail":"2 errors","errors":[
                 {"path":"colour","message":"unknown field 'colour'"},
                 {"path":"price.input_per_million_usd","message":"must be >= 0"}]}""");
        assertProblem(Admin.put("/admin/v1/provider-accounts/base/models/chat", """
                {"id": "chat", "price": {"per_image_usd": -0.04, "per_audio_second_usd": -1,
                 "per_million_characters_usd": -15}}"""), 400, """
                {"status":400,"title":"invalid input","detail":"3 errors","errors":[
                 {"path":"price.per_image_usd","message":"must be >= 0"},
                 {"path":"price.per_audio_second_usd","message":"must be >= 0"},
                 {"path":"price.per_million_characters_usd","message":"must be >= 0"}]}""");
        assertProblem(Admin.importConfig("""
                users: [{name: carol, emial: c@example.com}]
                teams: [{name: t, members: [carol, dave]}]
                """), 400, """
                {"status":400,"title":"invalid input","detail":"2 errors","errors":[
                 {"path":"users[0].emial","message":"unknown field 'emial'"},
                 {"path":"teams[0].members[1]","message":"unknown user 'dave'"}]}""");
        assertNothingChanged();
    }

    @Test
    void anApiKeyOnAnAccountWithoutKeyAuthIsRefusedAndNeverStored() {
        Response r = Admin.post("/admin/v1/provider-accounts", """
                {"name": "local", "type": "openai-compatible", "base_url": "http://127.0.0.1:9/v1",
                 "auth": {"type": "none", "api_key": "sk-contradiction-1"}}""");
        assertProblem(r, 400, """
                {"status":400,"title":"invalid input","detail":"1 error","errors":[
                 {"path":"auth.api_key","message":"applies only to auth type api-key"}]}""");
        assertTrue(!r.asString().contains("sk-contradiction-1"));
        Admin.get("/admin/v1/provider-accounts/local").then().statusCode(404);
        assertNothingChanged();
    }

    @Test
    void aValueOfTheWrongTypeIsReportedAtItsField() {
        Response r = Admin.post("/admin/v1/rate-limits",
                "{\"name\": \"rl\", \"subjects\": [\"user:alice\"], \"requests\": \"many\", \"per\": \"minute\"}");
        r.then().statusCode(400);
        JsonNode error = json(r).get("errors").get(0);
        assertEquals("requests", error.get("path").asText());
        assertTrue(error.get("message").asText().contains("\"many\""), error.toString());
    }

    @Test
    void bodyThatIsNotJsonIsRefused() {
        Response r = Admin.post("/admin/v1/users", "{\"name\": ");
        r.then().statusCode(400);
        JsonNode error = json(r).get("errors").get(0);
        assertEquals("", error.get("path").asText());
        assertTrue(error.get("message").asText().startsWith("not valid JSON at line 1, column"), error.toString());
    }

    @Test
    void aReferenceToAnUnknownSubjectIsBadInput() {
        assertProblem(Admin.post("/admin/v1/api-keys", "{\"name\": \"k\", \"subject\": \"user:nobody\"}"), 400, """
                {"status":400,"title":"invalid input","detail":"1 error",
                 "errors":[{"path":"subject","message":"unknown subject 'user:nobody'"}]}""");
    }

    @Test
    void unknownResourcesAndKindsAre404() {
        assertProblem(Admin.get("/admin/v1/users/nobody"), 404,
                "{\"status\":404,\"title\":\"not found\",\"detail\":\"no user named 'nobody'\"}");
        assertProblem(Admin.put("/admin/v1/teams/nobody", "{\"members\": []}"), 404,
                "{\"status\":404,\"title\":\"not found\",\"detail\":\"no team named 'nobody'\"}");
        assertProblem(Admin.delete("/admin/v1/provider-accounts/base/models/nope"), 404,
                "{\"status\":404,\"title\":\"not found\",\"detail\":\"no model named 'base/nope'\"}");
        assertProblem(Admin.post("/admin/v1/provider-accounts/ghost/models", "{\"id\": \"m\"}"), 404,
                "{\"status\":404,\"title\":\"not found\",\"detail\":\"no provider account named 'ghost'\"}");
        Response kind = Admin.get("/admin/v1/widgets");
        kind.then().statusCode(404);
        assertTrue(json(kind).get("detail").asText().startsWith("no resource kind 'widgets'; the kinds are"));
        assertNothingChanged();
    }

    @Test
    void aTakenNameIsAConflict() {
        assertProblem(Admin.post("/admin/v1/users", "{\"name\": \"alice\"}"), 409,
                "{\"status\":409,\"title\":\"conflict\",\"detail\":\"a user named 'alice' already exists\"}");
        assertProblem(Admin.post("/admin/v1/provider-accounts/base/models", "{\"id\": \"chat\"}"), 409,
                "{\"status\":409,\"title\":\"conflict\","
                        + "\"detail\":\"the provider account 'base' already has a model 'chat'\"}");
        assertNothingChanged();
    }

    @Test
    void aStaleIfMatchIsAConflictAndChangesNothing() {
        String read = Admin.get("/admin/v1/users/alice").header("ETag");
        Response first = Admin.putIfMatch("/admin/v1/users/alice", read, "{\"email\": \"alice@new.example.com\"}");
        first.then().statusCode(200);
        String now = first.header("ETag");

        assertProblem(Admin.putIfMatch("/admin/v1/users/alice", read, "{\"email\": \"alice@old.example.com\"}"), 409,
                "{\"status\":409,\"title\":\"conflict\",\"detail\":\"the user 'alice' has changed since you read it:"
                        + " If-Match " + quoted(read) + ", current ETag " + quoted(now) + "; read it again and retry\"}");
        Response stale = Admin.kept(Admin.admin().header("If-Match", "\"0\"").delete("/admin/v1/users/bob"));
        stale.then().statusCode(409);

        assertEquals("alice@new.example.com", json(Admin.get("/admin/v1/users/alice")).get("email").asText());
        Admin.get("/admin/v1/users/bob").then().statusCode(200);
        assertEquals(base + 1, Admin.head());
        Admin.kept(Admin.admin().header("If-Match", "*").contentType("application/json")
                .body("{\"email\": \"a@example.com\"}").put("/admin/v1/users/alice")).then().statusCode(200);
        Admin.kept(Admin.admin().header("If-Match", "W/" + now + ", \"1\"").contentType("application/json")
                .body("{}").put("/admin/v1/users/bob")).then().statusCode(409);
    }

    @Test
    void deletingAModelAVirtualModelUsesIs422AndKeepsEverything() {
        assertProblem(Admin.delete("/admin/v1/provider-accounts/base/models/chat"), 422, """
                {"status":422,"title":"change would break references",
                 "detail":"1 error in other resources; their paths are paths in the whole config",
                 "errors":[{"path":"virtual_models[0].routing_config.load_balance_targets[0].target",
                            "message":"names no model: 'base/chat' (write <provider-account>/<model-id>)"}]}""");
        Admin.get("/admin/v1/provider-accounts/base/models/chat").then().statusCode(200);
        assertNothingChanged();
    }

    @Test
    void deletingAUserATeamAndAKeyNameIs422() {
        Admin.post("/admin/v1/api-keys", "{\"name\": \"alice-key\", \"subject\": \"user:alice\"}").then().statusCode(201);
        long before = Admin.head();

        assertProblem(Admin.delete("/admin/v1/users/alice"), 422, """
                {"status":422,"title":"change would break references",
                 "detail":"2 errors in other resources; their paths are paths in the whole config",
                 "errors":[{"path":"teams[0].members[0]","message":"unknown user 'alice'"},
                           {"path":"api_keys[0].subject","message":"unknown subject 'user:alice'"}]}""");
        assertEquals(before, Admin.head());
    }

    @Test
    void anUpdateThatDropsModelsOthersUseIs422() {
        Response r = Admin.put("/admin/v1/provider-accounts/base",
                "{\"type\": \"openai-compatible\", \"base_url\": \"http://127.0.0.1:9/v1\", \"models\": []}");
        r.then().statusCode(422);
        assertEquals("virtual_models[0].routing_config.load_balance_targets[0].target",
                json(r).get("errors").get(0).get("path").asText());
        assertNothingChanged();
    }

    @Test
    void theNameInTheBodyMustBeTheOneInTheUrl() {
        assertProblem(Admin.put("/admin/v1/users/alice", "{\"name\": \"alicia\"}"), 400, """
                {"status":400,"title":"invalid input","detail":"1 error","errors":[{"path":"name",
                 "message":"must be 'alice', the name in the URL (to rename, create the new one and delete the old)"}]}""");
    }

    @Test
    void anInvalidImportIsRefusedWholeWithEveryError() {
        String exportBefore = Admin.get("/admin/v1/config").asString();

        assertProblem(Admin.importConfig("""
                users: [{name: carol}]
                teams: [{name: t, members: [carol, dave]}]
                access_rules: [{subjects: [user:carol], models: [base/chat]}]
                """), 400, """
                {"status":400,"title":"invalid input","detail":"2 errors","errors":[
                 {"path":"teams[0].members[1]","message":"unknown user 'dave'"},
                 {"path":"access_rules[0].models[0]","message":"names no model or virtual model: 'base/chat'"}]}""");

        assertEquals(exportBefore, Admin.get("/admin/v1/config").asString());
        assertNothingChanged();
    }

    @Test
    void aLimitOutOfRangeIsBadInput() {
        assertProblem(Admin.get("/admin/v1/users?limit=0"), 400, """
                {"status":400,"title":"invalid input","detail":"1 error",
                 "errors":[{"path":"limit","message":"must be between 1 and 1000"}]}""");
    }

    private static String quoted(String etag) {
        return etag.replace("\"", "\\\"");
    }

    private void assertNothingChanged() {
        assertEquals(base, Admin.head(), "a refused change must not commit a revision");
    }

    private static void assertProblem(Response r, int status, String expected) {
        assertEquals(status, r.statusCode(), r.asString());
        assertEquals("application/problem+json", r.contentType());
        assertEquals(json(expected), json(r));
    }
}
