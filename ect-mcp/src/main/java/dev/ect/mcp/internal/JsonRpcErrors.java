package dev.ect.mcp.internal;

import dev.ect.mcp.EctMcp;
import io.modelcontextprotocol.json.McpJsonMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to an MCP request refused for its ECT: the HTTP status of the profile (403, or 503
 * for a failed dependency, T-04/T-06) with a JSON-RPC error response as body (what an MCP client
 * parses), whose {@code error.data} holds the RFC 9457 problem members of T-05 ({@code type},
 * {@code title}, {@code status}, {@code detail}, {@code ect_error}), and the reason code in the
 * {@value EctMcp#ERROR_HEADER} header. Never echoes the token.
 */
public final class JsonRpcErrors {
    private JsonRpcErrors() {}

    /** A refusal for {@code reason}: its status, code and description (as the ECT filter's title). */
    public static void write(HttpServletResponse res, McpJsonMapper mapper, Object id, dev.ect.core.ReasonCode reason, String detail)
            throws IOException {
        String d = reason.description();
        write(res, mapper, id, reason.httpStatus(), reason.code(), Character.toUpperCase(d.charAt(0)) + d.substring(1), detail);
    }

    public static void write(HttpServletResponse res, McpJsonMapper mapper, Object id, int status, String code, String title,
            String detail) throws IOException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", "https://ect.dev/problems/" + code);
        data.put("title", title);
        data.put("status", status);
        data.put("detail", detail);
        data.put("ect_error", code);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", status == 503 ? EctMcp.JSONRPC_ECT_UNAVAILABLE : EctMcp.JSONRPC_ECT_REJECTED);
        error.put("message", title + " (" + code + ")");
        error.put("data", data);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jsonrpc", "2.0");
        body.put("id", id);
        body.put("error", error);
        byte[] bytes = mapper.writeValueAsBytes(body);
        if (res.isCommitted()) {
            return;
        }
        res.resetBuffer();
        res.setStatus(status);
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-store");
        res.setHeader(EctMcp.ERROR_HEADER, code);
        res.setContentLength(bytes.length);
        res.getOutputStream().write(bytes);
        res.getOutputStream().flush();
    }

    /** Rewrites a problem+json body the ECT filter produced as the JSON-RPC error of {@link #write}. */
    public static void fromProblem(HttpServletResponse res, McpJsonMapper mapper, Object id, int status, byte[] problem)
            throws IOException {
        Map<?, ?> p;
        try {
            p = mapper.readValue(new String(problem, StandardCharsets.UTF_8), Map.class);
        } catch (IOException | RuntimeException e) {
            p = Map.of();
        }
        String code = p.get("ect_error") instanceof String s ? s : (status == 503 ? "verification_unavailable" : "invalid_claim");
        String title = p.get("title") instanceof String s ? s : "ECT rejected";
        String detail = p.get("detail") instanceof String s ? s : "";
        res.reset();
        write(res, mapper, id, status, code, title, detail);
    }
}
