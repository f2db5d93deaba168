package dev.ect.mcp;

import dev.ect.core.EctHashes;
import dev.ect.core.EctText;
import dev.ect.core.VerifiedEct;
import dev.ect.core.context.TaskContext;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * What ECTs mean on MCP, shared by {@link EctMcpClient} and {@link EctMcpServer}: the
 * {@code exec_act} of an MCP request, the methods that carry an ECT by default, the keys under which
 * the task context travels in the SDK's {@link McpTransportContext}, and the {@code out_hash} of a
 * tool result.
 *
 * <h2>{@code exec_act} (C-07)</h2>
 * {@code "mcp." + M(method)}, and for {@code tools/call} (and {@code prompts/get})
 * {@code "mcp." + M(method) + "." + N(name)}; e.g. {@code mcp.tools.call.search}, {@code mcp.resources.read}.
 * <ul>
 *   <li>M: the JSON-RPC method with {@code /} written as {@code .}; every other character outside
 *       {@code [A-Za-z0-9_-]} (so also a {@code .} of the method itself) percent-encoded as its UTF-8 bytes;
 *   <li>N: the tool (prompt) name, every character outside {@code [A-Za-z0-9_.-]} percent-encoded
 *       ({@code %} itself as {@code %25}; a lone surrogate as U+FFFD);
 *   <li>longer than {@value EctText#MAX_EXEC_ACT} characters: cut at 233 characters (never inside a
 *       {@code %XX}) and {@code "~"} plus 22 characters of the base64url SHA-256 of the unencoded
 *       value appended, so two long names stay apart.
 * </ul>
 * The result is always 1 to 256 printable ASCII characters, so it passes C-07 for any method and tool
 * name, needs no escaping in a log line (T-11) and reads the same in every ledger and DAG view.
 */
public final class EctMcp {
    /** The JSON-RPC method of a tool call. */
    public static final String TOOLS_CALL = McpSchema.METHOD_TOOLS_CALL;

    /**
     * The MCP requests that carry an ECT by default: {@code tools/call}. Each is a task one agent asks
     * another to do. Protocol plumbing ({@code initialize}, {@code ping}, {@code *\/list}, notifications,
     * the client's answers to server requests, the SSE {@code GET} and the session {@code DELETE}) carries
     * none: it is no task of the workflow, and a refused {@code initialize} would break the session.
     * Add {@code resources/read}, {@code prompts/get}, ... with the builders' {@code methods(...)}.
     */
    public static final Set<String> DEFAULT_METHODS = Set.of(TOOLS_CALL);

    /** The {@link McpTransportContext} key of the caller's (client) or the handler's (server) {@link TaskContext}. */
    public static final String TASK_CONTEXT_KEY = "dev.ect.mcp.TaskContext";

    /** The {@link McpTransportContext} key of the server's accepted inbound {@link VerifiedEct}. */
    public static final String VERIFIED_ECT_KEY = "dev.ect.mcp.VerifiedEct";

    /**
     * A response header naming the reason code of a refused MCP request (403/503), so that an MCP
     * client, which sees only the status and headers of a refused POST
     * ({@code McpHttpClientTransportAuthorizationException}), can tell why.
     */
    public static final String ERROR_HEADER = "Execution-Context-Error";

    /** JSON-RPC error code of an MCP request refused for its ECT (HTTP 403). */
    public static final int JSONRPC_ECT_REJECTED = -32040;

    /** JSON-RPC error code of an MCP request that could not be checked (a dependency failed, HTTP 503). */
    public static final int JSONRPC_ECT_UNAVAILABLE = -32041;

    private static final int CUT = EctText.MAX_EXEC_ACT - 23;

    private EctMcp() {}

    /**
     * The {@code exec_act} of an MCP request (see the class comment): {@code name} is the tool (or
     * prompt) name of a {@code tools/call} ({@code prompts/get}), ignored for other methods; null
     * gives the method's form alone.
     */
    public static String execAct(String method, String name) {
        String m = method == null || method.isEmpty() ? "unknown" : method;
        StringBuilder sb = new StringBuilder("mcp.");
        encode(m, sb, true);
        if (name != null && (TOOLS_CALL.equals(m) || McpSchema.METHOD_PROMPT_GET.equals(m))) {
            sb.append('.');
            encode(name, sb, false);
        }
        if (sb.length() <= EctText.MAX_EXEC_ACT) {
            return sb.toString();
        }
        int end = CUT;
        // never cut inside a %XX
        if (sb.charAt(end - 1) == '%') {
            end -= 1;
        } else if (sb.charAt(end - 2) == '%') {
            end -= 2;
        }
        String whole = m + (name == null ? "" : "\u0000" + name);
        return sb.substring(0, end) + "~" + EctHashes.sha256(whole.getBytes(StandardCharsets.UTF_8)).substring(0, 22);
    }

    private static void encode(String s, StringBuilder sb, boolean method) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (method && cp == '/') {
                sb.append('.');
            } else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_'
                    || cp == '-' || (!method && cp == '.')) {
                sb.append((char) cp);
            } else {
                if (cp < 0x10000 && Character.isSurrogate((char) cp)) {
                    cp = 0xFFFD; // a lone surrogate has no UTF-8 form
                }
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
            }
        }
    }

    /**
     * The {@code out_hash} of a tool result (C-09 form): the base64url SHA-256 of the result's JSON as
     * {@code mapper} writes it, the {@code _meta} member left out. The server's response ECT carries it;
     * a client recomputes it from the {@link McpSchema.CallToolResult} it received, with the same mapper.
     */
    public static String outHash(McpJsonMapper mapper, McpSchema.CallToolResult result) {
        McpSchema.CallToolResult bare = new McpSchema.CallToolResult(result.content(), result.isError(),
                result.structuredContent(), null);
        try {
            return EctHashes.sha256(mapper.writeValueAsBytes(bare));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the tool result", e);
        }
    }

    /** {@link #outHash(McpJsonMapper, McpSchema.CallToolResult)} with the SDK's default mapper. */
    public static String outHash(McpSchema.CallToolResult result) { return outHash(McpJsonDefaultsHolder.mapper(), result); }

    /** The task context carried by a transport context (client: the caller's; server: the handler's), if any. */
    public static Optional<TaskContext> taskContext(McpTransportContext context) {
        Object o = context == null ? null : context.get(TASK_CONTEXT_KEY);
        return o instanceof TaskContext t ? Optional.of(t) : Optional.empty();
    }

    /** The task context of the request a server handler is serving: the inbound ECT's task (F-01). */
    public static Optional<TaskContext> taskContext(McpSyncServerExchange exchange) {
        return taskContext(exchange.transportContext());
    }

    /** The accepted inbound ECT of the request a server handler is serving, if it carried one. */
    public static Optional<VerifiedEct> verifiedEct(McpSyncServerExchange exchange) {
        Object o = exchange.transportContext().get(VERIFIED_ECT_KEY);
        return o instanceof VerifiedEct v ? Optional.of(v) : Optional.empty();
    }

    /** The SDK's default JSON mapper, looked up once. */
    static final class McpJsonDefaultsHolder {
        private static volatile McpJsonMapper mapper;

        static McpJsonMapper mapper() {
            McpJsonMapper m = mapper;
            if (m == null) {
                m = io.modelcontextprotocol.json.McpJsonDefaults.getMapper();
                mapper = m;
            }
            return m;
        }

        private McpJsonDefaultsHolder() {}
    }
}
