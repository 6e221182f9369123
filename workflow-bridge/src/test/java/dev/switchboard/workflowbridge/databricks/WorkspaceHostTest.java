package dev.switchboard.workflowbridge.databricks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WorkspaceHostTest {

    @Test
    void aBareHostNameMeansHttpsAndPathsAreDropped() {
        assertEquals("https://adb-1234567890123456.7.azuredatabricks.net",
                WorkspaceHost.parse("adb-1234567890123456.7.azuredatabricks.net").url());
        assertEquals("https://dbc-a1b2c3d4-e5f6.cloud.databricks.com",
                WorkspaceHost.parse("https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/?o=123#job/4").url());
    }

    @Test
    void plainHttpOnlyForLoopback() {
        assertEquals("http://127.0.0.1:8099", WorkspaceHost.parse("http://127.0.0.1:8099/").url());
        assertEquals("http://localhost:8099", WorkspaceHost.parse("http://localhost:8099").url());
        assertThrows(IllegalArgumentException.class, () -> WorkspaceHost.parse("http://adb-1.1.azuredatabricks.net"));
        assertThrows(IllegalArgumentException.class, () -> WorkspaceHost.parse("ftp://127.0.0.1"));
    }

    @Test
    void theTokenEndpointIsTheWorkspaceOidcOne() {
        assertEquals("https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/oidc/v1/token",
                WorkspaceHost.parse("dbc-a1b2c3d4-e5f6.cloud.databricks.com").defaultTokenEndpoint());
    }
}
