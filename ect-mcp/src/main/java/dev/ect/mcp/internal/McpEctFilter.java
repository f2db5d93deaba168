package dev.ect.mcp.internal;

import dev.ect.core.EctHashes;
import dev.ect.core.LogSafe;
import dev.ect.core.ReasonCode;
import dev.ect.mcp.EctMcp;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import io.modelcontextprotocol.json.McpJsonMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet filter in front of the SDK's MCP endpoint (see {@code EctMcpServer}): reads the
 * JSON-RPC message, decides whether it needs an ECT, lets the ECT filter verify it (with the
 * request's {@link RequestBinding} as its request scope: exec_act and inp_hash are checked on the
 * verified claims, inside that one verification), answers refusals as JSON-RPC errors with the
 * profile's HTTP status, and holds the SSE commit of a tool call back until its result is known.
 */
public final class McpEctFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger("dev.ect.mcp.EctMcpServer");

    private final EctFilter ectFilter;
    private final Set<String> methods;
    private final boolean bindToRequest;
    private final int maxBodyBytes;
    private final McpJsonMapper mapper;

    /**
     * @param config the ECT filter's configuration; with {@code bindToRequest} the filter verifies
     *     with {@link RequestBinding#scopeOf} added to its request scope
     */
    public McpEctFilter(EctFilterConfig config, Set<String> methods, boolean bindToRequest, int maxBodyBytes, McpJsonMapper mapper) {
        this.ectFilter = new EctFilter(bindToRequest ? config.andRequestScope(RequestBinding::scopeOf) : config);
        this.methods = methods;
        this.bindToRequest = bindToRequest;
        this.maxBodyBytes = maxBodyBytes;
        this.mapper = mapper;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        ectFilter.init(new FilterConfig() {
            @Override public String getFilterName() { return filterConfig.getFilterName() + "-ect"; }
            @Override public jakarta.servlet.ServletContext getServletContext() { return filterConfig.getServletContext(); }
            @Override public String getInitParameter(String name) { return null; }
            @Override public Enumeration<String> getInitParameterNames() { return Collections.emptyEnumeration(); }
        });
    }

    @Override
    public void destroy() { ectFilter.destroy(); }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse res)) {
            chain.doFilter(request, response);
            return;
        }
        if (req.getDispatcherType() != DispatcherType.REQUEST || !"POST".equals(req.getMethod())) {
            // GET (the server's SSE stream), DELETE (end of session), async and error dispatches: no task of
            // the workflow. An ECT sent on them anyway is verified (T-09: nothing passes unchecked).
            if (req.getHeader(EctFilter.HEADER) != null) {
                ectFilter.doFilter(req, res, chain);
            } else {
                chain.doFilter(req, res);
            }
            return;
        }
        byte[] body = readBody(req);
        if (body == null) {
            JsonRpcErrors.write(res, mapper, null, 413, "request_too_large", "Request too large",
                    "the MCP request is larger than " + maxBodyBytes + " bytes");
            return;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        McpRequestInfo info = McpRequestInfo.parse(mapper, text);
        boolean needs = info != null && info.request() && methods.contains(info.method());
        boolean present = req.getHeader(EctFilter.HEADER) != null;
        Object id = info == null ? null : info.id();
        if (!present) {
            if (needs) {
                LOG.info("MCP request refused: method={} reason=missing_ect", LogSafe.escape(info.method()));
                JsonRpcErrors.write(res, mapper, id, ReasonCode.MISSING_ECT, "an ECT is required for MCP method " + info.method());
                return;
            }
            chain.doFilter(new CachedBodyRequest(req, body, null), res); // plumbing without an ECT: the SDK's own business
            return;
        }
        // the ECT must describe this request: checked by the ECT filter's verifier on the verified
        // claims (request scope), after the signature and DAG rules, before the replay record
        RequestBinding binding = needs && bindToRequest
                ? new RequestBinding(EctMcp.execAct(info.method(), info.name()), EctHashes.sha256(body)) : null;
        CachedBodyRequest cached = new CachedBodyRequest(req, body, binding);
        ProblemCapture capture = new ProblemCapture(res);
        boolean[] reached = {false};
        ectFilter.doFilter(cached, capture, (rq, rs) -> {
            reached[0] = true;
            if (info != null && info.request()) {
                // the response ECT names the task even when the response commits before a handler sets it
                EctFilter.taskContext(rq).filter(c -> c.execAct() == null)
                        .ifPresent(c -> c.setExecAct(EctMcp.execAct(info.method(), info.name())));
                // the SSE answer commits before the handler runs: hold it back until the answer is there
                DeferredCommitResponse deferred = new DeferredCommitResponse((HttpServletResponse) rs);
                try {
                    chain.doFilter(rq, deferred);
                } finally {
                    deferred.release();
                }
            } else {
                chain.doFilter(rq, rs);
            }
        });
        if (!reached[0] && capture.captured()) {
            JsonRpcErrors.fromProblem(res, mapper, id, capture.capturedStatus(), capture.body());
        }
    }

    /** The body, or null when it is longer than the bound. */
    private byte[] readBody(HttpServletRequest req) throws IOException {
        long declared = req.getContentLengthLong();
        if (declared > maxBodyBytes) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
        byte[] buf = new byte[8192];
        try (InputStream in = req.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > maxBodyBytes) {
                    return null;
                }
            }
        }
        return out.toByteArray();
    }
}
