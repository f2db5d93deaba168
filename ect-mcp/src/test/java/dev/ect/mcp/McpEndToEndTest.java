package dev.ect.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.Ect;
import dev.ect.core.EctAlgorithm;
import dev.ect.core.EctHashes;
import dev.ect.core.EctSigner;
import dev.ect.core.context.TaskContext;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.view.WorkflowDag;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The real SDK client against the real SDK server (servlet transport in embedded Jetty), over HTTP. */
class McpEndToEndTest {
    private Agents agents;
    private Agents.ToolServer search;
    private Agents.ToolServer summarize;
    private Agents.ToolServer fetch;
    private final Map<String, TaskContext> seenContext = new ConcurrentHashMap<>();
    private final Map<String, Ect> seenInbound = new ConcurrentHashMap<>();
    private final Map<String, String> seenThread = new ConcurrentHashMap<>();
    private final AtomicReference<McpSyncClient> summarizeToFetch = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        agents = new Agents();
        agents.key("planner");
        agents.key("summarize");
        fetch = agents.server("fetch", Map.of("fetch", (ex, req) -> {
            remember("fetch", ex);
            return Agents.text("page about " + req.arguments().get("url"));
        }));
        search = agents.server("search", Map.of("search", (ex, req) -> {
            remember("search", ex);
            return Agents.text("3 hits for " + req.arguments().get("q"));
        }, "structured", (ex, req) -> {
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("b", 1);
            data.put("a", List.of(1.5, "x", true));
            data.put("nested", Map.of("z", "\u00e4\u2028\uD83D\uDCA5"));
            data.put("big", 12345678901234L);
            return McpSchema.CallToolResult.builder().addTextContent("with structure").structuredContent(data)
                    .addContent(McpSchema.TextContent.builder("second").build()).isError(false).build();
        }, "chatty", (ex, req) -> {
            ex.loggingNotification(McpSchema.LoggingMessageNotification.builder()
                    .level(McpSchema.LoggingLevel.ERROR).logger("chatty").data("working on it").build());
            return Agents.text("done");
        }, "rank", (ex, req) -> {
            remember("rank", ex);
            return Agents.text("ranked");
        }));
        summarize = agents.server("summarize", Map.of("summarize", (ex, req) -> {
            remember("summarize", ex);
            // a nested tool call from inside the handler: it chains onto the handler's task
            McpSchema.CallToolResult page = summarizeToFetch.get()
                    .callTool(new McpSchema.CallToolRequest("fetch", Map.of("url", "https://example.com")));
            return Agents.text("summary of " + Agents.text(page));
        }));
        summarizeToFetch.set(agents.client("summarize", fetch));
    }

    private void remember(String tool, io.modelcontextprotocol.server.McpSyncServerExchange ex) {
        TaskContext current = TaskContext.current().orElse(null);
        seenContext.put(tool, current);
        EctMcp.verifiedEct(ex).ifPresent(v -> seenInbound.put(tool, v.ect()));
        seenThread.put(tool, Thread.currentThread().getName());
        assertThat(EctMcp.taskContext(ex)).containsSame(current);
    }

    @AfterEach
    void stop() throws Exception { agents.close(); }

    private List<LedgerEntry> entries() { return agents.ledger.entries(); }

    private LedgerEntry entry(String iss, String execAct) {
        return entries().stream().filter(e -> e.iss().equals(iss) && e.execAct().equals(execAct)).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("C-07, C-09, V-12: a tool call carries a verified ECT with exec_act mcp.tools.call.<tool> and inp_hash of its body")
    void toolCallCarriesVerifiedEct() {
        McpSyncClient client = agents.client("planner", search);
        TaskContext task = TaskContext.root();
        McpSchema.CallToolResult r;
        try (TaskContext.Scope s = task.makeCurrent()) {
            r = client.callTool(new McpSchema.CallToolRequest("search", Map.of("q", "ect")));
        }
        assertThat(Agents.text(r)).isEqualTo("3 hits for ect");
        Ect inbound = seenInbound.get("search");
        assertThat(inbound.iss()).isEqualTo(agents.id("planner"));
        assertThat(inbound.aud()).containsExactly(search.id());
        assertThat(inbound.execAct()).isEqualTo("mcp.tools.call.search");
        assertThat(EctHashes.isValid(inbound.inpHash())).isTrue();
        assertThat(inbound.wid()).isEqualTo(task.wid());
        assertThat(inbound.pred()).isEmpty(); // a root task's first call
        // the filter recorded it (L3): exactly once
        assertThat(agents.ledger.findEntries(inbound.jti())).hasSize(1);
        // initialize, notifications/initialized: plumbing, no ECT
        assertThat(entries()).extracting(LedgerEntry::execAct).doesNotContain("mcp.initialize");
    }

    @Test
    @DisplayName("F-01, F-05: the tool handler runs on the SDK's thread with its request's task as the current task context")
    void handlerSeesItsTask() {
        McpSyncClient client = agents.client("planner", search);
        try (TaskContext.Scope s = TaskContext.root().makeCurrent()) {
            client.callTool(new McpSchema.CallToolRequest("search", Map.of("q", "x")));
        }
        TaskContext ctx = seenContext.get("search");
        assertThat(ctx).isNotNull();
        assertThat(ctx.inbound().jti()).isEqualTo(seenInbound.get("search").jti());
        assertThat(ctx.frontier()).containsExactly(seenInbound.get("search").jti());
        assertThat(seenThread.get("search")).doesNotContain("qtp"); // not Jetty's request thread: the SDK's own
    }

    @Test
    @DisplayName("F-02, M-04, F-04: a nested tool call from inside a handler has the handler's task as pred; the answer descends from it")
    void nestedCallChainsOntoHandlersTask() {
        McpSyncClient client = agents.client("planner", summarize);
        McpSchema.CallToolResult r;
        try (TaskContext.Scope s = TaskContext.root().makeCurrent()) {
            r = client.callTool(new McpSchema.CallToolRequest("summarize", Map.of("text", "t")));
        }
        assertThat(Agents.text(r)).isEqualTo("summary of page about https://example.com");
        Ect summarizeTask = seenInbound.get("summarize");
        Ect fetchTask = seenInbound.get("fetch");
        assertThat(fetchTask.iss()).isEqualTo(agents.id("summarize"));
        assertThat(fetchTask.pred()).containsExactly(summarizeTask.jti());
        assertThat(fetchTask.wid()).isEqualTo(summarizeTask.wid());
        // summarize's answer to the planner depends on fetch's answer (F-04), which the planner accepted
        LedgerEntry fetchAnswer = entry(fetch.id(), "mcp.tools.call.fetch");
        LedgerEntry summarizeAnswer = entry(summarize.id(), "mcp.tools.call.summarize");
        assertThat(summarizeAnswer.pred()).containsExactly(fetchAnswer.jti());
    }

    @Test
    @DisplayName("F-03 (section 11): two parallel tool calls, then a third: its pred is both answers (fan-out, fan-in)")
    void parallelCallsFanIn() throws Exception {
        McpSyncClient toSearch = agents.client("planner", search);
        McpSyncClient toSummarize = agents.client("planner", summarize);
        TaskContext task = TaskContext.root();
        ExecutorService pool = TaskContext.wrap(Executors.newFixedThreadPool(2));
        try (TaskContext.Scope s = task.makeCurrent()) {
            CompletableFuture<McpSchema.CallToolResult> a = CompletableFuture.supplyAsync(
                    () -> toSearch.callTool(new McpSchema.CallToolRequest("search", Map.of("q", "ect"))), pool);
            CompletableFuture<McpSchema.CallToolResult> b = CompletableFuture.supplyAsync(
                    () -> toSummarize.callTool(new McpSchema.CallToolRequest("summarize", Map.of("text", "t"))), pool);
            CompletableFuture.allOf(a, b).get();
            toSearch.callTool(new McpSchema.CallToolRequest("rank", Map.of()));
        } finally {
            pool.shutdown();
        }
        LedgerEntry searchReq = entry(agents.id("planner"), "mcp.tools.call.search");
        LedgerEntry summarizeReq = entry(agents.id("planner"), "mcp.tools.call.summarize");
        LedgerEntry searchAnswer = entry(search.id(), "mcp.tools.call.search");
        LedgerEntry summarizeAnswer = entry(summarize.id(), "mcp.tools.call.summarize");
        LedgerEntry rank = entry(agents.id("planner"), "mcp.tools.call.rank");
        assertThat(searchReq.pred()).isEmpty();
        assertThat(summarizeReq.pred()).isEmpty();
        assertThat(searchAnswer.pred()).containsExactly(searchReq.jti());
        assertThat(rank.pred()).containsExactlyInAnyOrder(searchAnswer.jti(), summarizeAnswer.jti());
        LedgerEntry rankAnswer = entry(search.id(), "mcp.tools.call.rank");
        assertThat(task.frontier()).containsExactly(rankAnswer.jti());
        WorkflowDag dag = WorkflowDag.of(agents.ledger, task.wid());
        assertThat(dag.unresolved()).isEmpty();
        assertThat(dag.toMermaid()).startsWith("flowchart");
        assertThat(agents.ledger.verifyChain().ok()).isTrue();
    }

    @Test
    @DisplayName("F-02, M-04: an async SDK client passes the task through Reactor's context (McpTransportContext.KEY), no thread-local")
    void asyncClientCarriesTheTaskInReactorsContext() {
        EctMcpClient ect = agents.ectClient("planner", search);
        io.modelcontextprotocol.client.McpAsyncClient async = McpClient.async(
                ect.configure(HttpClientStreamableHttpTransport.builder(search.url()).endpoint("/mcp")).build())
                .requestTimeout(Duration.ofSeconds(30)).build();
        try {
            async.initialize().block();
            TaskContext task = TaskContext.root();
            McpSchema.CallToolResult r = async.callTool(new McpSchema.CallToolRequest("search", Map.of("q", "async")))
                    .contextWrite(c -> c.put(io.modelcontextprotocol.common.McpTransportContext.KEY, EctMcpClient.transportContext(task)))
                    .block();
            assertThat(Agents.text(r)).isEqualTo("3 hits for async");
            assertThat(seenInbound.get("search").wid()).isEqualTo(task.wid());
            assertThat(task.frontier()).containsExactly(entry(search.id(), "mcp.tools.call.search").jti());
        } finally {
            async.closeGracefully().block();
        }
    }

    @Test
    @DisplayName("T-08, C-09: the response ECT's out_hash is the SHA-256 of the tool result the client received")
    void responseEctOutHashMatchesResult() {
        McpSyncClient client = agents.client("planner", search);
        McpSchema.CallToolResult r;
        try (TaskContext.Scope s = TaskContext.root().makeCurrent()) {
            r = client.callTool(new McpSchema.CallToolRequest("search", Map.of("q", "hash me")));
        }
        LedgerEntry answer = entry(search.id(), "mcp.tools.call.search");
        Ect ect = answer.ect();
        assertThat(ect.aud()).containsExactly(agents.id("planner"));
        assertThat(ect.outHash()).isEqualTo(EctMcp.outHash(r));
        assertThat(EctMcp.outHash(Agents.text("something else"))).isNotEqualTo(ect.outHash());
    }

    @Test
    @DisplayName("T-08, F-03: a tool that notifies before its result still answers with a response ECT, without out_hash (documented limit)")
    void notificationBeforeResult() {
        McpSyncClient client = agents.client("planner", search);
        TaskContext task = TaskContext.root();
        McpSchema.CallToolResult r;
        try (TaskContext.Scope s = task.makeCurrent()) {
            r = client.callTool(new McpSchema.CallToolRequest("chatty", Map.of()));
        }
        assertThat(Agents.text(r)).isEqualTo("done");
        LedgerEntry answer = entry(search.id(), "mcp.tools.call.chatty");
        assertThat(task.frontier()).containsExactly(answer.jti());
        assertThat(answer.ect().outHash()).isNull();
    }

    @Test
    @DisplayName("T-08, C-09: out_hash matches for structured content, several content items and non-ASCII text; inp_hash for non-ASCII arguments")
    void outHashMatchesStructuredResults() {
        McpSyncClient client = agents.client("planner", search);
        McpSchema.CallToolResult r;
        try (TaskContext.Scope s = TaskContext.root().makeCurrent()) {
            // non-ASCII arguments: inp_hash is over the UTF-8 bytes the SDK sends (the server's check would refuse otherwise)
            r = client.callTool(new McpSchema.CallToolRequest("structured", Map.of("q", "\u00e4\u2028\uD83D\uDCA5 \"quoted\"")));
        }
        assertThat(r.structuredContent()).isNotNull();
        LedgerEntry answer = entry(search.id(), "mcp.tools.call.structured");
        assertThat(answer.ect().outHash()).isEqualTo(EctMcp.outHash(r));
    }

    /** Records the HTTP requests the SDK sends (after the ECT customizer ran). */
    private static final class Recorder {
        final List<HttpRequest> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();

        void record(HttpRequest.Builder b, String body) {
            requests.add(b.copy().build());
            bodies.add(body);
        }

        int lastToolCall() {
            for (int i = bodies.size() - 1; i >= 0; i--) {
                if (bodies.get(i) != null && bodies.get(i).contains("\"tools/call\"")) {
                    return i;
                }
            }
            throw new AssertionError("no tools/call sent");
        }
    }

    private McpSyncClient recordingClient(Recorder rec, EctMcpClient ect, Agents.ToolServer to,
            io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer more) {
        HttpClientStreamableHttpTransport.Builder tb = ect.configure(HttpClientStreamableHttpTransport.builder(to.url()).endpoint("/mcp"));
        if (more != null) {
            tb.addHttpRequestCustomizer(more);
        }
        tb.addHttpRequestCustomizer((b, method, uri, body, ctx) -> rec.record(b, body));
        McpSyncClient c = McpClient.sync(tb.build()).transportContextProvider(ect.contextProvider())
                .requestTimeout(Duration.ofSeconds(30)).build();
        c.initialize();
        return c;
    }

    private static HttpResponse<String> resend(HttpRequest original, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(original.uri()).POST(HttpRequest.BodyPublishers.ofString(body));
        original.headers().map().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Execution-Context") && !name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("host")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        if (token != null) {
            b.header("Execution-Context", token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("V-14, T-04: a replayed tool call is refused with 403, a JSON-RPC error naming replay, and nothing is recorded twice")
    void replayedToolCallIsRefused() throws Exception {
        Recorder rec = new Recorder();
        McpSyncClient client = recordingClient(rec, agents.ectClient("planner", search), search, null);
        try (TaskContext.Scope s = TaskContext.root().makeCurrent()) {
            client.callTool(new McpSchema.CallToolRequest("search", Map.of("q", "once")));
        } finally {
            client.close();
        }
        int i = rec.lastToolCall();
        HttpRequest sent = rec.requests.get(i);
        String token = sent.headers().firstValue("Execution-Context").orElseThrow();
        long before = agents.ledger.size();
        HttpResponse<String> replay = resend(sent, rec.bodies.get(i), token);
        assertThat(replay.statusCode()).isEqualTo(403);
        assertThat(replay.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(replay.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("replay");
        assertThat(replay.body()).contains("\"jsonrpc\":\"2.0\"").contains("\"code\":" + EctMcp.JSONRPC_ECT_REJECTED)
                .contains("\"ect_error\":\"replay\"").doesNotContain(token);
        assertThat(agents.ledger.size()).isEqualTo(before);
    }

    @Test
    @DisplayName("V-08, T-04: a tool call with a forged ECT is refused: the MCP client sees the 403 and the reason invalid_signature")
    void forgedEctIsRefused() {
        EctSigner forger = EctSigner.builder(EctKeys.generate(EctAlgorithm.ES256, "planner-1")).build(); // same kid, other key
        Recorder rec = new Recorder();
        String planner = agents.id("planner");
        McpSyncClient client = recordingClient(rec, agents.ectClient("planner", search), search, (b, method, uri, body, ctx) -> {
            if (body != null && body.contains("\"tools/call\"")) {
                b.setHeader("Execution-Context", forger.mint(Ect.builder().iss(planner).aud(search.id())
                        .execAct("mcp.tools.call.search").inpHash(EctHashes.sha256(body.getBytes(StandardCharsets.UTF_8)))
                        .build()).compact());
            }
        });
        long before = agents.ledger.size();
        try (TaskContext.Scope s = TaskContext.root().makeCurrent()) {
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("search", Map.of("q", "forged"))))
                    .satisfies(e -> assertThat(EctMcpClient.reasonCode(e)).hasValue("invalid_signature"));
        } finally {
            client.close();
        }
        assertThat(seenInbound).doesNotContainKey("search"); // the handler never ran
        assertThat(agents.ledger.size()).isEqualTo(before);
    }

    @Test
    @DisplayName("T-07, C-09, G-01: a tool call without an ECT is missing_ect; a captured ECT with another body is refused (replay: the DAG rules run before the binding), a fresh one invalid_claim; all 403 JSON-RPC errors")
    void missingAndMismatchedEcts() throws Exception {
        Recorder rec = new Recorder();
        McpSyncClient client = recordingClient(rec, agents.ectClient("planner", search), search, null);
        try (TaskContext.Scope s = TaskContext.root().makeCurrent()) {
            client.callTool(new McpSchema.CallToolRequest("search", Map.of("q", "a")));
        }
        int i = rec.lastToolCall();
        HttpRequest sent = rec.requests.get(i);
        String body = rec.bodies.get(i);
        HttpResponse<String> missing = resend(sent, body.replace("\"q\":\"a\"", "\"q\":\"b\""), null);
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(missing.body()).contains("\"ect_error\":\"missing_ect\"");
        String token = sent.headers().firstValue("Execution-Context").orElseThrow();
        String dropTable = body.replace("\"q\":\"a\"", "\"q\":\"drop table\"");
        long before = agents.ledger.size();
        HttpResponse<String> swapped = resend(sent, dropTable, token);
        assertThat(swapped.statusCode()).isEqualTo(403);
        // the captured token was accepted once already: G-01 (identical resubmission) decides before the binding
        assertThat(swapped.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("replay");
        // a fresh token minted for the original body, sent with the other one: the binding refuses it
        String fresh = agents.signer("planner").mint(Ect.builder().iss(agents.id("planner")).aud(search.id())
                .execAct("mcp.tools.call.search").inpHash(EctHashes.sha256(body.getBytes(StandardCharsets.UTF_8))).build()).compact();
        HttpResponse<String> rebound = resend(sent, dropTable, fresh);
        assertThat(rebound.statusCode()).isEqualTo(403);
        assertThat(rebound.headers().firstValue(EctMcp.ERROR_HEADER)).hasValue("invalid_claim");
        assertThat(rebound.body()).contains("inp_hash").doesNotContain(fresh);
        assertThat(agents.ledger.size()).isEqualTo(before);
        client.close();
    }

    @Test
    @DisplayName("T-08, F-03: a response ECT that does not answer the request is refused; the call fails and the frontier stays")
    void foreignResponseEctIsRefused() {
        // the planner trusts search's key but gets answers from a server that signs with summarize's key
        EctMcpClient ect = EctMcpClient.builder(agents.signer("planner"), agents.id("planner")).audience(search.id())
                .responseVerifier(dev.ect.core.EctVerifier.builder().verifierId(agents.id("planner"))
                        .keySource(dev.ect.core.keys.StaticKeySource.builder().key(agents.id("fetch"), agents.key("fetch")).build())
                        .ectStore(EctMcpClient.mintedEctStore(agents.ledger)).build())
                .build();
        McpSyncClient client = agents.client(ect, search);
        TaskContext task = TaskContext.root();
        try (TaskContext.Scope s = task.makeCurrent()) {
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("search", Map.of("q", "x"))))
                    .satisfies(e -> assertThat(EctMcpClient.reasonCode(e)).hasValue("unknown_key"));
        }
        assertThat(task.frontier()).isEmpty();
        assertThat(URI.create(search.url())).isNotNull();
    }
}
