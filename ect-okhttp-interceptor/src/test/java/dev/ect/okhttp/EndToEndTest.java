package dev.ect.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.context.TaskContext;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.StaticKeySource;
import dev.ect.core.ledger.ChainVerification;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents on embedded Jetty servers: the servlet filter inbound, this integration outbound, each
 * agent with its own key and SPIFFE-style id, all sharing one ledger. The handlers below contain
 * no ECT code: they are plain servlets making plain OkHttp calls with the agent's derived client.
 */
@SuppressWarnings("try") // scopes are opened for their effect: the variable is unused by design
class EndToEndTest {
    static final String TRUST = "spiffe://e2e.example";
    @TempDir
    static Path dir;
    static FileLedger ledger; // L-05: every acknowledged entry is on disk
    static final OkHttpClient BASE = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20)).build();
    static final Map<String, Agent> AGENTS = new HashMap<>();
    static final Map<String, String> HOSTS = new ConcurrentHashMap<>();
    static StaticKeySource keys;
    static Agent a;

    /** One agent: its id, key, one verifier (inbound in its filter, responses in its client) and its client. */
    static final class Agent {
        final String name;
        final String id;
        final EctKeyPair key;
        final EctSigner signer;
        final List<String> accepted = new CopyOnWriteArrayList<>();
        EctVerifier verifier;
        volatile OkHttpClient client;
        Server server;
        int port;

        Agent(String name) {
            this.name = name;
            this.id = TRUST + "/agent/" + name;
            this.key = EctKeys.generate(name + "-1");
            this.signer = EctSigner.builder(key).build();
        }

        String url(String path) { return "http://127.0.0.1:" + port + path; }
    }

    @BeforeAll
    static void startAgents() throws Exception {
        ledger = FileLedger.open(dir.resolve("ledger.jsonl"));
        for (String n : List.of("a", "orchestrator", "b", "c", "d")) {
            AGENTS.put(n, new Agent(n));
        }
        StaticKeySource.Builder kb = StaticKeySource.builder();
        AGENTS.values().forEach(ag -> kb.key(ag.id, ag.key));
        keys = kb.build();
        for (Agent ag : AGENTS.values()) {
            // one verifier per agent, on the shared ledger: it resolves predecessors there (and the
            // agent's own tokens while it checks a response to them), and appends what it accepts (L3)
            ag.verifier = EctVerifier.builder().verifierId(ag.id).keySource(keys)
                    .ectStore(EctOkHttp.mintedEctStore(ledger)).ledger(ledger).build();
        }
        for (Agent ag : AGENTS.values()) {
            if (!ag.name.equals("a")) {
                start(ag);
                HOSTS.put("127.0.0.1:" + ag.port, ag.id);
            }
        }
        AudienceResolver byHost = AudienceResolver.byHost(HOSTS);
        for (Agent ag : AGENTS.values()) {
            ag.client = EctOkHttp.builder(ag.signer, ag.id).audience(byHost).responseVerifier(ag.verifier).build().wrap(BASE);
        }
        a = AGENTS.get("a"); // agent A is this test: it has no server, only a client
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

    /** The agents' application code: plain HTTP, no ECT code anywhere. */
    static final class AgentServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Agent self;

        AgentServlet(Agent self) { this.self = self; }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String path = req.getRequestURI();
            String answer;
            switch (path) {
                case "/leaf" -> answer = self.name;
                case "/chain" -> answer = self.name + "(" + get(AGENTS.get("c").url("/leaf")) + ")";
                case "/orchestrate" -> answer = orchestrate();
                default -> {
                    resp.sendError(404);
                    return;
                }
            }
            resp.setContentType("text/plain");
            resp.getWriter().write(answer);
        }

        private String get(String url) throws IOException {
            try (Response r = self.client.newCall(new Request.Builder().url(url).build()).execute()) {
                if (!r.isSuccessful()) {
                    throw new IOException(url + " answered " + r.code());
                }
                return r.body().string();
            }
        }

        /** Calls B and C in parallel, waits for both, then calls D. */
        private String orchestrate() throws IOException {
            List<String> results = new CopyOnWriteArrayList<>();
            List<IOException> failures = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(2);
            Callback collect = new Callback() {
                @Override
                public void onFailure(Call call, IOException e) {
                    failures.add(e);
                    done.countDown();
                }

                @Override
                public void onResponse(Call call, Response response) {
                    try (response) {
                        results.add(response.body().string());
                    } catch (IOException e) {
                        failures.add(e);
                    } finally {
                        done.countDown();
                    }
                }
            };
            self.client.newCall(new Request.Builder().url(AGENTS.get("b").url("/leaf")).build()).enqueue(collect);
            self.client.newCall(new Request.Builder().url(AGENTS.get("c").url("/leaf")).build()).enqueue(collect);
            try {
                if (!done.await(20, TimeUnit.SECONDS)) {
                    throw new IOException("parallel calls did not finish");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
            return results.stream().sorted().collect(Collectors.joining("+")) + ">" + get(AGENTS.get("d").url("/leaf"));
        }
    }

    private static String callAsRootTask(TaskContext root, String url) throws IOException {
        try (TaskContext.Scope s = root.makeCurrent(); Response r = a.client.newCall(new Request.Builder().url(url).build()).execute()) {
            assertThat(r.code()).as("status of %s", url).isEqualTo(200);
            return r.body().string();
        }
    }

    private static LedgerEntry entry(String jti) {
        List<LedgerEntry> found = ledger.findEntries(jti);
        assertThat(found).as("ledger entry %s", jti).hasSize(1);
        return found.get(0);
    }

    private static LedgerEntry only(List<LedgerEntry> entries, String iss, Set<String> among) {
        List<LedgerEntry> m = entries.stream().filter(e -> e.iss().equals(iss) && among.contains(e.jti())).toList();
        assertThat(m).as("entries by %s", iss).hasSize(1);
        return m.get(0);
    }

    @Test
    void aChainAtoBtoCLinksEachTaskToThePreviousOneInOneWorkflow() throws Exception {
        Agent b = AGENTS.get("b");
        Agent c = AGENTS.get("c");
        TaskContext root = TaskContext.root(); // agent A's root task, started by the test
        int bBefore = b.accepted.size();
        int cBefore = c.accepted.size();

        assertThat(callAsRootTask(root, b.url("/chain"))).isEqualTo("b(c)");

        String tokenAtB = b.accepted.get(bBefore); // A's task, as B received it
        String tokenAtC = c.accepted.get(cBefore); // B's task, as C received it
        LedgerEntry ab = entry(tokenAtB);
        LedgerEntry bc = entry(tokenAtC);
        assertThat(ab.iss()).isEqualTo(a.id);
        assertThat(ab.pred()).isEmpty(); // M-05: the root task
        assertThat(bc.iss()).isEqualTo(b.id);
        assertThat(bc.pred()).containsExactly(ab.jti()); // M-04: B's call links to the task that started it
        assertThat(ab.wid()).isEqualTo(root.wid());
        assertThat(bc.wid()).isEqualTo(root.wid());

        // response ECTs (T-08): C answered B's task, B answered A's after its own call (F-04)
        List<LedgerEntry> flow = ledger.entriesOfWorkflow(root.wid());
        assertThat(flow).hasSize(4);
        LedgerEntry cAnswer = flow.stream().filter(e -> e.iss().equals(c.id)).findFirst().orElseThrow();
        LedgerEntry bAnswer = flow.stream().filter(e -> e.iss().equals(b.id) && !e.jti().equals(bc.jti())).findFirst().orElseThrow();
        assertThat(cAnswer.pred()).containsExactly(bc.jti());
        assertThat(bAnswer.pred()).containsExactly(cAnswer.jti());
        assertThat(root.frontier()).containsExactly(bAnswer.jti()); // F-03 at A
        ChainVerification chain = ledger.verifyChain(); // L-02/L-04: the hash chain holds
        assertThat(chain.problem()).isEmpty();
        assertThat(chain.ok()).isTrue();
        assertThat(ChainVerification.ofFile(ledger.path()).ok()).isTrue(); // and so does the file on disk
    }

    @Test
    void anOrchestratorsParallelCallsFanInToItsNextCall() throws Exception {
        // profile section 11: calls to B and C from the inbound task, answers b and c, then D gets pred [b, c]
        Agent orch = AGENTS.get("orchestrator");
        Agent b = AGENTS.get("b");
        Agent c = AGENTS.get("c");
        Agent d = AGENTS.get("d");
        TaskContext root = TaskContext.root();

        assertThat(callAsRootTask(root, orch.url("/orchestrate"))).isEqualTo("b+c>d");

        List<LedgerEntry> flow = ledger.entriesOfWorkflow(root.wid());
        Map<String, LedgerEntry> byJti = flow.stream().collect(Collectors.toMap(LedgerEntry::jti, e -> e));
        LedgerEntry start = only(flow, a.id, byJti.keySet()); // A -> orchestrator
        List<LedgerEntry> fromOrch = flow.stream().filter(e -> e.iss().equals(orch.id)).toList();
        // B and C each received one ECT from the orchestrator, D one
        LedgerEntry toB = byJti.get(lastAcceptedIn(b, byJti));
        LedgerEntry toC = byJti.get(lastAcceptedIn(c, byJti));
        LedgerEntry toD = byJti.get(lastAcceptedIn(d, byJti));
        LedgerEntry bAnswer = only(flow, b.id, byJti.keySet());
        LedgerEntry cAnswer = only(flow, c.id, byJti.keySet());
        LedgerEntry dAnswer = only(flow, d.id, byJti.keySet());
        LedgerEntry orchAnswer = fromOrch.stream().filter(e -> !Set.of(toB.jti(), toC.jti(), toD.jti()).contains(e.jti()))
                .findFirst().orElseThrow();

        // the token D received: pred = [B's answer, C's answer]
        assertThat(toD.pred()).containsExactlyInAnyOrder(bAnswer.jti(), cAnswer.jti());

        // the ledger's DAG for this workflow, exactly: nodes and edges (predecessor -> child)
        WorkflowDag dag = WorkflowDag.of(ledger, root.wid());
        assertThat(dag.nodes()).extracting(LedgerEntry::jti).containsExactlyInAnyOrder(start.jti(), toB.jti(), toC.jti(),
                bAnswer.jti(), cAnswer.jti(), toD.jti(), dAnswer.jti(), orchAnswer.jti());
        assertThat(dag.edges()).containsExactlyInAnyOrder(
                new WorkflowDag.Edge(start.jti(), toB.jti()),
                new WorkflowDag.Edge(start.jti(), toC.jti()),
                new WorkflowDag.Edge(toB.jti(), bAnswer.jti()),
                new WorkflowDag.Edge(toC.jti(), cAnswer.jti()),
                new WorkflowDag.Edge(bAnswer.jti(), toD.jti()),
                new WorkflowDag.Edge(cAnswer.jti(), toD.jti()),
                new WorkflowDag.Edge(toD.jti(), dAnswer.jti()),
                new WorkflowDag.Edge(dAnswer.jti(), orchAnswer.jti()));
        assertThat(dag.unresolved()).isEmpty();
        assertThat(dag.roots()).extracting(LedgerEntry::jti).containsExactly(start.jti());
        assertThat(toB.iss()).isEqualTo(orch.id);
        assertThat(toC.iss()).isEqualTo(orch.id);
        assertThat(toD.iss()).isEqualTo(orch.id);
        assertThat(root.frontier()).containsExactly(orchAnswer.jti());
        assertThat(ledger.verifyChain().ok()).isTrue();
    }

    private static String lastAcceptedIn(Agent ag, Map<String, LedgerEntry> flow) {
        List<String> mine = new ArrayList<>(ag.accepted);
        mine.removeIf(j -> !flow.containsKey(j));
        assertThat(mine).as("ECTs of this workflow accepted by %s", ag.name).hasSize(1);
        return mine.get(0);
    }
}
