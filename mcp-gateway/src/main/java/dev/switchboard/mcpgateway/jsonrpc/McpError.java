package dev.switchboard.mcpgateway.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An answer the gateway gives itself, as a JSON-RPC error and the HTTP status it travels with. Built only here, so
 * every endpoint speaks the same shape and the codes are documented in one place (docs/mcp-gateway.md):
 *
 * <ul>
 *   <li>-32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid params (JSON-RPC 2.0);
 *   <li>-32000 the upstream failed or closed the connection, -32001 a request timed out or the session is unknown
 *       (the codes the official MCP SDKs use for these).
 * </ul>
 *
 * An error about the HTTP request as a whole (bad headers, no session, no credentials) has a 4xx status and a null id;
 * an error that answers one valid JSON-RPC request travels with status 200 and that request's id, as a response does.
 * It carries no stack trace: it is a value, thrown only to leave the pipeline early.
 */
public final class McpError extends RuntimeException {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int UPSTREAM_FAILED = -32000;
    public static final int TIMEOUT = -32001;
    public static final int SESSION_NOT_FOUND = -32001;
    /** The gateway's own rate limit refused the call (implementation-defined server error range). */
    public static final int RATE_LIMITED = -32029;

    private final int httpStatus;
    private final int code;
    private final JsonNode id;
    private final String reason;

    private McpError(int httpStatus, int code, JsonNode id, String reason, String message) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.code = code;
        this.id = id == null ? NullNode.getInstance() : id;
        this.reason = reason;
    }

    // ------------------------------------------------------------------ the HTTP request as a whole

    public static McpError parseError(String detail) {
        return new McpError(400, PARSE_ERROR, null, "parse_error", "Parse error: " + detail);
    }

    public static McpError invalidRequest(String detail) {
        return new McpError(400, INVALID_REQUEST, null, "invalid_request", "Invalid Request: " + detail);
    }

    public static McpError batchNotSupported() {
        return invalidRequest("batches are not supported; send one JSON-RPC message per POST");
    }

    public static McpError bodyTooLarge(long limit) {
        return new McpError(413, INVALID_REQUEST, null, "body_too_large",
                "Invalid Request: the body is larger than " + limit + " bytes");
    }

    /** 408: the body did not finish arriving within {@code timeoutMs} (switchboard.http.body-timeout). */
    public static McpError bodyTimeout(long timeoutMs) {
        return new McpError(408, INVALID_REQUEST, null, "body_timeout",
                "Invalid Request: the body did not arrive within " + timeoutMs + " ms");
    }

    /** 414 for a request line over the limit, 431 for headers over it; {@code message} names the sizes. */
    public static McpError requestHeadTooLarge(int status, String message) {
        return new McpError(status, INVALID_REQUEST, null,
                status == 414 ? "request_line_too_long" : "request_headers_too_large", "Invalid Request: " + message);
    }

    public static McpError notAcceptable(String detail) {
        return new McpError(406, INVALID_REQUEST, null, "not_acceptable", "Not Acceptable: " + detail);
    }

    public static McpError unsupportedMediaType() {
        return new McpError(415, INVALID_REQUEST, null, "unsupported_media_type",
                "Unsupported Media Type: the body must be application/json");
    }

    public static McpError unsupportedProtocolVersion(String version, Iterable<String> supported) {
        return new McpError(400, INVALID_REQUEST, null, "unsupported_protocol_version",
                "Bad Request: unsupported MCP-Protocol-Version '" + version + "' (supported: "
                        + String.join(", ", supported) + ")");
    }

    public static McpError sessionRequired() {
        return new McpError(400, INVALID_REQUEST, null, "session_required",
                "Bad Request: the Mcp-Session-Id header is required; start a session with initialize");
    }

    public static McpError sessionNotFound() {
        return new McpError(404, SESSION_NOT_FOUND, null, "session_not_found",
                "Session not found: it has ended or expired; start a new one with initialize");
    }

    public static McpError forbiddenOrigin(String origin) {
        return new McpError(403, INVALID_REQUEST, null, "origin_not_allowed",
                "Forbidden: the Origin '" + origin + "' is not allowed");
    }

    public static McpError forbiddenHost(String host) {
        return new McpError(403, INVALID_REQUEST, null, "host_not_allowed",
                "Forbidden: the Host '" + host + "' is not allowed");
    }

    /** A token was presented and is not valid. */
    public static McpError unauthenticated(String detail) {
        return new McpError(401, INVALID_REQUEST, null, "invalid_token", "Unauthorized: " + detail);
    }

    /** No token was presented at all. */
    public static McpError noToken(String detail) {
        return new McpError(401, INVALID_REQUEST, null, "no_token", "Unauthorized: " + detail);
    }

    public static McpError serverNotFound(String name) {
        return new McpError(404, INVALID_REQUEST, null, "server_not_found",
                "Not Found: no MCP server or virtual MCP server is named '" + name + "'");
    }

    public static McpError serverForbidden(String name) {
        return new McpError(403, INVALID_REQUEST, null, "server_not_permitted",
                "Forbidden: you may not use the MCP server '" + name + "'");
    }

    public static McpError methodNotAllowed(String method) {
        return new McpError(405, INVALID_REQUEST, null, "method_not_allowed",
                "Method Not Allowed: " + method);
    }

    public static McpError unavailable(String detail) {
        return new McpError(503, UPSTREAM_FAILED, null, "unavailable", "Service Unavailable: " + detail);
    }

    public static McpError internal() {
        return new McpError(500, INVALID_REQUEST, null, "internal_error", "Internal error; see the gateway log");
    }

    // ------------------------------------------------------------------ answers to one JSON-RPC request

    public static McpError methodNotFound(JsonNode id, String method) {
        return new McpError(200, METHOD_NOT_FOUND, id, "method_not_found", "Method not found: " + method);
    }

    public static McpError invalidParams(JsonNode id, String detail) {
        return new McpError(200, INVALID_PARAMS, id, "invalid_params", "Invalid params: " + detail);
    }

    /** The same answer for a forbidden tool and a tool that does not exist: the caller learns nothing more. */
    public static McpError toolNotPermitted(JsonNode id, String server, String tool) {
        return new McpError(200, INVALID_PARAMS, id, "tool_not_permitted",
                "Unknown tool: '" + tool + "' is not available to you on '" + server + "'");
    }

    /** As {@link #toolNotPermitted}, for a resource (or resource template) the caller's policies do not allow. */
    public static McpError resourceNotPermitted(JsonNode id, String server, String uri) {
        return new McpError(200, INVALID_PARAMS, id, "resource_not_permitted",
                "Unknown resource: '" + uri + "' is not available to you on '" + server + "'");
    }

    /** As {@link #toolNotPermitted}, for a prompt the caller's policies do not allow. */
    public static McpError promptNotPermitted(JsonNode id, String server, String prompt) {
        return new McpError(200, INVALID_PARAMS, id, "prompt_not_permitted",
                "Unknown prompt: '" + prompt + "' is not available to you on '" + server + "'");
    }

    /** A rate limit on tool calls refused this one; the message names the rule and when it resets. */
    public static McpError rateLimited(JsonNode id, String message) {
        return new McpError(200, RATE_LIMITED, id, "rate_limited", message);
    }

    public static McpError upstreamFailed(JsonNode id, String server, String detail) {
        return new McpError(200, UPSTREAM_FAILED, id, "upstream_failed",
                "The MCP server '" + server + "' failed: " + detail);
    }

    public static McpError upstreamTimeout(JsonNode id, String server, long timeoutMs) {
        return new McpError(200, TIMEOUT, id, "upstream_timeout",
                "The MCP server '" + server + "' did not answer within " + timeoutMs + " ms");
    }

    /** This error answering the request {@code requestId} (errors about a request keep its id). */
    public McpError forRequest(JsonNode requestId) {
        return new McpError(httpStatus, code, requestId, reason, getMessage());
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int code() {
        return code;
    }

    public JsonNode id() {
        return id;
    }

    /** A stable word for logs, audit records and the error's {@code data.reason}. */
    public String reason() {
        return reason;
    }

    /** {@code {"jsonrpc":"2.0","id":...,"error":{"code","message","data":{"reason"}}}}. */
    public ObjectNode toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("jsonrpc", "2.0");
        root.set("id", id);
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", getMessage());
        error.putObject("data").put("reason", reason);
        return root;
    }
}
