package dev.ect.mcp;

import dev.ect.core.context.TaskContext;
import dev.ect.mcp.internal.McpEctFilter;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * ECTs on an MCP server of the official SDK served by its servlet transport
 * ({@link HttpServletStreamableServerTransportProvider}, Streamable HTTP; also its stateless
 * {@code HttpServletStatelessServerTransport}, with {@link #statelessTool}). Three pieces, one object:
 *
 * <pre>{@code
 * EctMcpServer ect = EctMcpServer.builder(EctFilterConfig.builder()
 *         .verifierId("spiffe://example.com/search").trustJwksFile(...).ledger(ledger)
 *         .responseSigner(signer)                        // T-08: response ECTs with out_hash
 *         .build()).build();
 * var transport = HttpServletStreamableServerTransportProvider.builder()
 *         .contextExtractor(ect.contextExtractor())      // the verified ECT reaches the handler
 *         .build();
 * McpServer.sync(transport).tools(ect.tool(searchTool)).build();
 * // servlet container: ect.filter() mapped on the MCP endpoint, in front of the transport servlet
 * }</pre>
 *
 * <ul>
 *   <li>{@link #filter()}: a servlet filter for the MCP endpoint. A JSON-RPC request whose method is
 *       in {@link Builder#methods} (default {@code tools/call}) must carry an ECT: without one it is
 *       refused ({@code missing_ect}, T-07); with one, it is verified by an {@link EctFilter} of the
 *       given configuration (V-01..V-15: signature, audience, DAG, replay, ledger), and within that
 *       one verification, after the signature and DAG rules and before the replay record and the
 *       ledger append, it must describe this request ({@code exec_act} = {@link EctMcp#execAct},
 *       {@code inp_hash} = SHA-256 of the body, else {@code invalid_claim}; the filter adds this
 *       check to the configuration's request scope, {@link EctFilterConfig#andRequestScope}). So a
 *       forged token is {@code invalid_signature} whatever it claims, and a refused one consumes
 *       nothing. Other messages pass
 *       without one (an ECT they carry anyway is verified). Every refusal is HTTP 403 (503 for a
 *       failed dependency) with a JSON-RPC error body and the {@value EctMcp#ERROR_HEADER} header.
 *   <li>{@link #contextExtractor()}: puts the request's task context and verified ECT into the SDK's
 *       transport context, where handlers find them ({@link EctMcp#taskContext(McpSyncServerExchange)}).
 *   <li>{@link #tool(McpServerFeatures.SyncToolSpecification)}: wraps a tool handler so that its
 *       request's task is {@link TaskContext#current()} while it runs, on whichever SDK thread runs it
 *       (outbound MCP, OkHttp and JDK HttpClient calls chain onto it, F-02), and so that the response
 *       ECT names what it did: {@code exec_act} of the request, {@code out_hash} =
 *       {@link EctMcp#outHash} of its result (T-08, F-04).
 * </ul>
 */
public final class EctMcpServer {
    /** Default bound of an MCP request body read by the filter: 4 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

    private final EctFilterConfig config;
    private final Set<String> methods;
    private final boolean bindToRequest;
    private final int maxBodyBytes;
    private final McpJsonMapper mapper;

    private EctMcpServer(Builder b) {
        this.config = b.config;
        this.methods = Set.copyOf(b.methods);
        this.bindToRequest = b.bindToRequest;
        this.maxBodyBytes = b.maxBodyBytes;
        this.mapper = b.mapper != null ? b.mapper : EctMcp.McpJsonDefaultsHolder.mapper();
    }

    /** A builder over the ECT filter configuration that verifies inbound ECTs (and signs response ECTs). */
    public static Builder builder(EctFilterConfig config) { return new Builder(config); }

    /**
     * A new filter for the MCP endpoint (map it on the endpoint's path, for REQUEST dispatches at
     * least, async-supported, in front of the SDK's servlet). Each call builds its own {@link EctFilter}
     * over the one configuration; the container's {@code destroy()} of a filter closes what that
     * configuration opened itself (e.g. its {@code ect.ledger-file}), so use one filter per configuration.
     */
    public Filter filter() { return new McpEctFilter(config, methods, bindToRequest, maxBodyBytes, mapper); }

    /** For the transport's {@code contextExtractor(...)}: the task context and verified ECT of the request. */
    public McpTransportContextExtractor<HttpServletRequest> contextExtractor() {
        return contextExtractor(r -> McpTransportContext.EMPTY);
    }

    /** {@link #contextExtractor()} merged into what {@code also} extracts (for applications with their own). */
    public McpTransportContextExtractor<HttpServletRequest> contextExtractor(McpTransportContextExtractor<HttpServletRequest> also) {
        Objects.requireNonNull(also, "also");
        return request -> {
            Map<String, Object> m = new HashMap<>();
            EctFilter.taskContext(request).ifPresent(c -> m.put(EctMcp.TASK_CONTEXT_KEY, c));
            EctFilter.verifiedEct(request).ifPresent(v -> m.put(EctMcp.VERIFIED_ECT_KEY, v));
            McpTransportContext base = also.extract(request);
            return m.isEmpty() ? base : (base == null ? McpTransportContext.create(m) : base.putAll(m));
        };
    }

    /** {@link #tool} for each of {@code tools}. */
    public List<McpServerFeatures.SyncToolSpecification> tools(List<McpServerFeatures.SyncToolSpecification> tools) {
        List<McpServerFeatures.SyncToolSpecification> out = new ArrayList<>(tools.size());
        for (McpServerFeatures.SyncToolSpecification t : tools) {
            out.add(tool(t));
        }
        return out;
    }

    /** The tool with its handler run in its request's task context; see the class comment. */
    public McpServerFeatures.SyncToolSpecification tool(McpServerFeatures.SyncToolSpecification tool) {
        BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, McpSchema.CallToolResult> handler = tool.callHandler();
        McpJsonMapper m = mapper;
        return new McpServerFeatures.SyncToolSpecification(tool.tool(), (exchange, request) ->
                runInTaskOf(m, EctMcp.taskContext(exchange).orElse(null), request, () -> handler.apply(exchange, request)));
    }

    /** {@link #statelessTool} for each of {@code tools}. */
    public List<McpStatelessServerFeatures.SyncToolSpecification> statelessTools(
            List<McpStatelessServerFeatures.SyncToolSpecification> tools) {
        List<McpStatelessServerFeatures.SyncToolSpecification> out = new ArrayList<>(tools.size());
        for (McpStatelessServerFeatures.SyncToolSpecification t : tools) {
            out.add(statelessTool(t));
        }
        return out;
    }

    /**
     * {@link #tool} for the SDK's stateless servlet transport ({@code HttpServletStatelessServerTransport},
     * {@code McpServer.sync(statelessTransport)}): the handler runs with its request's task current
     * (read from the transport context that {@link #contextExtractor()} filled), and the response ECT
     * gets the request's {@code exec_act} and the {@code out_hash} of the result (T-08, F-04). The
     * stateless transport answers with one JSON body after the handler returned, so every response
     * ECT carries its {@code out_hash}.
     */
    public McpStatelessServerFeatures.SyncToolSpecification statelessTool(McpStatelessServerFeatures.SyncToolSpecification tool) {
        BiFunction<McpTransportContext, McpSchema.CallToolRequest, McpSchema.CallToolResult> handler = tool.callHandler();
        McpJsonMapper m = mapper;
        return new McpStatelessServerFeatures.SyncToolSpecification(tool.tool(), (context, request) ->
                runInTaskOf(m, EctMcp.taskContext(context).orElse(null), request, () -> handler.apply(context, request)));
    }

    /** The handler in its task ({@link #runInTask}); as it is when the call carried no ECT (not required by the filter's methods). */
    private static McpSchema.CallToolResult runInTaskOf(McpJsonMapper mapper, TaskContext ctx, McpSchema.CallToolRequest request,
            java.util.function.Supplier<McpSchema.CallToolResult> handler) {
        return ctx == null ? handler.get() : runInTask(mapper, ctx, request, handler);
    }

    /** Runs a tool handler in its task (F-05) and notes what the response ECT says about it (T-08). */
    private static McpSchema.CallToolResult runInTask(McpJsonMapper mapper, TaskContext ctx, McpSchema.CallToolRequest request,
            java.util.function.Supplier<McpSchema.CallToolResult> handler) {
        if (ctx.execAct() == null) {
            // set before the handler runs: a notification it sends first commits the response (T-08)
            ctx.setExecAct(EctMcp.execAct(EctMcp.TOOLS_CALL, request.name()));
        }
        McpSchema.CallToolResult result;
        TaskContext.Scope scope = ctx.makeCurrent();
        try {
            result = handler.get();
        } finally {
            scope.close(); // restores whatever the SDK's thread had (F-05)
        }
        if (result != null && ctx.outHash() == null) {
            ctx.setOutHash(EctMcp.outHash(mapper, result));
        }
        return result;
    }

    /** Builder. */
    public static final class Builder {
        private final EctFilterConfig config;
        private final Set<String> methods = new LinkedHashSet<>(EctMcp.DEFAULT_METHODS);
        private boolean bindToRequest = true;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private McpJsonMapper mapper;

        private Builder(EctFilterConfig config) { this.config = Objects.requireNonNull(config, "config"); }

        /** The JSON-RPC methods whose requests must carry an ECT; default {@link EctMcp#DEFAULT_METHODS}. */
        public Builder methods(Set<String> jsonRpcMethods) {
            if (jsonRpcMethods.isEmpty()) {
                throw new IllegalArgumentException("methods must not be empty");
            }
            methods.clear();
            methods.addAll(jsonRpcMethods);
            return this;
        }

        /**
         * Default true: the ECT of a request in {@link #methods} must describe it: {@code exec_act} =
         * {@link EctMcp#execAct} of its method and tool, {@code inp_hash} = SHA-256 of its body (else 403
         * {@code invalid_claim}), so an ECT minted for one tool call cannot be sent with another.
         * Checked on the verified claims inside the ECT filter's verification (a request scope, see
         * {@link EctFilterConfig.Builder#requestScope}): after V-01..V-13 and before the replay record
         * and the ledger append. Turn off only for clients that mint their own {@code exec_act}.
         */
        public Builder bindToRequest(boolean bind) {
            this.bindToRequest = bind;
            return this;
        }

        /** Bound of a request body the filter reads (default 4 MiB); larger: 413 with a JSON-RPC error. */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxBodyBytes must be >= 1024");
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /** The JSON mapper that reads MCP bodies and hashes results; default the SDK's. */
        public Builder jsonMapper(McpJsonMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        public EctMcpServer build() { return new EctMcpServer(this); }
    }
}
