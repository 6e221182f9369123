package dev.switchboard.model.config;

import java.util.List;

/** One MCP endpoint that exposes tools of several servers, each named {@code <server>/<tool>}. */
public record VirtualMcpServer(String name, String description, List<String> tools) {

    public VirtualMcpServer {
        tools = tools == null ? List.of() : List.copyOf(tools);
    }
}
