package dev.switchboard.model.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.access.VirtualToolNames.Target;
import dev.switchboard.model.config.VirtualMcpServer;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualToolNamesTest {

    private final VirtualToolNames names = VirtualToolNames.of(new VirtualMcpServer("data-science", null,
            List.of("genie/ask", "vector/search", "web/search", "web/fetch")));

    @Test
    void aToolNoOtherServerContributesKeepsItsName() {
        assertEquals(new Target("genie", "ask"), names.target("ask").orElseThrow());
        assertEquals(new Target("web", "fetch"), names.target("fetch").orElseThrow());
    }

    @Test
    void clashingToolsAreAllPrefixedWithTheirServer() {
        assertEquals(new Target("vector", "search"), names.target("vector__search").orElseThrow());
        assertEquals(new Target("web", "search"), names.target("web__search").orElseThrow());
        assertTrue(names.target("search").isEmpty());
    }

    @Test
    void exposedNamesFollowTheConfigOrderAndMapBack() {
        assertEquals(List.of("ask", "vector__search", "web__search", "fetch"), List.copyOf(names.all().keySet()));
        assertEquals("web__search", names.exposedName("web", "search").orElseThrow());
        assertTrue(names.exposedName("genie", "search").isEmpty());
    }
}
