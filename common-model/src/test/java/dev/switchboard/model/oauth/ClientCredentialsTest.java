package dev.switchboard.model.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The client credentials grant on the wire (RFC 6749 sections 2.3.1, 4.4, 5.1, 5.2) and Databricks' use of it. */
class ClientCredentialsTest {

    private static final String SECRET = "s3cr&t=+/ value";

    @Test
    void basicAuthenticationPutsTheFormEncodedPairInTheHeader() {
        ClientCredentials c = new ClientCredentials("my client", SECRET, "read write", "https://api.example.com",
                ClientCredentials.ClientAuth.BASIC);
        assertEquals("grant_type=client_credentials&scope=read+write&audience=https%3A%2F%2Fapi.example.com",
                c.formBody());
        String pair = new String(Base64.getDecoder().decode(c.authorizationHeader().substring("Basic ".length())),
                StandardCharsets.UTF_8);
        assertEquals("my+client:s3cr%26t%3D%2B%2F+value", pair);
    }

    @Test
    void postAuthenticationPutsTheCredentialsInTheBody() {
        ClientCredentials c = new ClientCredentials("id", "secret", null, null, ClientCredentials.ClientAuth.POST);
        assertEquals("grant_type=client_credentials&client_id=id&client_secret=secret", c.formBody());
        assertNull(c.authorizationHeader());
    }

    @Test
    void aTokenResponseGivesTheTokenAndItsExpiry() {
        AccessToken t = ClientCredentials.readResponse(200,
                "{\"access_token\":\"abc\",\"token_type\":\"Bearer\",\"expires_in\":120}".getBytes(), 5_000);
        assertEquals("abc", t.value());
        assertEquals(5_000, t.issuedAtMillis());
        assertEquals(125_000, t.expiresAtMillis());
        AccessToken noExpiry = ClientCredentials.readResponse(200, "{\"access_token\":\"abc\"}".getBytes(), 0);
        assertEquals(3_600_000, noExpiry.expiresAtMillis());
    }

    @Test
    void aRefusalNamesTheStatusAndErrorCodeButNotTheEndpointsText() {
        TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> ClientCredentials.readResponse(401,
                ("{\"error\":\"invalid_client\",\"error_description\":\"bad secret " + SECRET + "\"}").getBytes(), 0));
        assertEquals("the token endpoint answered HTTP 401 (invalid_client)", e.getMessage());
        assertEquals(401, e.status());
        assertEquals("the token endpoint answered HTTP 500", assertThrows(TokenEndpointException.class,
                () -> ClientCredentials.readResponse(500, ("oops " + SECRET).getBytes(), 0)).getMessage());
        assertEquals("the token endpoint answered without an access_token", assertThrows(TokenEndpointException.class,
                () -> ClientCredentials.readResponse(200, "{}".getBytes(), 0)).getMessage());
    }

    @Test
    void theCredentialsNeverShowTheSecret() {
        ClientCredentials c = new ClientCredentials("id", SECRET, "all", null, null);
        assertFalse(c.toString().contains("s3cr"), c.toString());
        assertEquals(ClientCredentials.ClientAuth.BASIC, c.clientAuth());
    }

    @Test
    void databricksUsesTheWorkspaceTokenEndpointWithAllApis() {
        assertEquals("https://adb-1.2.azuredatabricks.net",
                DatabricksOAuth.workspaceOf("https://adb-1.2.azuredatabricks.net/api/2.0/mcp/genie/01ef?x=1"));
        assertEquals("http://127.0.0.1:8443", DatabricksOAuth.workspaceOf("http://127.0.0.1:8443/api/2.0/mcp/sql"));
        assertEquals("https://ws.example.com/oidc/v1/token", DatabricksOAuth.tokenUrl("https://ws.example.com/"));
        ClientCredentials c = DatabricksOAuth.credentials("sp", "secret");
        assertEquals("grant_type=client_credentials&scope=all-apis", c.formBody());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("sp:secret".getBytes()), c.authorizationHeader());
        assertThrows(IllegalArgumentException.class, () -> DatabricksOAuth.workspaceOf("/relative/path"));
    }
}
