package dev.switchboard.controlplane.console;

import static dev.switchboard.teststack.Browser.open;
import static dev.switchboard.teststack.Browser.waitFor;
import static dev.switchboard.teststack.Browser.waitUntil;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.teststack.Browser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;

/**
 * Sign-in through the identity provider (OIDC authorization code with PKCE) against a fake provider that is a real
 * HTTP server: the role comes from the token's role claim, checked as the admin API checks an admin JWT.
 */
@QuarkusTest
@ExtendWith(Browser.class)
class ConsoleOidcBrowserTest {

    @TestHTTPResource("/")
    URL base;

    WebDriver driver;

    @BeforeEach
    void signedOut() {
        driver = Browser.signedOut(base.toString());
    }

    @AfterAll
    static void quit() {
        Browser.quit();
    }

    @Test
    void aViewerAndAnAdminSignInThroughTheIdentityProviderAndOut() {
        ControlPlaneTestStack.idp.signInAs(Map.of("sub", "vera@example.com", "roles", List.of("switchboard-viewer")));
        int grants = ControlPlaneTestStack.idp.tokenGrants();
        open("/console/sign-in");
        Browser.snapshot("sign-in-oidc");
        waitFor(By.id("sign-in-oidc")).click();
        waitUntil(d -> d.getCurrentUrl().endsWith("/console/overview"));
        assertEquals("viewer", waitFor(By.id("role")).getText());
        assertEquals("jwt:vera@example.com", driver.findElement(By.id("signed-in-as")).getText());
        assertEquals(grants + 1, ControlPlaneTestStack.idp.tokenGrants(), "one code exchanged");

        Map<String, String> asked = last(ControlPlaneTestStack.idp.authorizeRequests());
        assertEquals("S256", asked.get("code_challenge_method"));
        assertEquals(43, asked.get("code_challenge").length(), "a SHA-256 challenge, base64url");
        assertEquals(ControlPlaneTestStack.CONSOLE_CLIENT_ID, asked.get("client_id"));
        assertEquals(URI.create(base.toString()).resolve("/console/oidc/callback").toString(),
                asked.get("redirect_uri"));
        Cookie session = driver.manage().getCookieNamed(SessionCookies.NAME);
        assertNotNull(session);
        assertTrue(session.isHttpOnly() && "Strict".equals(session.getSameSite()), session.toString());
        assertEquals(null, driver.manage().getCookieNamed(OidcSignIn.FLOW_COOKIE), "the flow's cookie is cleared");
        assertFalse(driver.getPageSource().contains(ControlPlaneTestStack.CONSOLE_CLIENT_SECRET));

        driver.findElement(By.id("sign-out")).click();
        waitUntil(d -> d.getCurrentUrl().endsWith("/console/sign-in"));
        open("/console/overview");
        assertTrue(driver.getCurrentUrl().endsWith("/console/sign-in"), "signed out: " + driver.getCurrentUrl());

        ControlPlaneTestStack.idp.signInAs(Map.of("sub", "ada@example.com", "roles", List.of("switchboard-admin")));
        waitFor(By.id("sign-in-oidc")).click();
        waitUntil(d -> d.getCurrentUrl().endsWith("/console/overview"));
        assertEquals("admin", waitFor(By.id("role")).getText());
        assertEquals("jwt:ada@example.com", driver.findElement(By.id("signed-in-as")).getText());
        open("/console/config");
        assertNotNull(waitFor(By.id("apply")), "an admin may change");
        assertEquals(List.of(), Browser.consoleErrors(), "no script error and no CSP violation");
    }

    @Test
    void someoneWithNeitherRoleIsRefusedWithTheReason() {
        ControlPlaneTestStack.idp.signInAs(Map.of("sub", "mallory@example.com", "roles", List.of("sales")));
        open("/console/sign-in");
        waitFor(By.id("sign-in-oidc")).click();
        String error = waitFor(By.id("sign-in-error")).getText();
        assertTrue(error.contains("jwt:mallory@example.com holds neither the admin role (switchboard-admin) nor the"
                + " viewer role (switchboard-viewer)"), error);
        assertEquals(null, driver.manage().getCookieNamed(SessionCookies.NAME));
        Browser.snapshot("sign-in-oidc-refused");
    }

    @Test
    void aCallbackThatDidNotStartHereOrWhoseStateDiffersIsRefused() {
        given().redirects().follow(false).get("/console/oidc/callback?code=abc&state=xyz").then().statusCode(400)
                .body(containsString("did not start here"));
        Response start = given().redirects().follow(false).get("/console/oidc/start");
        start.then().statusCode(303);
        String flow = start.getCookie(OidcSignIn.FLOW_COOKIE);
        assertNotNull(flow);
        assertTrue(start.getDetailedCookie(OidcSignIn.FLOW_COOKIE).isHttpOnly());
        given().redirects().follow(false).cookie(OidcSignIn.FLOW_COOKIE, flow)
                .get("/console/oidc/callback?code=abc&state=not-the-state").then().statusCode(400)
                .body(containsString("state mismatch"));
        // a code the provider never issued, with the right state: the provider refuses it, nobody signs in
        String state = URI.create(start.getHeader("Location")).getQuery().replaceAll(".*(?:^|&)state=([^&]*).*", "$1");
        Response callback = given().redirects().follow(false).cookie(OidcSignIn.FLOW_COOKIE, flow)
                .get("/console/oidc/callback?code=forged&state=" + state);
        callback.then().statusCode(502).body(containsString("refused the code: invalid_grant"));
        assertEquals(null, callback.getCookie(SessionCookies.NAME));
    }

    private static Map<String, String> last(List<Map<String, String>> requests) {
        return requests.get(requests.size() - 1);
    }
}
