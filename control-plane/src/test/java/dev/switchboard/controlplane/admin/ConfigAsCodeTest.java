package dev.switchboard.controlplane.admin;

import static dev.switchboard.controlplane.support.Admin.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.testsupport.DocExamples;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole config as YAML: export, import with a dry run and a diff, revisions, restore. */
@QuarkusTest
class ConfigAsCodeTest {

    private static final String EXAMPLE = DocExamples.completeExample("configuration.md");

    @BeforeEach
    void baseConfig() {
        Admin.reset();
    }

    @Test
    void aDryRunShowsTheDiffAndAppliesNothing() {
        long before = Admin.head();
        String exportBefore = Admin.get("/admin/v1/config").asString();

        Response dry = Admin.kept(Admin.admin().contentType("application/yaml").body(EXAMPLE.getBytes())
                .queryParam("dryRun", true).put("/admin/v1/config"));

        dry.then().statusCode(200);
        JsonNode body = json(dry);
        assertTrue(body.get("dry_run").asBoolean());
        assertFalse(body.get("applied").asBoolean());
        assertEquals(before, body.get("revision").asLong());
        List<String> changes = new ArrayList<>();
        body.get("changes").forEach(c -> changes.add(c.get("op").asText() + " " + c.get("kind").asText() + "/"
                + c.get("name").asText()));
        assertTrue(changes.contains("created provider_accounts/openai-main"), changes.toString());
        assertTrue(changes.contains("created models/local-vllm/meta/llama-3.1-8b-instruct"), changes.toString());
        assertTrue(changes.contains("deleted provider_accounts/base"), changes.toString());
        assertTrue(changes.contains("updated users/bob"), changes.toString());
        assertEquals(before, Admin.head());
        assertEquals(exportBefore, Admin.get("/admin/v1/config").asString());
    }

    @Test
    void anAppliedImportIsOneRevisionAndItsExportImportsAsNoChange() {
        long before = Admin.head();

        Response applied = Admin.importConfig(EXAMPLE);

        applied.then().statusCode(200).header("Switchboard-Revision", String.valueOf(before + 1));
        assertTrue(json(applied).get("applied").asBoolean());
        Response export = Admin.get("/admin/v1/config");
        export.then().statusCode(200).contentType("application/yaml").header("ETag", "\"" + (before + 1) + "\"");
        assertEquals(ConfigCodec.readYaml(EXAMPLE), ConfigCodec.readYaml(export.asString()));

        Response again = Admin.importConfig(export.asString());
        again.then().statusCode(200);
        assertFalse(json(again).get("applied").asBoolean());
        assertEquals(0, json(again).get("changes").size());
        assertEquals(before + 1, Admin.head());
        assertEquals(ConfigCodec.readYaml(EXAMPLE),
                ConfigCodec.readJson(Admin.get("/admin/v1/config?format=json").asString()));
    }

    @Test
    void anImportAgainstAStaleRevisionIsAConflict() {
        String etag = Admin.get("/admin/v1/config").header("ETag");
        Admin.post("/admin/v1/users", "{\"name\": \"carol\"}").then().statusCode(201);

        Response r = Admin.kept(Admin.admin().contentType("application/yaml").header("If-Match", etag)
                .body(EXAMPLE.getBytes()).put("/admin/v1/config"));

        r.then().statusCode(409);
        Admin.get("/admin/v1/users/carol").then().statusCode(200);
    }

    @Test
    void theDiffOfARevisionNamesEachChangedField() {
        Admin.importConfig(EXAMPLE).then().statusCode(200);
        Response vm = Admin.get("/admin/v1/virtual-models/eval-split");
        String changed = vm.asString().replace("\"weight\":80", "\"weight\":70").replace("\"weight\":20", "\"weight\":30");
        long revision = Long.parseLong(Admin.putIfMatch("/admin/v1/virtual-models/eval-split", vm.header("ETag"),
                changed).then().statusCode(200).extract().header("ETag").replace("\"", ""));

        JsonNode diff = json(Admin.get("/admin/v1/revisions/" + revision + "/diff"));

        assertEquals(json("""
                {"revision": %d, "base_revision": %d, "changes": [
                  {"op": "updated", "kind": "virtual_models", "name": "eval-split", "fields": [
                    {"path": "routing_config.load_balance_targets[0].weight", "before": 80, "after": 70},
                    {"path": "routing_config.load_balance_targets[1].weight", "before": 20, "after": 30}]}]}"""
                .formatted(revision, revision - 1)), diff);
        JsonNode entry = json(Admin.get("/admin/v1/revisions/" + revision));
        assertEquals("update virtual_models/eval-split", entry.get("summary").asText());
        assertEquals("admin-token", entry.get("author").asText());
        assertEquals(json("[{\"op\":\"updated\",\"kind\":\"virtual_models\",\"name\":\"eval-split\"}]"),
                entry.get("changes"));
    }

    @Test
    void restoringARevisionMakesItsConfigCurrentAsANewRevision() {
        long base = Admin.head();
        String baseExport = Admin.get("/admin/v1/config").asString();
        Admin.importConfig(EXAMPLE).then().statusCode(200);
        Admin.delete("/admin/v1/rate-limits/bob-per-minute").then().statusCode(204);
        long head = Admin.head();

        Response restored = Admin.kept(Admin.admin().header("If-Match", "\"" + head + "\"")
                .post("/admin/v1/revisions/" + base + "/restore"));

        restored.then().statusCode(200);
        assertEquals(head + 1, json(restored).get("revision").asLong());
        assertEquals(head + 1, Admin.head());
        assertEquals(ConfigCodec.readYaml(baseExport), ConfigCodec.readYaml(Admin.get("/admin/v1/config").asString()));
        assertEquals(ConfigCodec.readYaml(baseExport),
                ConfigCodec.readYaml(Admin.get("/admin/v1/revisions/" + base + "/config").asString()));
        JsonNode log = json(Admin.get("/admin/v1/revisions?limit=3"));
        assertEquals(head + 1, log.get("head").asLong());
        assertEquals("restore revision " + base, log.at("/items/0/summary").asText());
        assertEquals("delete rate_limits/bob-per-minute", log.at("/items/1/summary").asText());
        assertEquals(head - 1, log.get("next_before").asLong(), "the next page starts below the third entry");
        Admin.kept(Admin.admin().post("/admin/v1/revisions/999999/restore")).then().statusCode(404);
    }

    @Test
    void revisionOneIsTheBootstrapFileImportedAtStart() throws Exception {
        JsonNode first = json(Admin.get("/admin/v1/revisions/1"));
        assertEquals("bootstrap", first.get("author").asText());
        assertEquals("bootstrap from switchboard.yaml", first.get("summary").asText());
        assertEquals(ConfigCodec.readYaml(Files.readString(ControlPlaneTestStack.bootstrapFile)),
                ConfigCodec.readYaml(Admin.get("/admin/v1/revisions/1/config").asString()));
    }

    @Test
    void unnamedAccessRulesGetANameOnImport() {
        Admin.importConfig(Admin.BASE_CONFIG + """
                access_rules:
                  - {subjects: [user:bob], models: [base/chat]}
                  - {name: named, subjects: [user:alice], models: ["*"]}
                """).then().statusCode(200);

        Admin.get("/admin/v1/access-rules/access-rule-1").then().statusCode(200);
        Admin.get("/admin/v1/access-rules/named").then().statusCode(200);
    }
}
