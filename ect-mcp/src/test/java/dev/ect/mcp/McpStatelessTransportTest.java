package dev.ect.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctVerifier;
import dev.ect.core.context.TaskContext;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.servlet.EctFilterConfig;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The SDK's stateless servlet transport ({@link HttpServletStatelessServerTransport}: one JSON
 * answer per POST, no session, no SSE) behind {@link EctMcpServer#filter()}, called by the real SDK
 * client with {@link EctMcpClient}, in embedded Jetty. It works: tool calls are verified and bound
 * to their request, answered with a response ECT the client folds into its frontier, and refused
 * as JSON-RPC errors; {@link EctMcpServer#statelessTool} gives the handler its task and the
 * response ECT its {@code out_hash}, as {@link EctMcpServer#tool} does for the session transport.
 */
class McpStatelessTransportTest {
    private Agents agents;
    private Server jetty;
    private McpStatelessSyncServer mcp;
    private String url;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        agents = new Agents();
        agents.key("planner");
        String id = agents.id("stateless");
        EctMcpServer ect = EctMcpServer.builder(EctFilterConfig.builder().environment(Map.of())
                .verifier(EctVerifier.builder().verifierId(id).keySource(agents.trust()).ledger(agents.ledger).build())
                .ledger(agents.ledger).responseSigner(agents.signer("stateless")).build()).build();
        HttpServletStatelessServerTransport transport = HttpServletStatelessServerTransport.builder()
                .messageEndpoint("/mcp").contextExtractor(ect.contextExtractor()).build();
        McpStatelessServerFeatures.SyncToolSpecification echo = McpStatelessServerFeatures.SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name("echo").description("echo").inputSchema(Map.of("type", "object")).build())
                .callHandler((ctx, req) -> {
                    TaskContext current = TaskContext.current().orElse(null);
                    seen.add(current == null ? "none" : current.inbound().jti() + "|" + EctMcp.taskContext(ctx).get().inbound().jti());
                    return Agents.text("echo " + req.arguments().get("q"));
                }).build();
        mcp = McpServer.sync(transport).serverInfo("stateless", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(ect.statelessTools(List.of(echo))).build();
        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler ctx = new ServletContextHandler();
        ServletHolder servlet = new ServletHolder(transport);
        servlet.setAsyncSupported(true);
        ctx.addServlet(servlet, "/mcp");
        FilterHolder filter = new FilterHolder(ect.filter());
        filter.setAsyncSupported(true);
        ctx.addFilter(filter, "/mcp", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        jetty.setHandler(ctx);
        jetty.start();
        url = "http://127.0.0.1:" + jetty.getURI().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        mcp.closeGracefully();
        jetty.stop();
        agents.close();
    }

    private McpSyncClient client(EctMcpClient ect) {
        McpSyncClient c = McpClient.sync(ect.configure(HttpClientStreamableHttpTransport.builder(url).endpoint("/mcp")).build())
                .transportContextProvider(ect.contextProvider()).requestTimeout(Duration.ofSeconds(20)).build();
        c.initialize();
        return c;
    }

    @Test
    @DisplayName("V-15, T-08, F-03: a stateless tool call is verified and recorded, the handler runs in its task, and the response ECT (exec_act, out_hash) joins the caller's frontier")
    void statelessToolCallCarriesEctsBothWays() {
        McpSyncClient client = client(EctMcpClient.builder(agents.signer("planner"), agents.id("planner"))
                .audience(agents.id("stateless")).responseVerifier(agents.responseVerifier("planner")).build());
        TaskContext task = TaskContext.root();
        McpSchema.CallToolResult result;
        try (TaskContext.Scope s = task.makeCurrent()) {
            result = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("q", "hi")));
        } finally {
            client.close();
        }
        assertThat(Agents.text(result)).isEqualTo("echo hi");
        List<LedgerEntry> entries = agents.ledger.entries();
        assertThat(entries).extracting(LedgerEntry::execAct).containsExactly("mcp.tools.call.echo", "mcp.tools.call.echo");
        LedgerEntry request = entries.get(0);
        LedgerEntry answer = entries.get(1);
        assertThat(answer.iss()).isEqualTo(agents.id("stateless"));
        assertThat(answer.ect().pred()).containsExactly(request.jti());
        assertThat(answer.ect().outHash()).isEqualTo(EctMcp.outHash(result));
        assertThat(seen).containsExactly(request.jti() + "|" + request.jti()); // current on the handler's thread, and in the transport context
        assertThat(task.frontier()).containsExactly(answer.jti());
    }

    @Test
    @DisplayName("T-07, V-14, C-09: on the stateless transport a tool call without an ECT is missing_ect, a replayed one replay, one with another body invalid_claim; JSON-RPC errors, nothing recorded twice")
    void statelessRefusals() throws Exception {
        McpSyncClient plain = McpClient.sync(HttpClientStreamableHttpTransport.builder(url).endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(20)).build();
        try {
            plain.initialize(); // plumbing: no ECT needed
            assertThatThrownBy(() -> plain.callTool(new McpSchema.CallToolRequest("echo", Map.of("q", "x"))))
                    .satisfies(e -> assertThat(EctMcpClient.reasonCode(e)).hasValue("missing_ect"));
        } finally {
            plain.close();
        }
        assertThat(seen).isEmpty();
        String body = Agents.toolCall("9", "echo", "{\"q\":\"raw\"}");
        String token = agents.signer("planner").mint(dev.ect.core.Ect.builder().iss(agents.id("planner")).aud(agents.id("stateless"))
                .execAct("mcp.tools.call.echo").inpHash(dev.ect.core.EctHashes.sha256(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .build()).compact();
        java.net.http.HttpResponse<String> ok = Agents.post(url, null, body, token);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(ok.headers().firstValue("Execution-Context")).isPresent(); // the response ECT
        assertThat(ok.body()).contains("echo raw");
        java.net.http.HttpResponse<String> again = Agents.post(url, null, body, token);
        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(again.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("replay");
        assertThat(again.body()).contains("\"id\":\"9\"").contains("\"code\":" + EctMcp.JSONRPC_ECT_REJECTED);
        String fresh = agents.signer("planner").mint(dev.ect.core.Ect.builder().iss(agents.id("planner")).aud(agents.id("stateless"))
                .execAct("mcp.tools.call.echo").inpHash(dev.ect.core.EctHashes.sha256(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .build()).compact();
        java.net.http.HttpResponse<String> other = Agents.post(url, null, body.replace("raw", "cooked"), fresh);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("invalid_claim");
        assertThat(other.body()).contains("inp_hash");
        assertThat(seen).hasSize(1);
        assertThat(agents.ledger.size()).isEqualTo(1); // the request; the raw caller records no answer
    }
}
