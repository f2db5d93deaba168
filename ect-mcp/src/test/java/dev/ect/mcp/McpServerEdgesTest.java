package dev.ect.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.client.MissingContext;
import dev.ect.core.SignedEct;
import dev.ect.core.EctVerifier;
import dev.ect.core.Ect;
import dev.ect.core.EctHashes;
import dev.ect.core.context.TaskContext;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.InMemoryLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.client.AudienceResolver;
import dev.ect.httpclient.EctHttp;
import dev.ect.httpclient.EctHttpClient;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.modelcontextprotocol.server.McpServerFeatures;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Refusals, dependencies that fail, clients without ECT support, and outbound JDK HttpClient calls from a handler. */
class McpServerEdgesTest {
    private Agents agents;

    @BeforeEach
    void setUp() {
        agents = new Agents();
        for (String n : List.of("caller", "store", "tool")) {
            agents.key(n); // trusted by every server made afterwards
        }
    }

    @AfterEach
    void tearDown() throws Exception { agents.close(); }

    /** A ledger whose appends fail while {@code down} is set. */
    static final class FlakyLedger implements AuditLedger {
        final InMemoryLedger inner = new InMemoryLedger();
        final AtomicBoolean down = new AtomicBoolean();

        @Override
        public LedgerEntry append(SignedEct signed) {
            if (down.get()) {
                throw new IllegalStateException("disk on fire");
            }
            return inner.append(signed);
        }

        @Override public List<LedgerEntry> entries(long fromSeq, int limit) { return inner.entries(fromSeq, limit); }
        @Override public List<LedgerEntry> findEntries(String jti) { return inner.findEntries(jti); }
        @Override public List<LedgerEntry> entriesOfWorkflow(String wid) { return inner.entriesOfWorkflow(wid); }
        @Override public List<dev.ect.core.SignedEct> findByJti(String jti) { return inner.findByJti(jti); }
    }

    private static HttpResponse<String> post(String url, String sessionId, String body, String token) throws Exception {
        return Agents.post(url, sessionId, body, token);
    }

    private String session(Agents.ToolServer server) { return agents.session(server); }

    private static String toolCall(String id, String tool) { return Agents.toolCall(id, tool, "{}"); }

    @Test
    @DisplayName("T-06, V-15: a ledger that fails answers a tool call 503 ledger_unavailable as a JSON-RPC error, never a 500; later calls work")
    void failingLedgerIs503() throws Exception {
        FlakyLedger ledger = new FlakyLedger();
        Agents.ToolServer server = agents.server("echo", Map.of("echo", (ex, req) -> Agents.text("ok")), ledger,
                EctMcpServer.DEFAULT_MAX_BODY_BYTES);
        McpSyncClient client = agents.client(EctMcpClient.builder(agents.signer("caller"), agents.id("caller"))
                .audience(server.id()).build(), server);
        ledger.down.set(true);
        try (TaskContext.Scope s = TaskContext.root().makeCurrent()) {
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("echo", Map.of())))
                    .satisfies(e -> assertThat(EctMcpClient.reasonCode(e)).hasValue("ledger_unavailable"))
                    .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof EctMcpException m && m.status() == 503));
            ledger.down.set(false);
            assertThat(Agents.text(client.callTool(new McpSchema.CallToolRequest("echo", Map.of())))).isEqualTo("ok");
        }
        String sid = session(server);
        ledger.down.set(true);
        String body = toolCall("7", "echo");
        String token = agents.signer("caller").mint(Ect.builder().iss(agents.id("caller")).aud(server.id())
                .execAct("mcp.tools.call.echo").inpHash(EctHashes.sha256(body.getBytes(StandardCharsets.UTF_8))).build()).compact();
        HttpResponse<String> r = post(server.url(), sid, body, token);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"id\":\"7\"").contains("\"code\":" + EctMcp.JSONRPC_ECT_UNAVAILABLE)
                .contains("\"ect_error\":\"ledger_unavailable\"").doesNotContain("disk on fire");
    }

    @Test
    @DisplayName("C-07, T-12: an ECT minted for one tool sent with a call of another is refused invalid_claim, before anything is recorded")
    void execActMustNameTheCalledTool() throws Exception {
        Agents.ToolServer server = agents.server("tools", Map.of("read", (ex, req) -> Agents.text("r"),
                "delete", (ex, req) -> Agents.text("deleted")));
        String sid = session(server);
        String body = toolCall("1", "delete");
        String token = agents.signer("caller").mint(Ect.builder().iss(agents.id("caller")).aud(server.id())
                .execAct("mcp.tools.call.read").inpHash(EctHashes.sha256(body.getBytes(StandardCharsets.UTF_8))).build()).compact();
        HttpResponse<String> r = post(server.url(), sid, body, token);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("invalid_claim");
        assertThat(r.body()).contains("exec_act").contains("mcp.tools.call.delete").contains("\"id\":\"1\"");
        assertThat(agents.ledger.size()).isZero(); // nothing consumed, nothing recorded
        // without inp_hash
        String bare = agents.signer("caller").mint(Ect.builder().iss(agents.id("caller")).aud(server.id())
                .execAct("mcp.tools.call.delete").build()).compact();
        assertThat(post(server.url(), sid, body, bare).body()).contains("must carry inp_hash");
    }

    @Test
    @DisplayName("T-03: a request body over the filter's bound is 413 with a JSON-RPC error; a malformed token is malformed_token")
    void boundsAndMalformedTokens() throws Exception {
        Agents.ToolServer server = agents.server("small", Map.of("echo", (ex, req) -> Agents.text("ok")), agents.ledger, 1024);
        String sid = session(server);
        HttpResponse<String> big = post(server.url(), sid, toolCall("2", "x".repeat(2000)), "a.b.c");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(big.body()).contains("\"jsonrpc\":\"2.0\"");
        HttpResponse<String> malformed = post(server.url(), sid, toolCall("3", "echo"), "not-a-token");
        assertThat(malformed.statusCode()).isEqualTo(403);
        assertThat(malformed.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("malformed_token");
    }

    @Test
    @DisplayName("T-07: a plain SDK client (no ECT support) can list tools, but its tool call fails with the 403 and missing_ect")
    void plainSdkClientSeesMissingEct() throws Exception {
        Agents.ToolServer server = agents.server("echo", Map.of("echo", (ex, req) -> Agents.text("ok")));
        McpSyncClient plain = McpClient.sync(HttpClientStreamableHttpTransport.builder(server.url()).endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(20)).build();
        try {
            plain.initialize();
            assertThat(plain.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("echo");
            assertThatThrownBy(() -> plain.callTool(new McpSchema.CallToolRequest("echo", Map.of())))
                    .satisfies(e -> {
                        assertThat(EctMcpClient.reasonCode(e)).hasValue("missing_ect");
                        assertThat(causes(e)).anyMatch(McpTransportException.class::isInstance);
                    });
        } finally {
            plain.close();
        }
    }

    private static List<Throwable> causes(Throwable t) {
        java.util.ArrayList<Throwable> out = new java.util.ArrayList<>();
        for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
            out.add(c);
        }
        return out;
    }

    @Test
    @DisplayName("M-06, T-08: methods opt-in: resources/read carries an ECT (mcp.resources.read) and is answered with a response ECT")
    void resourceReadsCanCarryEcts() throws Exception {
        Set<String> methods = Set.of("tools/call", "resources/read");
        Agents.ToolServer docs = agents.server("docs", Map.of(), agents.ledger, EctMcpServer.DEFAULT_MAX_BODY_BYTES, methods,
                List.of(new McpServerFeatures.SyncResourceSpecification(
                        McpSchema.Resource.builder().uri("doc://spec").name("spec").mimeType("text/plain").build(),
                        (ex, req) -> new McpSchema.ReadResourceResult(List.of(
                                new McpSchema.TextResourceContents(req.uri(), "text/plain", "the profile"))))));
        McpSyncClient client = agents.client(EctMcpClient.builder(agents.signer("caller"), agents.id("caller"))
                .audience(docs.id()).methods(methods).responseVerifier(agents.responseVerifier("caller")).build(), docs);
        TaskContext task = TaskContext.root();
        try (TaskContext.Scope s = task.makeCurrent()) {
            assertThat(client.readResource(new McpSchema.ReadResourceRequest("doc://spec")).contents()).hasSize(1);
        }
        List<LedgerEntry> entries = agents.ledger.entries();
        assertThat(entries).extracting(LedgerEntry::execAct).containsExactly("mcp.resources.read", "mcp.resources.read");
        assertThat(entries.get(1).iss()).isEqualTo(docs.id());
        assertThat(task.frontier()).containsExactly(entries.get(1).jti());
        // a plain client reading the resource: refused, as tools/call would be
        McpSyncClient plain = McpClient.sync(HttpClientStreamableHttpTransport.builder(docs.url()).endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(20)).build();
        plain.initialize();
        assertThatThrownBy(() -> plain.readResource(new McpSchema.ReadResourceRequest("doc://spec")))
                .satisfies(e -> assertThat(EctMcpClient.reasonCode(e)).hasValue("missing_ect"));
        plain.close();
    }

    @Test
    @DisplayName("M-04: without a task context the call is a root task by default; with MissingContext.FAIL it is not sent")
    void missingContextPolicies() throws Exception {
        Agents.ToolServer server = agents.server("echo", Map.of("echo", (ex, req) ->
                Agents.text(String.valueOf(EctMcp.verifiedEct(ex).get().ect().pred().size()))));
        McpSyncClient root = agents.client("caller", server);
        assertThat(Agents.text(root.callTool(new McpSchema.CallToolRequest("echo", Map.of())))).isEqualTo("0");
        EctMcpClient failing = EctMcpClient.builder(agents.signer("caller"), agents.id("caller")).audience(server.id())
                .missingContext(MissingContext.FAIL).build();
        McpSyncClient strict = agents.client(failing, server);
        assertThatThrownBy(() -> strict.callTool(new McpSchema.CallToolRequest("echo", Map.of())))
                .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof EctMcpException m && "M-04".equals(m.ruleId())));
        assertThat(failing.pendingRequests()).isZero();
    }

    @Test
    @DisplayName("F-02, F-05: a JDK HttpClient call (ect-httpclient) from inside a tool handler chains onto the handler's task")
    void jdkHttpClientFromHandlerChainsOntoTask() throws Exception {
        // an HTTP agent behind the ECT filter that answers with the pred of the ECT it received
        Server http = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler ctx = new ServletContextHandler();
        FilterHolder f = new FilterHolder(new EctFilter(EctFilterConfig.builder().environment(Map.of())
                .verifier(EctVerifier.builder().verifierId(agents.id("store")).keySource(agents.trust()).ledger(agents.ledger).build())
                .ledger(agents.ledger).build()));
        ctx.addFilter(f, "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write(String.join(",", EctFilter.ect(req).orElseThrow().pred()));
            }
        }), "/*");
        EctHttpClient jdk = EctHttp.builder(agents.signer("tool"), agents.id("tool"))
                .audience(AudienceResolver.fixed(agents.id("store"))).build().wrap(HttpClient.newHttpClient());
        AtomicReference<String> inbound = new AtomicReference<>();
        Agents.ToolServer tool = agents.server("tool", Map.of("lookup", (ex, req) -> {
            inbound.set(EctMcp.verifiedEct(ex).get().ect().jti());
            try {
                String pred = jdk.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getURI().getPort() + "/x")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                return Agents.text(pred);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }));
        http.setHandler(ctx);
        http.start();
        try {
            McpSyncClient client = agents.client("caller", tool);
            String pred;
            try (TaskContext.Scope s = TaskContext.root().makeCurrent()) {
                pred = Agents.text(client.callTool(new McpSchema.CallToolRequest("lookup", Map.of())));
            }
            assertThat(pred).isEqualTo(inbound.get());
        } finally {
            http.stop();
        }
    }
}
