package dev.ect.httpclient;

import dev.ect.core.client.EctRequestOptions;
import dev.ect.core.client.AudienceResolver;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.context.TaskContext;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.FileLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.view.WorkflowDag;
import dev.ect.servlet.EctFilter;
import dev.ect.servlet.EctFilterConfig;
import dev.ect.servlet.EctFilterEvent;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents on embedded Jetty servers: the repo's servlet filter inbound, this integration outbound,
 * each agent with its own key and id, all sharing one ledger. The servlets contain no ECT code:
 * they are plain servlets making plain {@code HttpClient} calls with the agent's wrapped client.
 */
@SuppressWarnings("try") // scopes are opened for their effect: the variable is unused by design
class EndToEndTest {
    static final String TRUST = "spiffe://e2e.example";
    @TempDir
    static Path dir;
    static FileLedger ledger;
    static final HttpClient BASE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final Map<String, Agent> AGENTS = new HashMap<>();
    static final Map<String, String> HOSTS = new ConcurrentHashMap<>();
    static Agent a;

    /** One agent: its id, key, one verifier (inbound in its filter, responses in its client) and its client. */
    static final class Agent {
        final String name;
        final String id;
        final EctKeyPair key;
        final EctSigner signer;
        final List<String> accepted = new CopyOnWriteArrayList<>();
        final List<String> refused = new CopyOnWriteArrayList<>();
        final List<String> contextsSeen = new CopyOnWriteArrayList<>();
        EctVerifier verifier;
        volatile EctHttpClient client;
        Server server;
        int port;

        Agent(String name) {
            this.name = name;
            this.id = TRUST + "/agent/" + name;
            this.key = EctKeys.generate(name + "-1");
            this.signer = EctSigner.builder(key).build();
        }

        URI uri(String path) { return URI.create("http://127.0.0.1:" + port + path); }
    }

    @BeforeAll
    static void startAgents() throws Exception {
        ledger = FileLedger.open(dir.resolve("ledger.jsonl"));
        for (String n : List.of("a", "orchestrator", "b", "c")) {
            AGENTS.put(n, new Agent(n));
        }
        StaticKeySource.Builder kb = StaticKeySource.builder();
        AGENTS.values().forEach(ag -> kb.key(ag.id, ag.key));
        StaticKeySource keys = kb.build();
        for (Agent ag : AGENTS.values()) {
            // one verifier per agent on the shared ledger: resolves predecessors there (and the agent's own
            // tokens while it checks a response to them) and appends what it accepts (L3)
            ag.verifier = EctVerifier.builder().verifierId(ag.id).keySource(keys)
                    .ectStore(EctHttp.mintedEctStore(ledger)).ledger(ledger).build();
        }
        for (Agent ag : AGENTS.values()) {
            if (!ag.name.equals("a")) {
                start(ag);
                HOSTS.put("127.0.0.1:" + ag.port, ag.id);
            }
        }
        AudienceResolver byHost = AudienceResolver.byHost(HOSTS);
        for (Agent ag : AGENTS.values()) {
            ag.client = EctHttp.builder(ag.signer, ag.id).audience(byHost).responseVerifier(ag.verifier).build().wrap(BASE);
        }
        a = AGENTS.get("a"); // agent A is this test: a client only
    }

    @AfterAll
    static void stopAgents() throws Exception {
        for (Agent ag : AGENTS.values()) {
            if (ag.server != null) {
                ag.server.stop();
            }
        }
        ledger.close();
    }

    private static void start(Agent ag) throws Exception {
        EctFilterConfig cfg = EctFilterConfig.builder()
                .verifier(ag.verifier)
                .responseSigner(ag.signer) // T-08: answer with an ECT for the task performed
                .listener(e -> {
                    if (e.outcome() == EctFilterEvent.Outcome.ACCEPTED) {
                        ag.accepted.add(e.jti());
                    } else {
                        ag.refused.add(String.valueOf(e.errorCode()));
                    }
                })
                .environment(Map.of())
                .build();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(new EctFilter(cfg)), "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        context.addServlet(new ServletHolder(new AgentServlet(ag)), "/*");
        server.setHandler(context);
        server.start();
        ag.server = server;
        ag.port = connector.getLocalPort();
    }

    /** The agents' application code: plain java.net.http calls, no ECT code. */
    static final class AgentServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Agent self;

        AgentServlet(Agent self) { this.self = self; }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String answer;
            try {
                answer = switch (req.getRequestURI()) {
                    case "/leaf" -> self.name;
                    case "/chain" -> self.name + "(" + get(AGENTS.get("c").uri("/leaf")) + ")";
                    case "/orchestrate" -> orchestrate();
                    default -> null;
                };
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (answer == null) {
                resp.sendError(404);
                return;
            }
            resp.setContentType("text/plain");
            resp.getWriter().write(answer);
        }

        private String get(URI uri) throws IOException, InterruptedException {
            HttpResponse<String> r = self.client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                    BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException(uri + " answered " + r.statusCode());
            }
            return r.body();
        }

        /** Calls B and C in parallel with sendAsync, waits for both, then calls B again. */
        private String orchestrate() throws IOException, InterruptedException {
            CompletableFuture<String> b = async(AGENTS.get("b").uri("/leaf"));
            CompletableFuture<String> c = async(AGENTS.get("c").uri("/leaf"));
            try {
                String both = b.get(20, TimeUnit.SECONDS) + "+" + c.get(20, TimeUnit.SECONDS);
                return both + ">" + get(AGENTS.get("b").uri("/leaf"));
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IOException(e);
            }
        }

        private CompletableFuture<String> async(URI uri) {
            return self.client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(), BodyHandlers.ofString())
                    .thenApply(r -> {
                        // F-05: the continuation runs with the request's context current
                        self.contextsSeen.add(TaskContext.current().map(TaskContext::wid).orElse("none"));
                        return r.body();
                    });
        }
    }

    private static HttpResponse<String> callAsRootTask(TaskContext root, URI uri) throws Exception {
        try (TaskContext.Scope s = root.makeCurrent()) {
            return a.client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(), BodyHandlers.ofString());
        }
    }

    private static LedgerEntry entry(String jti) {
        List<LedgerEntry> found = ledger.findEntries(jti);
        assertThat(found).as("ledger entry %s", jti).hasSize(1);
        return found.get(0);
    }

    @Test
    @DisplayName("M-01..M-06, T-08, F-03: the filter verifies the client's ECT and answers with one the client verifies")
    void theFilterVerifiesTheClientsEctAndTheClientVerifiesTheAnswer() throws Exception {
        Agent b = AGENTS.get("b");
        TaskContext root = TaskContext.root();
        int before = b.accepted.size();
        HttpResponse<String> r = callAsRootTask(root, b.uri("/leaf"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("b");
        LedgerEntry sent = entry(b.accepted.get(before)); // appended by B's filter
        assertThat(sent.iss()).isEqualTo(a.id);
        assertThat(sent.pred()).isEmpty();
        assertThat(sent.wid()).isEqualTo(root.wid());
        List<LedgerEntry> flow = ledger.entriesOfWorkflow(root.wid());
        assertThat(flow).hasSize(2);
        LedgerEntry answer = flow.stream().filter(e -> e.iss().equals(b.id)).findFirst().orElseThrow(); // appended by A's verifier
        assertThat(answer.pred()).containsExactly(sent.jti());
        assertThat(root.frontier()).containsExactly(answer.jti()); // F-03 at A
    }

    @Test
    @DisplayName("M-04, M-05, F-04: a chain A -> B -> C links each task to the previous one in one workflow")
    void aChainLinksEachTaskToThePreviousOne() throws Exception {
        Agent b = AGENTS.get("b");
        Agent c = AGENTS.get("c");
        TaskContext root = TaskContext.root();
        int bBefore = b.accepted.size();
        int cBefore = c.accepted.size();
        assertThat(callAsRootTask(root, b.uri("/chain")).body()).isEqualTo("b(c)");
        LedgerEntry ab = entry(b.accepted.get(bBefore));
        LedgerEntry bc = entry(c.accepted.get(cBefore));
        assertThat(ab.iss()).isEqualTo(a.id);
        assertThat(bc.iss()).isEqualTo(b.id);
        assertThat(bc.pred()).containsExactly(ab.jti()); // B's call links to the task that started it
        assertThat(bc.wid()).isEqualTo(root.wid());
        List<LedgerEntry> flow = ledger.entriesOfWorkflow(root.wid());
        assertThat(flow).hasSize(4);
        LedgerEntry cAnswer = flow.stream().filter(e -> e.iss().equals(c.id)).findFirst().orElseThrow();
        LedgerEntry bAnswer = flow.stream().filter(e -> e.iss().equals(b.id) && !e.jti().equals(bc.jti())).findFirst().orElseThrow();
        assertThat(cAnswer.pred()).containsExactly(bc.jti());
        assertThat(bAnswer.pred()).containsExactly(cAnswer.jti()); // F-04: B answered after its own call
        assertThat(root.frontier()).containsExactly(bAnswer.jti());
        assertThat(ledger.verifyChain().ok()).isTrue();
    }

    @Test
    @DisplayName("F-02, F-03, F-05 (profile section 11): an orchestrator's two sendAsync fan in to its next call, verified by the filters")
    void anOrchestratorsAsyncCallsFanInToItsNextCall() throws Exception {
        Agent orch = AGENTS.get("orchestrator");
        Agent b = AGENTS.get("b");
        Agent c = AGENTS.get("c");
        TaskContext root = TaskContext.root();
        assertThat(callAsRootTask(root, orch.uri("/orchestrate")).body()).isEqualTo("b+c>b");

        List<LedgerEntry> flow = ledger.entriesOfWorkflow(root.wid());
        Map<String, LedgerEntry> byJti = flow.stream().collect(Collectors.toMap(LedgerEntry::jti, e -> e));
        LedgerEntry start = flow.stream().filter(e -> e.iss().equals(a.id)).findFirst().orElseThrow();
        List<LedgerEntry> fromOrch = flow.stream().filter(e -> e.iss().equals(orch.id)).toList();
        List<LedgerEntry> calls = fromOrch.stream().filter(e -> !e.ect().aud().contains(a.id)).toList();
        LedgerEntry orchAnswer = fromOrch.stream().filter(e -> e.ect().aud().contains(a.id)).findFirst().orElseThrow();
        assertThat(calls).hasSize(3);
        List<LedgerEntry> parallel = calls.stream().filter(e -> e.pred().equals(List.of(start.jti()))).toList();
        assertThat(parallel).hasSize(2); // both sendAsync captured the inbound task (F-02)
        assertThat(parallel).extracting(e -> e.ect().aud().get(0)).containsExactlyInAnyOrder(b.id, c.id);
        Set<String> answers = flow.stream()
                .filter(e -> parallel.stream().anyMatch(p -> e.pred().contains(p.jti())))
                .map(LedgerEntry::jti).collect(Collectors.toSet());
        assertThat(answers).hasSize(2);
        LedgerEntry third = calls.stream().filter(e -> !parallel.contains(e)).findFirst().orElseThrow();
        assertThat(third.pred()).containsExactlyInAnyOrderElementsOf(answers); // the fan-in: pred [b, c]
        assertThat(byJti.keySet()).contains(third.jti());
        WorkflowDag dag = WorkflowDag.of(ledger, root.wid());
        assertThat(dag.unresolved()).isEmpty();
        assertThat(dag.roots()).extracting(LedgerEntry::jti).containsExactly(start.jti());
        assertThat(root.frontier()).containsExactly(orchAnswer.jti());
        assertThat(orch.contextsSeen).hasSizeGreaterThanOrEqualTo(2).allSatisfy(w -> assertThat(w).isEqualTo(root.wid()));
        assertThat(ledger.verifyChain().ok()).isTrue();
    }

    @Test
    @DisplayName("M-06: an ECT addressed to the wrong agent is refused by the filter (403 audience_mismatch); the frontier stays")
    void anEctForTheWrongAudienceIsRefusedByTheFilter() throws Exception {
        Agent b = AGENTS.get("b");
        TaskContext root = TaskContext.root();
        int refusedBefore = b.refused.size();
        HttpResponse<String> r;
        try (TaskContext.Scope s = root.makeCurrent()) {
            r = a.client.send(HttpRequest.newBuilder(b.uri("/leaf")).build(), BodyHandlers.ofString(),
                    EctRequestOptions.builder().aud(AGENTS.get("c").id).build());
        }
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(r.body()).contains("audience_mismatch");
        assertThat(b.refused.subList(refusedBefore, b.refused.size())).anySatisfy(x -> assertThat(x).containsIgnoringCase("audience_mismatch"));
        assertThat(root.frontier()).isEmpty(); // F-03 [P]: a refused call is no dependency of later work
    }
}
