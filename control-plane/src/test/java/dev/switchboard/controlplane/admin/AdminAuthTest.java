package dev.switchboard.controlplane.admin;

import static dev.switchboard.controlplane.support.Admin.json;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin API takes the bootstrap token or an admin JWT; every change records who made it. */
@QuarkusTest
class AdminAuthTest {

    @Test
    void withoutACredentialItIs401() {
        Response r = given().get("/admin/v1/users");
        assertEquals(401, r.statusCode());
        assertEquals("Bearer realm=\"switchboard-admin\"", r.header("WWW-Authenticate"));
        assertEquals(json("{\"status\":401,\"title\":\"unauthorized\","
                + "\"detail\":\"send Authorization: Bearer <admin token or admin JWT>\"}"), json(r));
        given().header("Authorization", "Bearer not-the-token").get("/admin/v1/users").then().statusCode(401);
        given().header("Authorization", "Basic YWRtaW46YWRtaW4=").get("/admin/v1/users").then().statusCode(401);
    }

    @Test
    void anAdminJwtMayChangeAndIsRecordedAsTheAuthor() {
        String token = ControlPlaneTestStack.idp.token(Map.of("sub", "ops@example.com",
                "aud", ControlPlaneTestStack.AUDIENCE, "roles", List.of("viewer", ControlPlaneTestStack.ADMIN_ROLE)),
                Duration.ofMinutes(5));
        Admin.reset();

        Response created = Admin.kept(Admin.as(token).contentType("application/json")
                .body("{\"name\": \"jwt-made\"}").post("/admin/v1/service-accounts"));

        created.then().statusCode(201);
        String revision = created.header("Switchboard-Revision");
        assertEquals("jwt:ops@example.com", json(Admin.get("/admin/v1/revisions/" + revision)).get("author").asText());
    }

    @Test
    void aJwtWithoutTheRoleIs403AndABadOneIs401() {
        String viewer = ControlPlaneTestStack.idp.token(Map.of("sub", "viewer@example.com",
                "aud", ControlPlaneTestStack.AUDIENCE, "roles", List.of("viewer")), Duration.ofMinutes(5));
        Response r = Admin.as(viewer).get("/admin/v1/users");
        assertEquals(403, r.statusCode());
        assertEquals("the token's roles claim does not hold the role switchboard-admin", json(r).get("detail").asText());

        String otherAudience = ControlPlaneTestStack.idp.token(Map.of("sub", "x", "aud", "someone-else",
                "roles", List.of(ControlPlaneTestStack.ADMIN_ROLE)), Duration.ofMinutes(5));
        Admin.as(otherAudience).get("/admin/v1/users").then().statusCode(401);
        Admin.as(ControlPlaneTestStack.idp.expiredToken("a@example.com", List.of(), ControlPlaneTestStack.AUDIENCE))
                .get("/admin/v1/users").then().statusCode(401);
        Admin.as(ControlPlaneTestStack.idp.tokenSignedByUnknownKey("a@example.com", List.of(),
                ControlPlaneTestStack.AUDIENCE)).get("/admin/v1/users").then().statusCode(401);
    }

    @Test
    void theOpenApiDocumentAndHealthArePublic() {
        String openapi = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        for (String path : List.of("/admin/v1/{kind}", "/admin/v1/{kind}/{name}", "/admin/v1/config",
                "/admin/v1/revisions/{n}/restore", "/admin/v1/provider-accounts/{account}/models/{id}")) {
            assertTrue(openapi.contains("\"" + path + "\""), path + " missing from the OpenAPI document");
        }
        given().get("/q/health/ready").then().statusCode(200);
    }
}
