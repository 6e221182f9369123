package dev.switchboard.controlplane.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's gate over HTTP: sign-in, the session cookie's flags, CSRF, origin, roles, the security headers. */
@QuarkusTest
class ConsoleSecurityTest {

    private static final Pattern CSRF = Pattern.compile("\"X-CSRF-Token\": \"([^\"]+)\"");

    @BeforeEach
    void baseConfig() {
        Admin.reset();
    }

    @Test
    void aPageWithoutASessionGoesToTheSignInPage() {
        given().redirects().follow(false).get("/console/config").then().statusCode(303)
                .header("Location", containsString("/console/sign-in"));
        given().header("HX-Request", "true").get("/console/config").then().statusCode(401)
                .header("HX-Redirect", "/console/sign-in");
    }

    @Test
    void theSessionCookieIsHttpOnlySameSiteStrictAndOnlyForTheConsole() {
        Response signIn = signIn(ControlPlaneTestStack.adminToken);
        signIn.then().statusCode(303).header("Location", containsString("/console/overview"));
        String setCookie = signIn.getHeader("Set-Cookie");
        assertTrue(setCookie.startsWith(SessionCookies.NAME + "="), setCookie);
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
        assertTrue(setCookie.contains("Path=/console"), setCookie);
        assertFalse(setCookie.contains(ControlPlaneTestStack.adminToken), "the cookie never holds the credential");
        // served over plain HTTP in the tests: Secure would make the browser drop it
        assertFalse(setCookie.contains("Secure"), setCookie);
    }

    @Test
    void aWrongCredentialIsRefusedWithoutEchoingIt() {
        String wrong = "sb-admin-wrong-credential-6d1f";
        Response r = signIn(wrong);
        r.then().statusCode(401);
        assertFalse(r.asString().contains(wrong));
        assertTrue(r.getHeader("Set-Cookie") == null);
    }

    @Test
    void aChangeWithoutTheSessionsCsrfTokenIsRefused() {
        String cookie = cookie(signIn(ControlPlaneTestStack.adminToken));
        long head = Admin.head();
        given().cookie(SessionCookies.NAME, cookie).contentType(ContentType.URLENC)
                .formParams(Map.of("yaml", "users: []", "base", String.valueOf(head)))
                .post("/console/config/apply").then().statusCode(403).body(containsString("CSRF"));
        given().cookie(SessionCookies.NAME, cookie).header(ConsoleFilters.CSRF_HEADER, "forged")
                .contentType(ContentType.URLENC).formParams(Map.of("yaml", "users: []", "base", String.valueOf(head)))
                .post("/console/config/apply").then().statusCode(403);
        assertEquals(head, Admin.head());
    }

    @Test
    void aFormPostedWithoutScriptCarriesTheTokenInItsCsrfField() {
        String cookie = cookie(signIn(ControlPlaneTestStack.adminToken));
        long head = Admin.head();
        Map<String, String> key = Map.of("name", "no-script", "subject", "service_account:ci");
        given().cookie(SessionCookies.NAME, cookie).contentType(ContentType.URLENC).formParams(key)
                .formParam(ConsoleFilters.CSRF_FIELD, "forged").post("/console/resources/api-keys/new")
                .then().statusCode(403).body(containsString("CSRF"));
        assertEquals(head, Admin.head());

        Response created = given().cookie(SessionCookies.NAME, cookie).contentType(ContentType.URLENC)
                .formParams(key).formParam(ConsoleFilters.CSRF_FIELD, csrf(cookie))
                .post("/console/resources/api-keys/new");
        created.then().statusCode(201).body(containsString("id=\"new-key\""));
        assertEquals(head + 1, Admin.head());
        assertEquals("service_account:ci", Admin.get("/admin/v1/api-keys/no-script").jsonPath().getString("subject"));
    }

    @Test
    void withoutScriptAddTargetAnswersTheFormWithARowMoreAndSavesNothing() {
        String cookie = cookie(signIn(ControlPlaneTestStack.adminToken));
        long head = Admin.head();
        Response r = given().cookie(SessionCookies.NAME, cookie).contentType(ContentType.URLENC)
                .formParam(ConsoleFilters.CSRF_FIELD, csrf(cookie)).formParam("version", String.valueOf(head))
                .formParam("name", "base-assistant").formParam("routing_config.type", "weight-based-routing")
                .formParam("target", "base/chat").formParam("weight", "60").formParam("priority", "")
                .formParam("row", "add").post("/console/resources/virtual-models/base-assistant/form");
        r.then().statusCode(200);
        String html = r.asString();
        assertTrue(html.contains("id=\"target-1\""), "a blank second row");
        assertTrue(html.contains("<option value=\"weight-based-routing\" selected>"), "the routing as chosen");
        assertTrue(html.contains("id=\"weight-0\" name=\"weight\" type=\"number\" step=\"1\" value=\"60\""),
                "the weight as typed");
        assertEquals(head, Admin.head(), "nothing saved");
    }

    @Test
    void aChangeFromAnotherOriginIsRefusedEvenWithTheToken() {
        String cookie = cookie(signIn(ControlPlaneTestStack.adminToken));
        String csrf = csrf(cookie);
        long head = Admin.head();
        given().cookie(SessionCookies.NAME, cookie).header(ConsoleFilters.CSRF_HEADER, csrf)
                .header("Origin", "https://evil.example").contentType(ContentType.URLENC)
                .formParams(Map.of("yaml", "users: []", "base", String.valueOf(head)))
                .post("/console/config/apply").then().statusCode(403).body(containsString("origin"));
        assertEquals(head, Admin.head());
    }

    @Test
    void anAdminWithTheTokenChangesTheConfigAndTheRevisionNamesThem() {
        String cookie = cookie(signIn(ControlPlaneTestStack.adminToken));
        String csrf = csrf(cookie);
        long head = Admin.head();
        String yaml = ConsoleBrowserTest.withUser(Admin.get("/admin/v1/config").asString(), "carol");
        Response r = given().cookie(SessionCookies.NAME, cookie).header(ConsoleFilters.CSRF_HEADER, csrf)
                .contentType(ContentType.URLENC).formParams(Map.of("yaml", yaml, "base", String.valueOf(head)))
                .post("/console/config/apply");
        r.then().statusCode(200).header("HX-Trigger", "config-committed");
        assertEquals(head + 1, Admin.head());
        assertEquals("admin-token", Admin.json(Admin.get("/admin/v1/revisions/" + (head + 1))).get("author").asText());
    }

    @Test
    void aViewerCannotChangeAnything() {
        String cookie = cookie(signIn(ControlPlaneTestStack.viewerToken));
        String csrf = csrf(cookie);
        long head = Admin.head();
        for (String path : List.of("/console/config/apply", "/console/config/dry-run",
                "/console/config/revisions/1/restore", "/console/approvals/00ff/decide", "/console/resources/users",
                "/console/resources/users/alice/save", "/console/resources/users/alice/delete",
                "/console/resources/models", "/console/resources/models/new",
                "/console/resources/models/base/chat/form", "/console/resources/api-keys/new")) {
            given().cookie(SessionCookies.NAME, cookie).header(ConsoleFilters.CSRF_HEADER, csrf)
                    .contentType(ContentType.URLENC).formParams(Map.of("yaml", "users: []", "base",
                            String.valueOf(head)))
                    .post(path).then().statusCode(403).body(containsString("viewer"));
        }
        assertEquals(head, Admin.head());
    }

    @Test
    void aJwtWithTheViewerRoleSignsInReadOnlyAndOneWithNeitherRoleIsRefused() {
        String viewer = ControlPlaneTestStack.idp.token(Map.of("sub", "viewer@example.com",
                "aud", ControlPlaneTestStack.AUDIENCE, "roles", List.of("switchboard-viewer")), Duration.ofMinutes(5));
        String cookie = cookie(signIn(viewer));
        given().cookie(SessionCookies.NAME, cookie).get("/console/config").then().statusCode(200)
                .body(containsString("jwt:viewer@example.com")).body(containsString("id=\"read-only\""));
        String nobody = ControlPlaneTestStack.idp.token(Map.of("sub", "nobody@example.com",
                "aud", ControlPlaneTestStack.AUDIENCE, "roles", List.of("other")), Duration.ofMinutes(5));
        signIn(nobody).then().statusCode(401);
    }

    @Test
    void everyConsoleAnswerCarriesAContentSecurityPolicyWithoutInlineScript() {
        String cookie = cookie(signIn(ControlPlaneTestStack.adminToken));
        for (String path : List.of("/console/sign-in", "/console/config", "/console/overview", "/console/mcp",
                "/console/requests", "/console/tool-calls", "/console/approvals", "/console/resources/provider-accounts",
                "/console/resources/virtual-models/base-assistant", "/console/resources/api-keys/new",
                "/console/resources/models/new", "/console/resources/provider-accounts/base",
                "/console/resources/virtual-models/base-assistant?editor=yaml", "/console/route-preview?yaml=name%3A%20x",
                "/console/route-preview?vm=base-assistant")) {
            Response r = given().cookie(SessionCookies.NAME, cookie).get(path);
            r.then().statusCode(200);
            String csp = r.getHeader("Content-Security-Policy");
            assertNotNull(csp, path);
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline")
                    && !csp.contains("unsafe-eval"), csp);
            assertEquals("DENY", r.getHeader("X-Frame-Options"));
            // no script element with a body except JSON data blocks, no on* handler attributes
            String html = r.asString();
            assertFalse(Pattern.compile("<script(?![^>]*type=\"application/json\")[^>]*>\\s*[^<\\s]").matcher(html)
                    .find(), path + " has an inline script");
            assertFalse(Pattern.compile("\\son[a-z]+=\"").matcher(html).find(), path + " has an inline handler");
        }
    }

    @Test
    void theVendoredScriptsAreServedByTheControlPlane() {
        given().get(ConsoleAssets.htmx).then().statusCode(200).body(containsString("htmx"));
        given().get(ConsoleAssets.chartjs).then().statusCode(200).body(containsString("Chart"));
        given().get("/console/assets/console.js").then().statusCode(200);
        given().get("/console/assets/console.css").then().statusCode(200);
    }

    static Response signIn(String credential) {
        return given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("credential", credential).post("/console/sign-in");
    }

    static String cookie(Response signIn) {
        signIn.then().statusCode(303);
        return signIn.getCookie(SessionCookies.NAME);
    }

    static String csrf(String cookie) {
        String html = given().cookie(SessionCookies.NAME, cookie).get("/console/config").asString();
        Matcher m = CSRF.matcher(html);
        assertTrue(m.find(), "the page names its CSRF token");
        return m.group(1);
    }
}
