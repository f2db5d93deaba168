package dev.ect.examples;

import dev.ect.core.Ect;
import dev.ect.core.EctHashes;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.context.TaskContext;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.ChainVerification;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.view.WorkflowDag;
import dev.ect.mcp.EctMcp;
import dev.ect.mcp.EctMcpClient;
import dev.ect.mcp.EctMcpServer;
import dev.ect.servlet.EctFilterConfig;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/**
 * AI agents calling each other's tools over MCP (the official MCP Java SDK, Streamable HTTP), with an
 * ECT on every tool call. No LLM and no network: everything runs on 127.0.0.1 in one JVM.
 *
 * <p>A planner agent (an SDK MCP client) calls two tool servers in parallel, {@code search} and
 * {@code summarize}; the summarize tool calls a third tool server, {@code fetch}, from inside its
 * handler; then the planner calls {@code rank} with both answers. Each tool server is the SDK's servlet
 * transport in Jetty behind {@link EctMcpServer}; each client is the SDK's client with
 * {@link EctMcpClient}. The tool handlers contain no ECT code. Every ECT, requests and response ECTs,
 * goes to one hash-chained file ledger, which then shows the fan-out/fan-in DAG. Then a replayed tool
 * call and a tool call with a forged ECT must be refused.
 *
 * <pre>
 * mvn -q -B -pl ect-examples -am package -Dmaven.test.skip=true &amp;&amp; java -cp ect-examples/target/ect-demo.jar dev.ect.examples.McpAgentsDemo
 * </pre>
 *
 * Exit code 0 when every check passed, 1 otherwise (each miss is printed).
 */
public final class McpAgentsDemo {
    static final String DOMAIN = "spiffe://demo.example/mcp/";

    private McpAgentsDemo() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.logFile", System.getProperty("org.slf4j.simpleLogger.logFile", "System.err"));
        // the SDK logs each refused request at ERROR/WARN: expected here, keep the story readable
        System.setProperty("org.slf4j.simpleLogger.log.io.modelcontextprotocol", "off");
        Path out = args.length > 0 ? Path.of(args[0])
                : Files.isDirectory(Path.of("ect-examples")) ? Path.of("ect-examples", "target", "mcp-demo") : Path.of("target", "mcp-demo");
        List<String> failures = run(out, System.out);
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    /** One agent: an id and a key. */
    record Agent(String name, String id, EctKeyPair key) {
        EctSigner signer() { return EctSigner.builder(key).build(); }
    }

    /** Runs the demo; returns the failed checks (empty: all passed). Never calls System.exit. */
    public static List<String> run(Path out, PrintStream p) throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(out);
        Path ledgerFile = out.resolve("ledger.jsonl");
        Files.deleteIfExists(ledgerFile);
        Files.deleteIfExists(out.resolve("ledger.jsonl.lock"));
        List<String> failures = new ArrayList<>();
        Map<String, Agent> agents = new LinkedHashMap<>();
        for (String n : List.of("planner", "search", "summarize", "fetch")) {
            agents.put(n, new Agent(n, DOMAIN + n, EctKeys.generate(n + "-1")));
        }
        StaticKeySource.Builder tb = StaticKeySource.builder();
        agents.values().forEach(a -> tb.key(a.id(), a.key()));
        StaticKeySource trust = tb.build();
        List<AutoCloseable> open = new ArrayList<>();

        p.println("ECT over MCP: AI agents calling tools with the official MCP Java SDK");
        p.println("==================================================================");
        p.println();
        try (FileLedger ledger = FileLedger.open(ledgerFile)) {
            // --- the tools: plain SDK tool handlers, no ECT code ---
            String fetchUrl = startServer(agents.get("fetch"), trust, ledger, open, Map.of(
                    "fetch", (ex, req) -> text("<html>ECTs record which task an agent did for whom</html>")));
            McpSyncClient[] summarizeToFetch = new McpSyncClient[1];
            String summarizeUrl = startServer(agents.get("summarize"), trust, ledger, open, Map.of(
                    "summarize", (ex, req) -> {
                        String page = textOf(summarizeToFetch[0].callTool(
                                new McpSchema.CallToolRequest("fetch", Map.of("url", "https://example.com/ect"))));
                        return text("summary: " + page.replaceAll("<[^>]+>", "").toLowerCase());
                    }));
            String searchUrl = startServer(agents.get("search"), trust, ledger, open, Map.of(
                    "search", (ex, req) -> text("3 documents about " + req.arguments().get("q")),
                    "rank", (ex, req) -> text("ranked: " + req.arguments().get("items"))));
            summarizeToFetch[0] = client(agents.get("summarize"), agents.get("fetch"), fetchUrl, trust, ledger, open, null);

            p.println("Tool servers (SDK servlet transport in Jetty + EctMcpServer, own ES256 key each):");
            p.printf("  %-10s %-36s %s  tools: search, rank%n", "search", agents.get("search").id(), searchUrl);
            p.printf("  %-10s %-36s %s  tools: summarize (calls fetch)%n", "summarize", agents.get("summarize").id(), summarizeUrl);
            p.printf("  %-10s %-36s %s  tools: fetch%n", "fetch", agents.get("fetch").id(), fetchUrl);
            p.printf("  %-10s %-36s (SDK client + EctMcpClient)%n", "planner", agents.get("planner").id());
            p.println();

            // --- the planner: plain SDK calls inside one task context ---
            Recorder rec = new Recorder();
            McpSyncClient toSearch = client(agents.get("planner"), agents.get("search"), searchUrl, trust, ledger, open, rec);
            McpSyncClient toSummarize = client(agents.get("planner"), agents.get("summarize"), summarizeUrl, trust, ledger, open, null);
            TaskContext task = TaskContext.root();
            ExecutorService pool = TaskContext.wrap(Executors.newFixedThreadPool(2));
            String ranked;
            try (TaskContext.Scope s = task.makeCurrent()) {
                CompletableFuture<String> hits = CompletableFuture.supplyAsync(() -> textOf(
                        toSearch.callTool(new McpSchema.CallToolRequest("search", Map.of("q", "execution context tokens")))), pool);
                CompletableFuture<String> summary = CompletableFuture.supplyAsync(() -> textOf(
                        toSummarize.callTool(new McpSchema.CallToolRequest("summarize", Map.of("topic", "ECT")))), pool);
                ranked = textOf(toSearch.callTool(new McpSchema.CallToolRequest("rank",
                        Map.of("items", List.of(hits.join(), summary.join())))));
            } finally {
                pool.shutdown();
            }
            p.println("1. The planner called search and summarize in parallel (summarize called fetch),");
            p.println("   then rank with both answers. Every tool call carried an ECT; every answer a response ECT:");
            p.println();
            List<LedgerEntry> entries = ledger.entriesOfWorkflow(task.wid());
            Map<String, String> names = new LinkedHashMap<>();
            agents.values().forEach(a -> names.put(a.id(), a.name()));
            p.printf("   %3s  %-10s    %-10s  %-26s %-8s  %s%n", "seq", "from", "to", "exec_act", "jti", "pred");
            for (LedgerEntry e : entries) {
                Ect ect = e.ect();
                p.printf("   %3d  %-10s -> %-10s  %-26s %-8s  %s%n", e.seq(), names.getOrDefault(e.iss(), e.iss()),
                        names.getOrDefault(ect.aud().get(0), ect.aud().get(0)), e.execAct(), shortId(e.jti()),
                        e.pred().isEmpty() ? "(root)" : String.join(", ", e.pred().stream().map(McpAgentsDemo::shortId).toList()));
            }
            p.println();
            p.println("   planner's result: " + ranked);
            p.println();

            // --- the checks on the DAG ---
            LedgerEntry searchReq = find(entries, agents.get("planner").id(), "mcp.tools.call.search");
            LedgerEntry summarizeReq = find(entries, agents.get("planner").id(), "mcp.tools.call.summarize");
            LedgerEntry fetchReq = find(entries, agents.get("summarize").id(), "mcp.tools.call.fetch");
            LedgerEntry searchAns = find(entries, agents.get("search").id(), "mcp.tools.call.search");
            LedgerEntry summarizeAns = find(entries, agents.get("summarize").id(), "mcp.tools.call.summarize");
            LedgerEntry fetchAns = find(entries, agents.get("fetch").id(), "mcp.tools.call.fetch");
            LedgerEntry rankReq = find(entries, agents.get("planner").id(), "mcp.tools.call.rank");
            check(failures, entries.size() == 8, "8 ECTs in the workflow (4 tool calls, 4 answers), found " + entries.size());
            if (failures.isEmpty()) {
                check(failures, searchReq.pred().isEmpty() && summarizeReq.pred().isEmpty(), "fan-out: both first calls are roots");
                check(failures, fetchReq.pred().equals(List.of(summarizeReq.jti())), "nested: fetch's ECT has summarize's task as pred");
                check(failures, summarizeAns.pred().equals(List.of(fetchAns.jti())), "summarize's answer depends on fetch's answer (F-04)");
                check(failures, rankReq.pred().size() == 2 && rankReq.pred().containsAll(List.of(searchAns.jti(), summarizeAns.jti())),
                        "fan-in: rank's ECT has both answers as pred");
                check(failures, rankReq.ect().inpHash() != null && searchReq.ect().inpHash() != null, "every tool call carries inp_hash");
                check(failures, searchAns.ect().outHash() != null, "every answer carries out_hash");
            }
            WorkflowDag dag = WorkflowDag.of(ledger, task.wid());
            check(failures, dag.unresolved().isEmpty(), "every pred resolves in the ledger");
            String mermaid = dag.toMermaid();
            Files.writeString(out.resolve("workflow.mmd"), mermaid);
            p.println("2. The workflow DAG (Mermaid, also in " + out.resolve("workflow.mmd") + "):");
            p.println();
            mermaid.lines().forEach(l -> p.println("   " + l));
            p.println();

            // --- the attacks ---
            p.println("3. Attacks on the search tool server (each must be refused with 403 and its reason code):");
            long before = ledger.size();
            int i = rec.lastToolCall();
            HttpRequest sent = rec.requests.get(i);
            HttpResponse<String> replay = resend(sent, rec.bodies.get(i));
            String replayReason = replay.headers().firstValue(EctMcp.ERROR_HEADER).orElse("-");
            boolean jsonRpc = replay.body().contains("\"jsonrpc\":\"2.0\"") && replay.body().contains("\"error\"");
            p.printf("   replayed tool call  -> %d %-18s %s%n", replay.statusCode(), replayReason,
                    replay.statusCode() == 403 && "replay".equals(replayReason) && jsonRpc ? "refused as expected (JSON-RPC error)" : "NOT AS EXPECTED");
            check(failures, replay.statusCode() == 403 && "replay".equals(replayReason) && jsonRpc, "a replayed tool call is refused: 403 replay");

            Agent planner = agents.get("planner");
            EctSigner forger = EctSigner.builder(EctKeys.generate(planner.name() + "-1")).build(); // planner's kid, another key
            McpSyncClient forged = client(planner, agents.get("search"), searchUrl, trust, ledger, open, null, (b, m, u, body, c) -> {
                if (body != null && body.contains("\"tools/call\"")) {
                    b.setHeader("Execution-Context", forger.mint(Ect.builder().iss(planner.id()).aud(agents.get("search").id())
                            .execAct("mcp.tools.call.search").inpHash(EctHashes.sha256(body.getBytes(StandardCharsets.UTF_8)))
                            .build()).compact());
                }
            });
            String forgedReason = "-";
            try (TaskContext.Scope s = TaskContext.root().makeCurrent()) {
                forged.callTool(new McpSchema.CallToolRequest("search", Map.of("q", "forged")));
            } catch (RuntimeException e) {
                forgedReason = EctMcpClient.reasonCode(e).orElse("-");
            }
            p.printf("   forged ECT          -> 403 %-18s %s%n", forgedReason,
                    "invalid_signature".equals(forgedReason) ? "refused as expected (the SDK client saw the 403)" : "NOT AS EXPECTED");
            check(failures, "invalid_signature".equals(forgedReason), "a tool call with a forged ECT is refused: invalid_signature");
            p.printf("   ledger entries before/after the attacks: %d/%d%n", before, ledger.size());
            check(failures, ledger.size() == before, "the attacks add nothing to the ledger");
            p.println();

            ChainVerification chain = ledger.verifyChain();
            p.printf("4. Audit ledger %s: %d entries, hash chain %s%n", ledgerFile, chain.entriesChecked(), chain.ok() ? "intact" : "BROKEN");
            check(failures, chain.ok(), "the ledger's hash chain is intact");
            p.println();
        } finally {
            for (int k = open.size() - 1; k >= 0; k--) {
                try {
                    open.get(k).close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (failures.isEmpty()) {
            p.printf("OK: fan-out/fan-in DAG over MCP, ledger intact, replay and forgery refused (%d ms)%n", ms);
        } else {
            p.println("FAILED:");
            failures.forEach(f -> p.println("  - " + f));
        }
        return failures;
    }

    private static void check(List<String> failures, boolean ok, String what) {
        if (!ok) {
            failures.add(what);
        }
    }

    private static LedgerEntry find(List<LedgerEntry> entries, String iss, String act) {
        return entries.stream().filter(e -> e.iss().equals(iss) && e.execAct().equals(act)).findFirst().orElse(null);
    }

    static String shortId(String jti) { return jti.substring(0, 8); }

    static McpSchema.CallToolResult text(String s) { return McpSchema.CallToolResult.builder().addTextContent(s).isError(false).build(); }

    static String textOf(McpSchema.CallToolResult r) { return ((McpSchema.TextContent) r.content().get(0)).text(); }

    /** A tool server: the SDK's servlet transport in Jetty, behind EctMcpServer's filter. Returns its base URL. */
    static String startServer(Agent self, StaticKeySource trust, AuditLedger ledger, List<AutoCloseable> open,
            Map<String, BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, McpSchema.CallToolResult>> tools) throws Exception {
        EctMcpServer ect = EctMcpServer.builder(EctFilterConfig.builder()
                .environment(Map.of())
                // L3: every accepted tool call is recorded in the ledger the verifier appends to
                .verifier(EctVerifier.builder().verifierId(self.id()).keySource(trust).ledger(ledger).build())
                .ledger(ledger)
                .responseSigner(self.signer())       // T-08: every answer gets a response ECT
                .build()).build();
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp").contextExtractor(ect.contextExtractor()).build();
        List<McpServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
        tools.forEach((name, handler) -> specs.add(McpServerFeatures.SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(name).description(name).inputSchema(Map.of("type", "object")).build())
                .callHandler(handler).build()));
        McpSyncServer mcp = McpServer.sync(transport).serverInfo(self.name(), "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(ect.tools(specs)).build();
        Server jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler ctx = new ServletContextHandler();
        ServletHolder servlet = new ServletHolder(transport);
        servlet.setAsyncSupported(true);
        ctx.addServlet(servlet, "/mcp");
        FilterHolder filter = new FilterHolder(ect.filter());
        filter.setAsyncSupported(true);
        ctx.addFilter(filter, "/mcp", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        jetty.setHandler(ctx);
        jetty.start();
        open.add(() -> {
            mcp.closeGracefully();
            jetty.stop();
        });
        return "http://127.0.0.1:" + jetty.getURI().getPort();
    }

    static McpSyncClient client(Agent self, Agent server, String url, StaticKeySource trust, AuditLedger ledger,
            List<AutoCloseable> open, Recorder rec) {
        return client(self, server, url, trust, ledger, open, rec, null);
    }

    /** An SDK client of {@code self} to {@code server}, with EctMcpClient (and optional extra customizers). */
    static McpSyncClient client(Agent self, Agent server, String url, StaticKeySource trust, AuditLedger ledger,
            List<AutoCloseable> open, Recorder rec, McpSyncHttpClientRequestCustomizer extra) {
        EctMcpClient ect = EctMcpClient.builder(self.signer(), self.id())
                .audience(server.id())
                .responseVerifier(EctVerifier.builder().verifierId(self.id()).keySource(trust)
                        .ectStore(EctMcpClient.mintedEctStore(ledger)).ledger(ledger).build())
                .build();
        HttpClientStreamableHttpTransport.Builder t = ect.configure(HttpClientStreamableHttpTransport.builder(url).endpoint("/mcp"));
        if (extra != null) {
            t.addHttpRequestCustomizer(extra);
        }
        if (rec != null) {
            t.addHttpRequestCustomizer((b, method, uri, body, c) -> rec.record(b, body));
        }
        McpSyncClient c = McpClient.sync(t.build()).transportContextProvider(ect.contextProvider())
                .requestTimeout(Duration.ofSeconds(20)).build();
        c.initialize();
        open.add(c::close);
        return c;
    }

    /** Keeps the HTTP requests the SDK sent, as an attacker on the wire would see them. */
    static final class Recorder {
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
            throw new IllegalStateException("no tool call was recorded");
        }
    }

    /** Sends a recorded request again, byte for byte, with a plain JDK client. */
    static HttpResponse<String> resend(HttpRequest original, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(original.uri()).POST(HttpRequest.BodyPublishers.ofString(body));
        original.headers().map().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("host")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
