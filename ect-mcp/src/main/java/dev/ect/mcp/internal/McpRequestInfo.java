package dev.ect.mcp.internal;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * One MCP message body as the SDK itself reads it ({@link McpSchema#deserializeJsonRpcMessage}), so
 * the client, the server filter and the SDK's transport classify the same bytes the same way.
 *
 * @param request true for a JSON-RPC request (has an id and a method), false for a notification or response
 * @param method the JSON-RPC method, or null
 * @param id the request id, or null
 * @param name {@code params.name} of a {@code tools/call} or {@code prompts/get}, or null
 */
public record McpRequestInfo(boolean request, String method, Object id, String name) {

    /** Parses {@code body}; null when it is not a JSON-RPC message the SDK would accept. */
    public static McpRequestInfo parse(McpJsonMapper mapper, String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        McpSchema.JSONRPCMessage m;
        try {
            m = McpSchema.deserializeJsonRpcMessage(mapper, body);
        } catch (Exception e) {
            return null;
        }
        if (m instanceof McpSchema.JSONRPCRequest r) {
            String name = null;
            if (r.params() instanceof Map<?, ?> params && params.get("name") instanceof String n) {
                name = n;
            }
            return new McpRequestInfo(true, r.method(), r.id(), name);
        }
        if (m instanceof McpSchema.JSONRPCNotification n) {
            return new McpRequestInfo(false, n.method(), null, null);
        }
        return new McpRequestInfo(false, null, null, null);
    }
}
