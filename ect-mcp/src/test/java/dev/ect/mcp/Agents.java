package dev.ect.mcp;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.servlet.EctFilterConfig;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/**
 * Test world: agents with keys, one shared in-memory ledger, MCP tool servers (the SDK's servlet
 * transport in embedded Jetty behind {@link EctMcpServer#filter()}) and SDK clients with {@link EctMcpClient}.
 */
final class Agents implements AutoCloseable {
    static final String PREFIX = "spiffe://example.com/";

    final InMemoryLedger ledger = new InMemoryLedger();
    final Map<String, EctKeyPair> keys = new LinkedHashMap<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    EctKeyPair key(String name) {
        return keys.computeIfAbsent(PREFIX + name, id -> EctKeys.generate(EctAlgorithm.ES256, name + "-1"));
    }

    String id(String name) {
        key(name);
        return PREFIX + name;
    }

    StaticKeySource trust() {
        StaticKeySource.Builder b = StaticKeySource.builder();
        keys.forEach(b::key);
        return b.build();
    }

    EctSigner signer(String name) { return EctSigner.builder(key(name)).build(); }

    /** The response verifier of a client agent: records the answers it accepts in the shared ledger. */
    EctVerifier responseVerifier(String name) {
        return EctVerifier.builder().verifierId(id(name)).keySource(trust())
                .ectStore(EctMcpClient.mintedEctStore(ledger)).ledger(ledger).build();
    }

    /** One tool server. */
    final class ToolServer {
        final String name;
        final Server jetty;
        final McpSyncServer mcp;
        final EctMcpServer ect;

        ToolServer(String name, EctMcpServer ect, Server jetty, McpSyncServer mcp) {
            this.name = name;
            this.ect = ect;
            this.jetty = jetty;
            this.mcp = mcp;
        }

        String url() { return "http://127.0.0.1:" + jetty.getURI().getPort(); }

        String id() { return Agents.this.id(name); }
    }

    /** A tool server {@code name} with one tool per entry of {@code tools} (name -> handler). */
    ToolServer server(String name, Map<String, BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, McpSchema.CallToolResult>> tools)
            throws Exception {
        return server(name, tools, ledger, EctMcpServer.DEFAULT_MAX_BODY_BYTES);
    }

    ToolServer server(String name, Map<String, BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, McpSchema.CallToolResult>> tools,
            dev.ect.core.ledger.AuditLedger filterLedger, int maxBodyBytes) throws Exception {
        return server(name, tools, filterLedger, maxBodyBytes, EctMcp.DEFAULT_METHODS, List.of());
    }

    ToolServer server(String name, Map<String, BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, McpSchema.CallToolResult>> tools,
            dev.ect.core.ledger.AuditLedger filterLedger, int maxBodyBytes, java.util.Set<String> methods,
            List<McpServerFeatures.SyncResourceSpecification> resources) throws Exception {
        return server(name, tools, filterLedger, maxBodyBytes, methods, resources, b -> { });
    }

    /**
     * A tool server whose verifier builder, filter configuration builder and {@link EctMcpServer}
     * builder the test adjusts (a replay store or listener of its own, a request scope, bindToRequest).
     */
    ToolServer server(String name, Map<String, BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, McpSchema.CallToolResult>> tools,
            java.util.function.Consumer<EctVerifier.Builder> verifier, java.util.function.Consumer<EctFilterConfig.Builder> filter,
            java.util.function.Consumer<EctMcpServer.Builder> server) throws Exception {
        return server(name, tools, ledger, EctMcpServer.DEFAULT_MAX_BODY_BYTES, EctMcp.DEFAULT_METHODS, List.of(), verifier, filter, server);
    }

    ToolServer server(String name, Map<String, BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, McpSchema.CallToolResult>> tools,
            dev.ect.core.ledger.AuditLedger filterLedger, int maxBodyBytes, java.util.Set<String> methods,
            List<McpServerFeatures.SyncResourceSpecification> resources, java.util.function.Consumer<EctVerifier.Builder> verifier)
            throws Exception {
        return server(name, tools, filterLedger, maxBodyBytes, methods, resources, verifier, f -> { }, m -> { });
    }

    private ToolServer server(String name, Map<String, BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, McpSchema.CallToolResult>> tools,
            dev.ect.core.ledger.AuditLedger filterLedger, int maxBodyBytes, java.util.Set<String> methods,
            List<McpServerFeatures.SyncResourceSpecification> resources, java.util.function.Consumer<EctVerifier.Builder> verifier,
            java.util.function.Consumer<EctFilterConfig.Builder> filterConfig, java.util.function.Consumer<EctMcpServer.Builder> server)
            throws Exception {
        key(name);
        EctVerifier.Builder vb = EctVerifier.builder().verifierId(id(name)).keySource(trust()).ledger(filterLedger);
        verifier.accept(vb);
        EctFilterConfig.Builder fb = EctFilterConfig.builder()
                .environment(Map.of())
                .verifier(vb.build())
                .ledger(filterLedger)
                .responseSigner(signer(name));
        filterConfig.accept(fb);
        EctMcpServer.Builder mb = EctMcpServer.builder(fb.build()).maxBodyBytes(maxBodyBytes).methods(methods);
        server.accept(mb);
        EctMcpServer ect = mb.build();
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp")
                .contextExtractor(ect.contextExtractor())
                .build();
        List<McpServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
        tools.forEach((tool, handler) -> specs.add(McpServerFeatures.SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(tool).description(tool).inputSchema(Map.of("type", "object")).build())
                .callHandler(handler).build()));
        McpSyncServer mcp = McpServer.sync(transport)
                .serverInfo(name, "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).resources(false, false).build())
                .requestTimeout(Duration.ofSeconds(30))
                .tools(ect.tools(specs))
                .resources(resources)
                .build();
        Server jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler ctx = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        ctx.addServlet(holder, "/mcp");
        FilterHolder filter = new FilterHolder(ect.filter());
        filter.setAsyncSupported(true);
        ctx.addFilter(filter, "/mcp", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        jetty.setHandler(ctx);
        jetty.start();
        open.add(() -> {
            mcp.closeGracefully();
            jetty.stop();
        });
        return new ToolServer(name, ect, jetty, mcp);
    }

    EctMcpClient ectClient(String from, ToolServer to) {
        return EctMcpClient.builder(signer(from), id(from)).audience(to.id()).responseVerifier(responseVerifier(from)).build();
    }

    McpSyncClient client(EctMcpClient ect, ToolServer to) {
        McpSyncClient c = McpClient.sync(ect.configure(HttpClientStreamableHttpTransport.builder(to.url()).endpoint("/mcp")).build())
                .transportContextProvider(ect.contextProvider())
                .requestTimeout(Duration.ofSeconds(30))
                .build();
        c.initialize();
        open.add(0, c::close);
        return c;
    }

    McpSyncClient client(String from, ToolServer to) { return client(ectClient(from, to), to); }

    /** A raw MCP POST to {@code url}/mcp in session {@code sessionId} (none when null), with {@code token} as its ECT when not null. */
    static java.net.http.HttpResponse<String> post(String url, String sessionId, String body, String token) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        if (token != null) {
            b.header("Execution-Context", token);
        }
        return java.net.http.HttpClient.newHttpClient().send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** An MCP session id of {@code server}, opened by a plain SDK client (initialize carries no ECT). */
    String session(ToolServer server) {
        java.util.concurrent.atomic.AtomicReference<String> sid = new java.util.concurrent.atomic.AtomicReference<>();
        McpSyncClient c = McpClient.sync(HttpClientStreamableHttpTransport.builder(server.url()).endpoint("/mcp")
                .addHttpRequestCustomizer((b, m, u, body, ctx) -> b.copy().build().headers().firstValue("Mcp-Session-Id").ifPresent(sid::set))
                .build()).requestTimeout(Duration.ofSeconds(20)).build();
        c.initialize();
        c.listTools(); // carries the session id
        open.add(0, c::close);
        return sid.get();
    }

    /** The JSON-RPC body of a {@code tools/call} of {@code tool} with {@code arguments} (a JSON object). */
    static String toolCall(String id, String tool, String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}";
    }

    static McpSchema.CallToolResult text(String s) {
        return McpSchema.CallToolResult.builder().addTextContent(s).isError(false).build();
    }

    static String text(McpSchema.CallToolResult r) { return ((McpSchema.TextContent) r.content().get(0)).text(); }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
